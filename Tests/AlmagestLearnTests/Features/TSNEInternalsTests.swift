import AlmagestCore
@testable import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

@Suite struct TSNEInternalsTests {
    @Test func nearestNeighboursEqualBruteForce() throws {
        var rng = RandomStream(seed: 12)
        let x: Matrix<Double> = rng.normalMatrix(rows: 120, columns: 7)
        let k = 9
        let (indices, distances) = TSNEAffinities.nearestNeighbours(x, k: k)
        for i in 0..<x.rows {
            let brute = (0..<x.rows).filter { $0 != i }.map { j -> (Double, Int) in
                var s = 0.0
                for a in 0..<7 { s += (x[i, a] - x[j, a]) * (x[i, a] - x[j, a]) }
                return (s, j)
            }.sorted { $0.0 < $1.0 }
            #expect((0..<k).map { Int(indices[i * k + $0]) } == brute.prefix(k).map(\.1))
            for t in 0..<k { #expect(abs(distances[i * k + t] - brute[t].0) < 1e-10) }
        }
    }

    @Test(arguments: [5.0, 30.0])
    func rowsHaveTheTargetPerplexityAndPIsSymmetric(perplexity: Double) throws {
        let x = try FeatureTestDigits.digits().pixels.rows(at: 0..<200)
        let k = Int(3 * perplexity + 1)
        let (_, distances) = TSNEAffinities.nearestNeighbours(x, k: k)
        let conditional = TSNEAffinities.conditionalProbabilities(distances, n: 200, k: k, perplexity: perplexity)
        for i in 0..<200 {
            let row = conditional[(i * k)..<((i + 1) * k)]
            #expect(abs(row.reduce(0, +) - 1) < 1e-12)
            let entropy = -row.reduce(0) { $0 + ($1 > 0 ? $1 * log($1) : 0) }
            #expect(abs(entropy - log(perplexity)) < 1e-4, "row \(i): perplexity \(exp(entropy))")
        }
        let p = TSNEAffinities(x, perplexity: perplexity)
        #expect(abs(p.values.reduce(0, +) - 1) < 1e-12)
        var entries = [Int: Double]()
        for i in 0..<p.count {
            let columns = p.columns[p.rowStart[i]..<p.rowStart[i + 1]].map(Int.init)
            #expect(columns == columns.sorted() && Set(columns).count == columns.count && !columns.contains(i))
            for e in p.rowStart[i]..<p.rowStart[i + 1] { entries[i * 200 + Int(p.columns[e])] = p.values[e] }
        }
        for (key, value) in entries { #expect(entries[(key % 200) * 200 + key / 200] == value) }
    }

    @Test(arguments: [2, 3])
    func treeWithThetaZeroIsTheExactSum(dimensions: Int) throws {
        var rng = RandomStream(seed: UInt64(dimensions))
        let n = 150
        var y = (0..<(n * dimensions)).map { _ in rng.nextNormal() * 3 }
        // Duplicates and a point on a cell centre.
        for a in 0..<dimensions { y[10 * dimensions + a] = y[3 * dimensions + a]; y[11 * dimensions + a] = y[3 * dimensions + a] }
        try y.withUnsafeBufferPointer { p in
            let tree = SpacePartitioningTree(points: p.baseAddress!, count: n, dimensions: dimensions)
            var stack = [Int32]()
            var force = [Double](repeating: 0, count: dimensions)
            for i in [0, 3, 10, 77, 149] {
                var exactZ = 0.0, exactForce = [Double](repeating: 0, count: dimensions)
                for j in 0..<n where j != i {
                    var d2 = 0.0
                    for a in 0..<dimensions { d2 += (p[i * dimensions + a] - p[j * dimensions + a]) * (p[i * dimensions + a] - p[j * dimensions + a]) }
                    let q = 1 / (1 + d2)
                    exactZ += q
                    for a in 0..<dimensions { exactForce[a] += q * q * (p[i * dimensions + a] - p[j * dimensions + a]) }
                }
                let z = force.withUnsafeMutableBufferPointer {
                    tree.repulsion(on: i, points: p.baseAddress!, theta: 0, force: $0.baseAddress!, stack: &stack)
                }
                #expect(isClose(z, exactZ, relative: 1e-12))
                for a in 0..<dimensions { #expect(isClose(force[a], exactForce[a], relative: 1e-10, absolute: 1e-14)) }
                // Barnes-Hut with theta 0.5 stays close.
                let approximate = force.withUnsafeMutableBufferPointer {
                    tree.repulsion(on: i, points: p.baseAddress!, theta: 0.5, force: $0.baseAddress!, stack: &stack)
                }
                #expect(isClose(approximate, exactZ, relative: 0.02))
            }
            _ = try #require(Optional(tree))
        }
    }
}

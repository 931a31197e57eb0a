import AlmagestCore
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

/// Every value of every `geometry_cases` entry of `clustering_metrics.json` (1e-12 relative),
/// the blocked silhouette against a direct O(n²) loop, and the input checks.
@Suite struct InternalClusteringMetricsTests {
    nonisolated(unsafe) static let cases = try! Reference.json("clustering_metrics.json").objects("geometry_cases")!
    static let caseNames = cases.map { $0["name"] as! String }

    static func geometryCase(_ name: String) throws -> (x: Matrix<Double>, labels: [Int], expected: [String: Any]) {
        let c = cases.first { ($0["name"] as! String) == name }!
        return (try Matrix(c.rows("X")!), c.ints("labels")!, c.object("expected")!)
    }

    @Test("fixture covers three geometry cases") func fixtureShape() { #expect(Self.cases.count == 3) }

    @Test("silhouette samples, score and per-cluster means", arguments: caseNames)
    func silhouette(name: String) throws {
        let (x, labels, expected) = try Self.geometryCase(name)
        let analysis = try SilhouetteAnalysis(x, labels: labels)
        let want = expected.doubles("silhouette_samples")!
        #expect(analysis.samples.count == want.count)
        for (i, (got, w)) in zip(analysis.samples, want).enumerated() {
            #expect(isClose(got, w, relative: 1e-12), "\(name) s(\(i)): \(got) vs \(w)")
        }
        #expect(isClose(analysis.score, expected.double("silhouette_score")!))
        #expect(analysis.clusterLabels == expected.ints("cluster_labels"))
        #expect(analysis.clusterSizes == expected.ints("cluster_sizes"))
        for (got, w) in zip(analysis.clusterMeans, expected.doubles("per_cluster_mean_silhouette")!) {
            #expect(isClose(got, w), "\(name) cluster mean \(got) vs \(w)")
        }
        #expect(try silhouetteScore(of: x, labels: labels) == analysis.score)
        #expect(try silhouetteSamples(of: x, labels: labels) == analysis.samples)
    }

    @Test("Calinski-Harabasz and Davies-Bouldin", arguments: caseNames)
    func dispersionIndices(name: String) throws {
        let (x, labels, expected) = try Self.geometryCase(name)
        let ch = try calinskiHarabasz(of: x, labels: labels)
        #expect(isClose(ch, expected.double("calinski_harabasz_score")!), "\(name) CH \(ch)")
        let db = try daviesBouldin(of: x, labels: labels)
        let direct = expected.double("davies_bouldin_score_direct_distances")!
        #expect(isClose(db, direct, relative: 1e-12), "\(name) DB \(db) vs \(direct)")
        // scikit-learn's own value differs only through its GEMM distances (about 7e-9 relative).
        #expect(isClose(db, expected.double("davies_bouldin_score")!, relative: 1e-7))
    }

    @Test("blocked silhouette equals a direct O(n²) loop on 3,000 points, for any thread count")
    func blockedAgainstDirect() throws {
        var random = RandomStream(seed: 7)
        let n = 3_000, d = 5, k = 6
        var labels = [Int]()
        var rows = [[Double]]()
        for i in 0..<n {
            let c = i % k
            labels.append(c * 10 - 3)            // arbitrary, non-contiguous ids
            rows.append((0..<d).map { j in Double(c * (j + 1)) * 0.7 + random.nextNormal() })
        }
        labels[5] = 999                          // a singleton cluster
        let x = try Matrix(rows)
        let one = try Parallel.withThreads(1) { try SilhouetteAnalysis(x, labels: labels, blockRows: 97) }
        let two = try Parallel.withThreads(2) { try SilhouetteAnalysis(x, labels: labels, blockRows: 97) }
        #expect(one == two)
        let direct = Self.directSilhouette(rows, labels)
        #expect(one.samples[5] == 0)
        var worst = 0.0
        for i in 0..<n { worst = max(worst, abs(one.samples[i] - direct[i])) }
        #expect(worst < 1e-12, "largest difference to the direct loop: \(worst)")
        #expect(isClose(one.score, direct.reduce(0, +) / Double(n), relative: 1e-12))
        #expect(one.clusterSizes.reduce(0, +) == n && one.clusterLabels.contains(999))
    }

    @Test("identical points: GEMM rounding is clamped and a point's self-distance excluded")
    func duplicatePoints() throws {
        let x = try Matrix<Double>([[1e3, 1e3], [1e3, 1e3], [1e3, 1e3], [-5e2, 2e2], [-5e2, 2e2]])
        let s = try SilhouetteAnalysis(x, labels: [0, 0, 0, 1, 1])
        for value in s.samples { #expect(isClose(value, 1, relative: 1e-12)) }
    }

    @Test("Float input gives the same scores to single precision")
    func floatInput() throws {
        let (x, labels, expected) = try Self.geometryCase(Self.caseNames[0])
        let xf = try Matrix<Float>(x.rowArrays.map { $0.map(Float.init) })
        let score = try silhouetteScore(of: xf, labels: labels)
        #expect(isClose(score, expected.double("silhouette_score")!, relative: 1e-5))
    }

    @Test("bad input gives typed errors")
    func badInput() throws {
        let x = try Matrix<Double>([[0, 0], [1, 1], [2, 2], [3, 3]])
        // Label count does not match the rows.
        #expect(throws: FitError.self) { try silhouetteScore(of: x, labels: [0, 1, 1]) }
        // One cluster, and one cluster per point: k must satisfy 2 <= k <= n - 1.
        for labels in [[0, 0, 0, 0], [0, 1, 2, 3]] {
            #expect {
                try calinskiHarabasz(of: x, labels: labels)
            } throws: { error in
                guard case let FitError.invalidParameter(_, value, expected) = error else { return false }
                return (value == "1" || value == "4") && expected.contains("n = 4")
            }
            #expect(throws: FitError.self) { try daviesBouldin(of: x, labels: labels) }
            #expect(throws: FitError.self) { try SilhouetteAnalysis(x, labels: labels) }
        }
        var bad = x
        bad[2, 1] = .nan
        #expect {
            try silhouetteScore(of: bad, labels: [0, 0, 1, 1])
        } throws: { error in
            guard case let FitError.nonFinite(_, row, column, _) = error else { return false }
            return row == 2 && column == 1
        }
        let empty = Matrix<Double>(rows: 0, columns: 2)
        #expect(throws: FitError.self) { try daviesBouldin(of: empty, labels: []) }
    }

    // MARK: - Private

    /// s(i) with every distance computed directly, O(n²).
    static func directSilhouette(_ rows: [[Double]], _ labels: [Int]) -> [Double] {
        let ids = Array(Set(labels)).sorted()
        let index = labels.map { ids.firstIndex(of: $0)! }
        var sizes = [Int](repeating: 0, count: ids.count)
        for c in index { sizes[c] += 1 }
        return (0..<rows.count).map { i in
            guard sizes[index[i]] > 1 else { return 0 }
            var sums = [Double](repeating: 0, count: ids.count)
            for j in 0..<rows.count where j != i {
                var s = 0.0
                for t in 0..<rows[i].count { s += (rows[i][t] - rows[j][t]) * (rows[i][t] - rows[j][t]) }
                sums[index[j]] += s.squareRoot()
            }
            let a = sums[index[i]] / Double(sizes[index[i]] - 1)
            var b = Double.infinity
            for c in 0..<ids.count where c != index[i] { b = min(b, sums[c] / Double(sizes[c])) }
            return (b - a) / max(a, b)
        }
    }
}

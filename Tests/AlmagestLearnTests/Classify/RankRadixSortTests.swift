import AlmagestCore
import AlmagestData
@testable import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

/// The radix sort of ranks that large tree nodes use instead of a comparison sort: it must order
/// keys exactly as a sort does (stably), for every width, and the ranks must keep the values' order
/// and ties; trees grown with it equal trees grown by comparison sorts only, node for node.
@Suite struct RankRadixSortTests {
    @Test(arguments: [1, 7, 8, 9, 16, 17, 24, 32])
    func sortsLikeAStableSortAtEveryWidth(bits: Int) {
        var rng = RandomStream(seed: bits)
        for count in [2, 3, 127, 128, 1000, 5000] {
            let limit = bits == 32 ? UInt64(UInt32.max) + 1 : UInt64(1) << UInt64(bits)
            var keys = (0..<count).map { _ in UInt32(truncatingIfNeeded: rng.next() % limit) }
            // Few distinct keys too: long runs of ties, and digits equal for every key (skipped passes).
            if count > 100 { for i in stride(from: 0, to: count, by: 3) { keys[i] = keys[0] } }
            var indices = (0..<Int32(count)).map { $0 }
            let expected = keys.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }
            var scratchKeys = [UInt32](repeating: 0, count: count), scratchIndices = [Int32](repeating: 0, count: count)
            var histogram = [Int](repeating: 7, count: 1024)
            var sortedKeys = keys
            sortedKeys.withUnsafeMutableBufferPointer { k in
                indices.withUnsafeMutableBufferPointer { ix in
                    scratchKeys.withUnsafeMutableBufferPointer { sk in
                        scratchIndices.withUnsafeMutableBufferPointer { si in
                            histogram.withUnsafeMutableBufferPointer { h in
                                radixSortByRank(k.baseAddress!, ix.baseAddress!, sk.baseAddress!, si.baseAddress!,
                                                histogram: h.baseAddress!, count: count, bits: bits)
                            }
                        }
                    }
                }
            }
            #expect(indices.map(Int.init) == expected, "bits \(bits), count \(count)")
            #expect(sortedKeys == expected.map { keys[$0] })
        }
    }

    @Test func ranksKeepOrderAndTiesOfEachColumn() {
        let columns: [Double] = [3.5, -1, 3.5, 0, -0.0, 1e300,   2, 2, 2, 2, 2, 2]
        let ranks = FeatureRanks(columns: columns, rows: 6, features: 2)
        #expect(Array(ranks.ranks[0..<6]) == [2, 0, 2, 1, 1, 3])
        #expect(Array(ranks.ranks[6..<12]) == [0, 0, 0, 0, 0, 0])
        #expect(ranks.bits == 2)
    }

    @Test func treesOnRealDataEqualThoseGrownByComparisonSortsOnly() throws {
        // MAGIC rows (nodes above and below the radix threshold), weighted as a bootstrap would:
        // every tree equals the one grown with comparison sorts only, node for node.
        let url = Reference.url("datasets/magic-gamma/magic04.data")
        let magic = try CSVReader.read(from: url, options: CSVOptions(header: .absent), target: -1)
        let rows = Array(stride(from: 0, to: magic.count, by: 6))
        let data = try TreeTrainingSet(magic.features.rows(at: rows), labels: try #require(magic.labels).enumerated()
            .filter { $0.offset % 6 == 0 }.map(\.element), estimator: "test")
        #expect(data.rows > 3000 && data.ranks.bits >= 11)
        for seed in 0..<4 {
            var draw = RandomStream(seed: 100 + seed)
            var weights = [Double](repeating: 0, count: data.rows)
            for _ in 0..<data.rows { weights[draw.nextInt(below: data.rows)] += 1 }
            let sample = (0..<Int32(data.rows)).filter { weights[Int($0)] > 0 }
            var radix = TreeGrowth(criterion: seed % 2 == 0 ? .gini : .entropy, maxFeatures: 3)
            var comparisons = radix
            comparisons.radixSortMinimum = .max
            radix.radixSortMinimum = 2
            var rngA = RandomStream(seed: seed), rngB = RandomStream(seed: seed)
            let a = radix.grow(data, rows: sample, weights: weights, rng: &rngA)
            let b = comparisons.grow(data, rows: sample, weights: weights, rng: &rngB)
            #expect(a == b, "seed \(seed)")
            #expect(a.features.count > 200)
        }
    }
}

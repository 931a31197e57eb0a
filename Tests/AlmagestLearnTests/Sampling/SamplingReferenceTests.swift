import AlmagestCore
import Foundation
import Testing
@testable import AlmagestLearn

/// `sampling_reference.json` (written by `Tests/Reference/make_sampling_reference.py`): NumPy's
/// fences and z-scores, imbalanced-learn's SMOTE counts and neighbours, scikit-learn's one-hot
/// encoding, on 201 raw MAGIC rows.
struct SamplingReference: Decodable {
    let x: [[Double]]
    let y: [Int]
    let iqr: IQR
    let zscore: ZScore
    let smote: Smote
    let oneHot: OneHot

    struct IQR: Decodable { let low: [Double]; let high: [Double]; let kept: [Int] }
    struct ZScore: Decodable { let kept: [Int] }
    struct Smote: Decodable {
        let xScaled: [[Double]]; let added: Int; let neighbours: [[Int]]
        enum CodingKeys: String, CodingKey { case xScaled = "x_scaled", added, neighbours }
    }
    struct OneHot: Decodable { let codes: [Double]; let encoded: [[Double]] }
    enum CodingKeys: String, CodingKey { case x, y, iqr, zscore, smote, oneHot = "one_hot" }

    static let loaded: Result<SamplingReference, any Error> = Result {
        guard let url = Bundle.module.url(forResource: "sampling_reference", withExtension: "json", subdirectory: "Resources")
        else { throw CocoaError(.fileNoSuchFile) }
        return try JSONDecoder().decode(SamplingReference.self, from: Data(contentsOf: url))
    }
}

@Suite struct SamplingReferenceTests {
    @Test func iqrFencesAndKeptRowsEqualNumpy() throws {
        let ref = try SamplingReference.loaded.get()
        let x = try Matrix(ref.x)
        let fences = try IQROutlierFilter().fences(x)
        for (j, fence) in fences.enumerated() {
            #expect(abs(fence.low - ref.iqr.low[j]) <= 1e-12 * max(1, abs(ref.iqr.low[j])))
            #expect(abs(fence.high - ref.iqr.high[j]) <= 1e-12 * max(1, abs(ref.iqr.high[j])))
        }
        let out = try IQROutlierFilter().resample(x, labels: ref.y)
        #expect(out.x == x.rows(at: ref.iqr.kept))
        #expect(out.labels == ref.iqr.kept.map { ref.y[$0] })
        #expect(out.report["rows_removed"] == Double(ref.x.count - ref.iqr.kept.count))
        #expect(out.report["rows_removed_class_0"]! + out.report["rows_removed_class_1"]! == out.report["rows_removed"])
    }

    @Test func zScoreKeptRowsEqualNumpy() throws {
        let ref = try SamplingReference.loaded.get()
        let out = try ZScoreOutlierFilter(threshold: 3).resample(try Matrix(ref.x), labels: ref.y)
        #expect(out.labels == ref.zscore.kept.map { ref.y[$0] })
        #expect(out.x == (try Matrix(ref.x)).rows(at: ref.zscore.kept))
        #expect(out.report["rows_out"] == Double(ref.zscore.kept.count))
    }

    @Test func smoteCountsAndNeighboursEqualImbalancedLearn() throws {
        let ref = try SamplingReference.loaded.get()
        let x = try Matrix(ref.smote.xScaled)
        let out = try SMOTE(neighbors: 5, seed: 0).resample(x, labels: ref.y)
        #expect(out.x.rows - x.rows == ref.smote.added)
        #expect(out.report["rows_added"] == Double(ref.smote.added))
        #expect(out.labels.filter { $0 == 0 }.count == out.labels.filter { $0 == 1 }.count)
        // The original rows come first, unchanged.
        #expect(out.x.rows(at: 0..<x.rows) == x && Array(out.labels.prefix(x.rows)) == ref.y)
        let minorityRows = ref.y.indices.filter { ref.y[$0] == 1 }
        let minority = x.rows(at: minorityRows)
        let table = SMOTE.neighbourTable(minority, k: 5)
        for i in 0..<minority.rows { #expect(Array(table[(i * 5)..<(i * 5 + 5)]) == ref.smote.neighbours[i]) }
        // Every synthetic row lies on a segment from a minority row to one of its 5 neighbours.
        for s in x.rows..<out.x.rows {
            let row = out.x.row(s)
            let onSegment = (0..<minority.rows).contains { i in
                table[(i * 5)..<(i * 5 + 5)].contains { j in
                    let a = minority.row(i), b = minority.row(j)
                    let d = zip(b, a).map { $0 - $1 }
                    let norm = d.reduce(0) { $0 + $1 * $1 }
                    guard norm > 0 else { return zip(row, a).allSatisfy { abs($0 - $1) < 1e-12 } }
                    let t = zip(zip(row, a).map { $0 - $1 }, d).reduce(0) { $0 + $1.0 * $1.1 } / norm
                    return t >= 0 && t < 1 && zip(row, a).enumerated().allSatisfy { abs($1.0 - ($1.1 + t * d[$0])) < 1e-9 }
                }
            }
            #expect(onSegment, "synthetic row \(s) is not between a minority row and one of its neighbours")
        }
    }

    @Test func oneHotEqualsScikitLearnInPlace() throws {
        let ref = try SamplingReference.loaded.get()
        var x = try Matrix(ref.x)
        for i in 0..<x.rows { x[i, 0] = ref.oneHot.codes[i] }
        let model = try OneHotEncoder(columns: [0]).fit(x)
        #expect(model.outputWidth == ref.oneHot.encoded[0].count)
        #expect(try model.transform(x) == Matrix(ref.oneHot.encoded))
    }
}

@Suite struct SamplerBehaviourTests {
    @Test func smoteRefusesAClassSmallerThanNeighboursPlusOne() throws {
        let x = Matrix<Double>(rows: 12, columns: 2) { i, j in Double(i * 2 + j) }
        let y = Array(repeating: 0, count: 9) + [1, 1, 1]
        #expect {
            try SMOTE(neighbors: 5).resample(x, labels: y)
        } throws: { error in
            guard case let FitError.tooFewSamples(_, needed, got, reason) = error else { return false }
            return needed == 6 && got == 3 && reason.contains("class 1")
        }
        // With k = 2 the class of 3 can be over-sampled to 9.
        let out = try SMOTE(neighbors: 2).resample(x, labels: y)
        #expect(out.labels.filter { $0 == 1 }.count == 9)
        // A smaller ratio adds fewer rows: 0.5 x 9 = 4 rows of class 1.
        #expect(try SMOTE(neighbors: 2, samplingRatio: 0.5).resample(x, labels: y).labels.filter { $0 == 1 }.count == 4)
    }

    @Test func smoteIsSeededAndMulticlass() throws {
        var rng = RandomStream(seed: 3)
        let y = (0..<60).map { $0 < 40 ? 0 : ($0 < 52 ? 1 : 2) }
        let x = Matrix<Double>(rows: 60, columns: 3) { i, _ in Double(y[i]) + rng.nextNormal() }
        let a = try SMOTE(neighbors: 3, seed: 1).resample(x, labels: y)
        let b = try SMOTE(neighbors: 3, seed: 1).resample(x, labels: y)
        let c = try SMOTE(neighbors: 3, seed: 2).resample(x, labels: y)
        #expect(a.x == b.x && a.x != c.x)
        #expect([0, 1, 2].map { k in a.labels.filter { $0 == k }.count } == [40, 40, 40])
        #expect(a.report["rows_added_class_1"] == 28 && a.report["rows_added_class_2"] == 32)
    }

    @Test func outlierFiltersRefuseToEmptyAClass() throws {
        // Class 1 is a single far-away row: the fences would drop it.
        let x = Matrix<Double>(rows: 21, columns: 1) { i, _ in i == 20 ? 1000 : Double(i) }
        let y = Array(repeating: 0, count: 20) + [1]
        #expect(throws: FitError.self) { try IQROutlierFilter().resample(x, labels: y) }
        #expect(try IQROutlierFilter().resample(x, labels: Array(repeating: 0, count: 21)).x.rows == 20)
    }

    @Test func oneHotUnknownCategory() throws {
        let train = try Matrix([[0, 1.5], [1, 2.5], [2, 3.5]])
        let test = try Matrix([[3, 9.0]])
        #expect(throws: FitError.self) { try OneHotEncoder(columns: [0]).fit(train).transform(test) }
        #expect(try OneHotEncoder(columns: [0], handleUnknown: "ignore").fit(train).transform(test) == Matrix([[0, 0, 0, 9.0]]))
        #expect(throws: FitError.self) { try OneHotEncoder(columns: [2]).fit(train) }
        #expect(throws: FitError.self) { try OneHotEncoder(columns: [0, 0]).validate() }
    }
}

import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

@Suite struct KNeighborsClassifierTests {
    static let line = try! Matrix([[0.0], [1], [2], [10], [11]])
    static let lineLabels = [3, 3, 8, 8, 8]

    /// Uniform votes and 1/d votes, by hand: the 3 nearest rows of 0.4 are 0, 1 and 2 (distances
    /// 0.4, 0.6, 1.6).
    @Test(arguments: KNeighborsClassifier.Algorithm.allCases)
    func votesByHand(_ algorithm: KNeighborsClassifier.Algorithm) throws {
        let query = try Matrix([[0.4]])
        let uniform = try KNeighborsClassifier(neighbors: 3, algorithm: algorithm).fit(Self.line, labels: Self.lineLabels)
        #expect(uniform.classes == [3, 8])
        let p = try uniform.predictProbabilities(query)
        #expect(abs(p[0, 0] - 2.0 / 3) < 1e-15 && abs(p[0, 1] - 1.0 / 3) < 1e-15)
        let (indices, distances) = try uniform.kNeighbors(of: query)
        #expect(indices == [[0, 1, 2]])
        #expect(zip(distances[0], [0.4, 0.6, 1.6]).allSatisfy { abs($0 - $1) < 1e-15 })

        let weighted = try KNeighborsClassifier(neighbors: 3, weights: .distance, algorithm: algorithm)
            .fit(Self.line, labels: Self.lineLabels)
        let q = try weighted.predictProbabilities(query)
        let (a, b, c) = (1 / 0.4, 1 / 0.6, 1 / 1.6)
        #expect(abs(q[0, 0] - (a + b) / (a + b + c)) < 1e-12 && abs(q[0, 1] - c / (a + b + c)) < 1e-12)
        // An exact copy of a training row: it alone votes (scikit-learn's rule).
        #expect(try weighted.predictProbabilities(try Matrix([[2.0]])).elements == [0, 1])
        #expect(try weighted.predict(try Matrix([[2.0], [0.4], [9]])) == [8, 3, 8])
    }

    /// Equal distances go to the earlier training row, whatever the algorithm.
    @Test(arguments: KNeighborsClassifier.Algorithm.allCases)
    func tiesGoToTheEarlierRow(_ algorithm: KNeighborsClassifier.Algorithm) throws {
        let x = try Matrix([[2.0, 0], [0, 0], [1, 1], [1, -1], [5, 5]])
        let model = try KNeighborsClassifier(neighbors: 2, algorithm: algorithm, leafSize: 1).fit(x, labels: [1, 0, 0, 1, 1])
        let (indices, distances) = try model.kNeighbors(of: try Matrix([[1.0, 0]]))
        #expect(indices == [[0, 1]] && distances == [[1, 1]])
        #expect(try KNeighborsClassifier(neighbors: 1, algorithm: algorithm).fit(x, labels: [1, 0, 0, 1, 1])
            .predict(try Matrix([[1.0, 0]])) == [1])
    }

    /// More neighbours than rows: a typed error naming both numbers; bad options named.
    @Test func refusesTooManyNeighbours() throws {
        do {
            _ = try KNeighborsClassifier(neighbors: 6).fit(Self.line, labels: Self.lineLabels)
            Issue.record("expected an error")
        } catch let error as FitError {
            guard case let .tooFewSamples(_, needed, got, _) = error else { Issue.record("\(error)"); return }
            #expect(needed == 6 && got == 5)
            #expect(error.description.contains("6") && error.description.contains("5"))
        }
        #expect(throws: FitError.invalidParameter(name: "neighbors", value: "0", expected: "at least 1")) {
            try KNeighborsClassifier(neighbors: 0).fit(Self.line, labels: Self.lineLabels)
        }
        #expect(throws: FitError.self) { try KNeighborsClassifier(leafSize: 0).fit(Self.line, labels: Self.lineLabels) }
    }

    /// `auto` resolves by width; options round-trip by their snake_case names.
    @Test func autoResolvesByWidth() throws {
        let narrow = try KNeighborsClassifier().fit(Self.line, labels: Self.lineLabels)
        #expect(narrow.algorithm == .kdTree && narrow.kdTree != nil)
        let wide = Matrix<Double>(rows: 6, columns: 16) { i, j in Double(i * j % 7) }
        let model = try KNeighborsClassifier(neighbors: 2).fit(wide, labels: [0, 1, 0, 1, 0, 1])
        #expect(model.algorithm == .brute && model.kdTree == nil)
        let configuration = KNeighborsClassifier(neighbors: 3, weights: .distance, algorithm: .kdTree, leafSize: 4)
        let options = try configuration.parameters
        #expect(options["algorithm"] == "kd-tree" && options["leaf_size"] == 4 && options["weights"] == "distance")
        let decoded = try EstimatorOptions.configure(KNeighborsClassifier.self, estimator: "k-neighbors",
                                                     defaults: try KNeighborsClassifier().parameters, options: options)
        #expect(decoded == configuration)
    }

    /// Brute force and the k-d tree find identical neighbours on 600 digits (64 integer-valued
    /// columns: many ties, and exact copies when querying training rows).
    @Test func bruteAndKDTreeAgreeOnDigits() throws {
        let digits = try EmbeddedDatasets.digits().subset(0..<600)
        let train = digits.features.rows(at: 0..<400), labels = Array(digits.labels![0..<400])
        let queries = digits.features.rows(at: 300..<600)
        for weights in KNeighborsClassifier.Weights.allCases {
            let brute = try KNeighborsClassifier(neighbors: 7, weights: weights, algorithm: .brute).fit(train, labels: labels)
            let tree = try KNeighborsClassifier(neighbors: 7, weights: weights, algorithm: .kdTree).fit(train, labels: labels)
            let (bi, bd) = try brute.kNeighbors(of: queries), (ti, td) = try tree.kNeighbors(of: queries)
            #expect(bi == ti && bd == td)
            #expect(try brute.predictProbabilities(queries) == tree.predictProbabilities(queries))
        }
        let accuracy = MagicGamma.accuracy(
            try KNeighborsClassifier().fit(train, labels: labels).predict(digits.features.rows(at: 400..<600)),
            Array(digits.labels![400..<600]))
        #expect(accuracy >= 0.83)   // scikit-learn: 0.835 on the same rows
    }

    /// ... and on 2,000 random rows of 3 columns rounded to one decimal (many ties), where both
    /// also match a plain sort by (exact distance, row).
    @Test func bruteAndKDTreeAgreeOnRandomLowDimensionalData() throws {
        var rng = RandomStream(seed: 3)
        let x = Matrix<Double>(rows: 2000, columns: 3) { _, _ in (rng.nextNormal() * 10).rounded() / 10 }
        let labels = (0..<2000).map { _ in rng.nextInt(below: 3) }
        let queries = Matrix<Double>(rows: 300, columns: 3) { i, j in i < 100 ? x[i * 7, j] : (rng.nextNormal() * 10).rounded() / 10 }
        let k = 9
        let brute = try KNeighborsClassifier(neighbors: k, algorithm: .brute).fit(x, labels: labels).kNeighbors(of: queries)
        let tree = try KNeighborsClassifier(neighbors: k, algorithm: .kdTree, leafSize: 5).fit(x, labels: labels).kNeighbors(of: queries)
        #expect(brute.indices == tree.indices && brute.distances == tree.distances)
        for i in stride(from: 0, to: 300, by: 37) {
            let d2 = (0..<2000).map { r in (0..<3).reduce(0.0) { s, j in let t = queries[i, j] - x[r, j]; return s + t * t } }
            let expected = (0..<2000).sorted { (d2[$0], $0) < (d2[$1], $1) }.prefix(k)
            #expect(Array(expected) == tree.indices[i])
        }
    }

    /// Quality bar on MAGIC (standardised): a stratified sample of 5,000 training rows, the whole
    /// test part.
    @Test func magicGammaAccuracy() throws {
        let split = try MagicGamma.standardisedSplit()
        let rows = StratifiedSample.rows(labels: split.yTrain, size: 5000, seed: 0)
        let model = try KNeighborsClassifier(neighbors: 11, weights: .distance)
            .fit(split.xTrain.rows(at: rows), labels: rows.map { split.yTrain[$0] })
        let accuracy = MagicGamma.accuracy(try model.predict(split.xTest), split.yTest)
        print("MAGIC k-neighbors (k 11, distance, 5000 training rows) test accuracy \(accuracy)")
        #expect(accuracy >= 0.80)
    }

    /// Rows so far apart that squared distances overflow to infinity: they tie (earlier row
    /// first), brute force (whose GEMM form then gives NaN) agrees with the k-d tree, and the
    /// votes fall back to counts instead of 0/0.
    @Test func hugeValues() throws {
        let x = try Matrix([[0.0], [1], [1e200], [2e200]])
        let queries = try Matrix([[3e200], [-1e300], [0.5]])
        var results: [(indices: [[Int]], p: Matrix<Double>)] = []
        for algorithm in [KNeighborsClassifier.Algorithm.brute, .kdTree] {
            let model = try KNeighborsClassifier(neighbors: 2, weights: .distance, algorithm: algorithm).fit(x, labels: [0, 0, 1, 1])
            results.append((try model.kNeighbors(of: queries).indices, try model.predictProbabilities(queries)))
        }
        #expect(results[0].indices == [[0, 1], [0, 1], [0, 1]] && results[1].indices == results[0].indices)
        #expect(results[0].p == results[1].p && results[0].p.isFinite && results[0].p.elements == [1, 0, 1, 0, 1, 0])
    }

    /// A fitted model survives JSON, k-d tree included.
    @Test func modelRoundTrips() throws {
        let model = try KNeighborsClassifier(algorithm: .kdTree, leafSize: 2).fit(Self.line, labels: Self.lineLabels)
        let decoded = try JSONDecoder().decode(KNeighborsClassifierModel.self, from: JSONEncoder().encode(model))
        #expect(decoded == model)
    }
}

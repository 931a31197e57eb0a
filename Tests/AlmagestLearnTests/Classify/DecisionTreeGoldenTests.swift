import AlmagestCore
import AlmagestLearn
import Foundation
import Testing

/// `DecisionTreeClassifier` against scikit-learn 1.9.1's trees on the same data
/// (`decision_tree_reference.json`, from `Tests/Reference/make_decision_tree_reference.py`): the
/// same nodes (features and thresholds exactly, impurities to rounding), the same leaf
/// frequencies, importances and test probabilities, and the same cost-complexity pruning path.
/// Every case was checked there to give one tree whatever scikit-learn's random_state, so the
/// tree is the unique CART tree for its parameters.
@Suite("Decision tree golden values (decision_tree_reference.json)")
struct DecisionTreeGoldenTests {
    struct Fixture: Decodable {
        struct Tree: Decodable {
            let feature: [Int], threshold: [Double], childrenLeft: [Int], childrenRight: [Int]
            let nNodeSamples: [Int], impurity: [Double], value: [[Double]]
        }
        struct Path: Decodable { let ccpAlphas: [Double], impurities: [Double] }
        struct Parameters: Decodable {
            let criterion: String
            let maxDepth: Int?, minSamplesSplit: Int?, minSamplesLeaf: Int?
            let minImpurityDecrease: Double?, ccpAlpha: Double?
        }
        struct Case: Decodable {
            let name: String
            let params: Parameters
            let tree: Tree
            let featureImportances: [Double]
            let predictProba: [[Double]]
            let ccpPath: Path?
        }
        let xTrain: [[Double]], yTrain: [Int], xTest: [[Double]]
        let cases: [Case]

        static let shared: Result<Fixture, any Error> = Result {
            guard let url = Bundle.module.url(forResource: "decision_tree_reference", withExtension: "json",
                                              subdirectory: "Resources") else { throw CocoaError(.fileNoSuchFile) }
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            return try decoder.decode(Fixture.self, from: Data(contentsOf: url))
        }

        static var caseNames: [String] { (try? shared.get().cases.map(\.name)) ?? ["fixture missing"] }
    }

    func configuration(_ p: Fixture.Parameters) throws -> DecisionTreeClassifier {
        DecisionTreeClassifier(
            criterion: try #require(SplitCriterion(rawValue: p.criterion)), maxDepth: p.maxDepth ?? 0,
            minSamplesSplit: p.minSamplesSplit ?? 2, minSamplesLeaf: p.minSamplesLeaf ?? 1,
            minImpurityDecrease: p.minImpurityDecrease ?? 0, ccpAlpha: p.ccpAlpha ?? 0)
    }

    @Test(arguments: Fixture.caseNames)
    func matchesScikitLearn(_ name: String) throws {
        let fixture = try Fixture.shared.get()
        let reference = try #require(fixture.cases.first { $0.name == name })
        let x = try Matrix(fixture.xTrain), xTest = try Matrix(fixture.xTest)
        let classifier = try configuration(reference.params)
        let model = try classifier.fit(x, labels: fixture.yTrain)
        let tree = model.tree
        let expected = reference.tree
        // The same nodes in the same order, with the same tests.
        #expect(tree.features == expected.feature)
        #expect(tree.thresholds == expected.threshold)
        #expect(tree.leftChildren == expected.childrenLeft && tree.rightChildren == expected.childrenRight)
        #expect(tree.sampleCounts == expected.nNodeSamples)
        guard tree.nodeCount == expected.feature.count else { return }
        for node in 0..<tree.nodeCount {
            #expect(abs(tree.impurities[node] - expected.impurity[node]) < 1e-12, "impurity of node \(node)")
            let counts = tree.classCounts(ofNode: node)
            let total = counts.reduce(0, +)
            for k in 0..<3 { #expect(abs(counts[k] / total - expected.value[node][k]) < 1e-14) }
        }
        for (a, b) in zip(model.featureImportances, reference.featureImportances) { #expect(abs(a - b) < 1e-12) }
        // Split counts: how many of scikit-learn's internal nodes test each feature.
        #expect(model.featureSplitCounts == (0..<4).map { j in expected.feature.filter { $0 == j }.count })
        let p = try model.predictProbabilities(xTest)
        var largest = 0.0
        for i in 0..<p.rows { for k in 0..<3 { largest = max(largest, abs(p[i, k] - reference.predictProba[i][k])) } }
        #expect(largest < 1e-14)
        if let path = reference.ccpPath {
            var unpruned = classifier
            unpruned.ccpAlpha = 0
            let ours = try unpruned.costComplexityPruningPath(x, labels: fixture.yTrain)
            #expect(ours.alphas.count == path.ccpAlphas.count)
            for (a, b) in zip(ours.alphas, path.ccpAlphas) { #expect(abs(a - b) < 1e-12) }
            for (a, b) in zip(ours.impurities, path.impurities) { #expect(abs(a - b) < 1e-12) }
        }
    }
}

import AlmagestCore
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

struct DecisionTreeClassifierTests {
    /// Seven rows worked by hand. Root (3 of class 0, 4 of class 1; Gini 24/49): the best split is
    /// x0 <= 4.5 (children 1 - (9 + 1)/16 = 0.375 on 4 rows and pure on 3: weighted 1.5; x0 <= 2.5
    /// gives 1.6, x1 <= 0.5 gives 3). Its left part (rows 1-4, classes 0, 0, 1, 0) is split by
    /// x1 <= 0.5 into pure leaves (x0 <= 2.5 would leave 1.0). Importances: x0 decreases
    /// 7·24/49 − 4·0.375 = 27/14, x1 4·0.375 = 21/14, so 27/48 and 21/48.
    let x = try! Matrix<Double>([[1, 0], [2, 0], [3, 1], [4, 0], [5, 0], [6, 0], [7, 0]])
    let y = [0, 0, 1, 0, 1, 1, 1]

    @Test func growsTheTreeWorkedByHand() throws {
        let model = try DecisionTreeClassifier().fit(x, labels: y)
        let tree = model.tree
        #expect(model.classes == [0, 1])
        #expect(tree.features == [0, 1, -1, -1, -1])
        #expect(tree.thresholds == [4.5, 0.5, 0, 0, 0])
        #expect(tree.leftChildren == [1, 2, -1, -1, -1] && tree.rightChildren == [4, 3, -1, -1, -1])
        #expect(tree.sampleCounts == [7, 4, 3, 1, 3])
        #expect(abs(tree.impurities[0] - 24.0 / 49) < 1e-15 && tree.impurities[1] == 0.375)
        #expect(tree.impurities[2...] == [0, 0, 0])
        #expect(tree.classCounts(ofNode: 2) == [3, 0] && tree.classCounts(ofNode: 3) == [0, 1])
        #expect(tree.classCounts(ofNode: 4) == [0, 3])
        #expect(tree.depth == 2 && tree.leafCount == 3)
        #expect(abs(model.featureImportances[0] - 27.0 / 48) < 1e-15 && abs(model.featureImportances[1] - 21.0 / 48) < 1e-15)
        let probe = try Matrix<Double>([[4.4, 0.7], [4.6, 0], [1, 0], [4.5, 0.5]])
        #expect(try model.predict(probe) == [1, 1, 0, 0])
        #expect(try model.predictProbabilities(probe).elements == [0, 1, 0, 1, 1, 0, 1, 0])
    }

    /// The stopping rules on the same rows: min_samples_leaf 2 forbids the one-row leaf, so the
    /// left part splits on x0 <= 2.5 instead; min_samples_split 5 and max_depth 1 stop at the root's
    /// children; min_impurity_decrease compares with (n_t/n)·Δi: 27/98 ≈ 0.276 at the root, 3/14 ≈
    /// 0.214 at its left child.
    @Test func stoppingRules() throws {
        let leaf2 = try DecisionTreeClassifier(minSamplesLeaf: 2).fit(x, labels: y).tree
        #expect(leaf2.features == [0, 0, -1, -1, -1] && leaf2.thresholds == [4.5, 2.5, 0, 0, 0])
        #expect(leaf2.classCounts(ofNode: 3) == [1, 1])
        for stopped in [DecisionTreeClassifier(minSamplesSplit: 5), DecisionTreeClassifier(maxDepth: 1),
                        DecisionTreeClassifier(minImpurityDecrease: 0.25)] {
            let tree = try stopped.fit(x, labels: y).tree
            #expect(tree.features == [0, -1, -1] && tree.classCounts(ofNode: 1) == [3, 1], "\(stopped)")
        }
        let stump = try DecisionTreeClassifier(minImpurityDecrease: 0.28).fit(x, labels: y)
        #expect(stump.tree.nodeCount == 1 && stump.featureImportances == [0, 0])
        #expect(try stump.predictProbabilities(x).row(0) == [3.0 / 7, 4.0 / 7])
    }

    /// Cost-complexity pruning by hand: R(node 1) = (4/7)·0.375 = 3/14 over 2 leaves gives alpha
    /// 3/14; then the root, R = 24/49 against its leaves' 3/14, gives (24/49 − 3/14)/1 = 27/98.
    @Test func costComplexityPruningWorkedByHand() throws {
        let path = try DecisionTreeClassifier().costComplexityPruningPath(x, labels: y)
        #expect(path.alphas.count == 3 && path.impurities.count == 3)
        #expect(path.alphas[0] == 0 && abs(path.alphas[1] - 3.0 / 14) < 1e-15 && abs(path.alphas[2] - 27.0 / 98) < 1e-15)
        #expect(path.impurities[0] == 0 && abs(path.impurities[1] - 3.0 / 14) < 1e-15)
        #expect(abs(path.impurities[2] - 24.0 / 49) < 1e-15)
        let pruned = try DecisionTreeClassifier(ccpAlpha: 0.25).fit(x, labels: y)
        #expect(pruned.tree.features == [0, -1, -1] && pruned.tree.leftChildren == [1, -1, -1])
        #expect(try pruned.predictProbabilities(try Matrix([[1, 0]])).elements == [0.75, 0.25])
        #expect(pruned.featureImportances == [1, 0])
        #expect(try DecisionTreeClassifier(ccpAlpha: 0.3).fit(x, labels: y).tree.nodeCount == 1)
        #expect(try DecisionTreeClassifier(ccpAlpha: 0.2).fit(x, labels: y).tree.nodeCount == 5)
    }

    /// Entropy on a split worked by hand: four rows 0, 0, 1, 1 along x0 split at 1.5 ... 2.5 into
    /// pure halves; the root's entropy is 1 bit.
    @Test(arguments: [SplitCriterion.entropy, .logLoss])
    func entropyInBits(_ criterion: SplitCriterion) throws {
        let model = try DecisionTreeClassifier(criterion: criterion).fit(try Matrix([[1], [2], [3], [4]]), labels: [5, 5, 9, 9])
        #expect(model.classes == [5, 9] && model.tree.impurities == [1, 0, 0] && model.tree.thresholds[0] == 2.5)
        #expect(try model.predict(try Matrix([[0], [2.4], [2.6]])) == [5, 5, 9])
    }

    @Test func featureSamplingFollowsTheSeed() throws {
        var rng = RandomStream(seed: 4)
        let data = Matrix<Double>(rows: 200, columns: 6) { _, _ in rng.nextNormal() }
        let labels = (0..<200).map { i in data[i, 0] + data[i, 1] - data[i, 2] > 0 ? 1 : 0 }
        let sampled = DecisionTreeClassifier(maxDepth: 4, maxFeatures: .count(2), seed: 3)
        let a = try sampled.fit(data, labels: labels), b = try sampled.fit(data, labels: labels)
        #expect(a == b)
        var other = sampled
        other.seed = 4
        #expect(try other.fit(data, labels: labels).tree != a.tree)
        // All features: the seed does not matter.
        #expect(try DecisionTreeClassifier(seed: 1).fit(data, labels: labels) == DecisionTreeClassifier(seed: 2).fit(data, labels: labels))
        #expect(MaxFeatures.sqrt.resolved(features: 10) == 3 && MaxFeatures.log2.resolved(features: 10) == 3)
        #expect(MaxFeatures.sqrt.resolved(features: 1) == 1 && MaxFeatures.all.resolved(features: 7) == 7)
    }

    @Test func refusesBadInputWithTypedErrors() throws {
        var nan = x
        nan[2, 1] = .nan
        let error = #expect(throws: FitError.self) { try DecisionTreeClassifier().fit(nan, labels: y) }
        #expect(error?.description.contains("row 2, column 1") == true)
        #expect(throws: FitError.emptyInput(what: "decision tree input", rows: 0, columns: 2)) {
            try DecisionTreeClassifier().fit(Matrix(rows: 0, columns: 2), labels: [])
        }
        let oneClass = #expect(throws: FitError.self) { try DecisionTreeClassifier().fit(x, labels: [Int](repeating: 3, count: 7)) }
        #expect(oneClass?.description.contains("found 1 class ([3]); decision tree classification needs at least 2") == true)
        #expect(throws: FitError.self) { try DecisionTreeClassifier().fit(x, labels: Array(y.dropLast())) }
        let bad: [(DecisionTreeClassifier, String)] = [
            (DecisionTreeClassifier(maxDepth: -1), "max depth"), (DecisionTreeClassifier(minSamplesSplit: 1), "min samples split"),
            (DecisionTreeClassifier(minSamplesLeaf: 0), "min samples leaf"),
            (DecisionTreeClassifier(minImpurityDecrease: -0.1), "min impurity decrease"),
            (DecisionTreeClassifier(maxFeatures: .count(0)), "max features"), (DecisionTreeClassifier(maxFeatures: .count(3)), "max features"),
            (DecisionTreeClassifier(ccpAlpha: -1), "ccp alpha"), (DecisionTreeClassifier(ccpAlpha: .nan), "ccp alpha"),
        ]
        for (classifier, name) in bad {
            let error = #expect(throws: FitError.self) { try classifier.fit(x, labels: y) }
            #expect(error?.description.contains("invalid \(name)") == true, "\(String(describing: error))")
        }
        let tooMany = #expect(throws: FitError.self) { try DecisionTreeClassifier(maxFeatures: .count(3)).fit(x, labels: y) }
        #expect(tooMany?.description.contains("at most the 2 features") == true)
        let model = try DecisionTreeClassifier().fit(x, labels: y)
        #expect(throws: FitError.featureCountMismatch(expected: 2, got: 3)) { try model.predict(Matrix(rows: 1, columns: 3)) }
        // A corrupted model file is refused with an error, not a crash.
        var json = String(decoding: try JSONEncoder().encode(model), as: UTF8.self)
        json = json.replacingOccurrences(of: #""leftChildren":[1,2,-1,-1,-1]"#, with: #""leftChildren":[1,9,-1,-1,-1]"#)
        let broken = try JSONDecoder().decode(DecisionTreeClassifierModel.self, from: Data(json.utf8))
        #expect(throws: FitError.self) { try broken.predict(x) }
    }

    /// `max_features` is one option whatever its form, read from text as the registry reads it.
    @Test func maxFeaturesIsOneOption() throws {
        let defaults = try DecisionTreeClassifier().parameters
        #expect(defaults["max_features"] == "all" && defaults["max_depth"] == 0 && defaults["criterion"] == "gini")
        #expect(defaults["ccp_alpha"] == 0 && defaults["min_samples_leaf"] == 1)
        let registry = EstimatorRegistry.shared
        for (text, expected) in [("sqrt", MaxFeatures.sqrt), ("log2", .log2), ("3", .count(3)), ("all", .all)] {
            let tree = try registry.classifier("decision-tree", options: ["max_features": .string(text), "criterion": "log_loss"])
            let configuration = try #require(tree.configuration as? DecisionTreeClassifier)
            #expect(configuration.maxFeatures == expected && configuration.criterion == .logLoss)
        }
        #expect(throws: FitError.self) { try registry.classifier("decision-tree", options: ["max_features": "many"]) }
        #expect(throws: FitError.self) { try registry.classifier("decision-tree", options: ["criterion": "variance"]) }
        let decoded = try JSONDecoder().decode([MaxFeatures].self, from: Data(#"[4, "sqrt", "7"]"#.utf8))
        #expect(decoded == [.count(4), .sqrt, .count(7)])
    }

    @Test func conformance() throws {
        var rng = RandomStream(seed: 2)
        let data = Matrix<Double>(rows: 60, columns: 3) { _, _ in rng.nextNormal() }
        let labels = (0..<60).map { data[$0, 0] > 0 ? 1 : 0 }
        try Conformance.check("DecisionTreeClassifier", data: data) {
            try DecisionTreeClassifier(maxFeatures: .count(2), seed: 1).fit($0, labels: Array(labels.prefix($0.rows)))
        }
    }
}

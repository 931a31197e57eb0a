import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

@Suite struct AdaBoostClassifierTests {
    /// Two rounds by hand on five rows (labels 0 0 1 1 0). Round 1: the stump x <= 2.5 misses
    /// row 4 only, error 1/5, α = ln 4; row 4's weight becomes 4/5 · ... renormalised to 1/2, the
    /// others 1/8. Round 2: the best Gini split, x <= 4.5, predicts class 0 on both sides (a tie on
    /// the left goes to the first class), error 2 · 1/8 = 1/4, α = ln 3. scikit-learn gives the same.
    @Test func twoRoundsByHand() throws {
        let x = try Matrix([[1.0], [2], [3], [4], [5]])
        let model = try AdaBoostClassifier(estimators: 2).fit(x, labels: [0, 0, 1, 1, 0])
        #expect(model.trees.count == 2 && model.trees[0].thresholds[0] == 2.5 && model.trees[1].thresholds[0] == 4.5)
        #expect(abs(model.estimatorErrors[0] - 0.2) < 1e-15 && abs(model.estimatorErrors[1] - 0.25) < 1e-15)
        #expect(abs(model.estimatorWeights[0] - log(4)) < 1e-14 && abs(model.estimatorWeights[1] - log(3)) < 1e-14)
        // Rows 3 and 5: tree 1 says 1, tree 2 says 0: decision ±(ln 4 − ln 3)/(ln 4 + ln 3).
        let d = (log(4.0) - log(3.0)) / (log(4.0) + log(3.0))
        let decision = try model.decisionFunction(try Matrix([[3.0], [1]]))
        #expect(abs(decision[0, 1] - d) < 1e-14 && abs(decision[0, 0] + d) < 1e-14 && abs(decision[1, 0] - 1) < 1e-14)
        let p = try model.predictProbabilities(try Matrix([[3.0]]))
        #expect(abs(p[0, 1] - 1 / (1 + exp(-2 * d))) < 1e-14 && abs(p[0, 1] - 0.55762865) < 1e-8)
        #expect(try model.predict(try Matrix([[3.0], [5], [1]])) == [1, 1, 0])
        // One round: the weight and error of the first stump only.
        let one = try AdaBoostClassifier(estimators: 1).fit(x, labels: [0, 0, 1, 1, 0])
        #expect(one.estimatorWeights == [model.estimatorWeights[0]] && one.estimatorErrors == [model.estimatorErrors[0]])
    }

    /// A perfect first tree ends boosting with weight 1; a first tree no better than chance is an error.
    @Test func stopsEarly() throws {
        let x = try Matrix([[1.0], [2], [3], [4]])
        let perfect = try AdaBoostClassifier(estimators: 10).fit(x, labels: [0, 0, 1, 1])
        #expect(perfect.trees.count == 1 && perfect.estimatorWeights == [1] && perfect.estimatorErrors == [0])
        #expect(try perfect.predict(x) == [0, 0, 1, 1])
        let constant = try Matrix([[1.0], [1], [1], [1]])
        #expect(throws: FitError.self) { try AdaBoostClassifier().fit(constant, labels: [0, 1, 0, 1]) }
        #expect(throws: FitError.invalidParameter(name: "estimators", value: "0", expected: "at least 1")) {
            try AdaBoostClassifier(estimators: 0).fit(x, labels: [0, 0, 1, 1])
        }
        #expect(throws: FitError.self) { try AdaBoostClassifier(learningRate: 0).fit(x, labels: [0, 0, 1, 1]) }
        #expect(throws: FitError.self) { try AdaBoostClassifier(maxDepth: 0).fit(x, labels: [0, 0, 1, 1]) }
    }

    /// Boosting helps over one stump on three classes of digits; the model survives JSON.
    @Test func boostsDigits() throws {
        let digits = try EmbeddedDatasets.digits().subset(0..<600)
        let rows = (0..<600).filter { digits.labels![$0] < 3 }
        let x = digits.features.rows(at: rows), y = rows.map { digits.labels![$0] }
        let train = Array(0..<(rows.count * 2 / 3)), test = Array((rows.count * 2 / 3)..<rows.count)
        let model = try AdaBoostClassifier(estimators: 30, maxDepth: 2).fit(x.rows(at: train), labels: train.map { y[$0] })
        let accuracy = MagicGamma.accuracy(try model.predict(x.rows(at: test)), test.map { y[$0] })
        #expect(accuracy > 0.9)
        let p = try model.predictProbabilities(x.rows(at: test))
        #expect((0..<p.rows).allSatisfy { i in abs(p.row(i).reduce(0, +) - 1) < 1e-12 })
        #expect(try JSONDecoder().decode(AdaBoostClassifierModel.self, from: JSONEncoder().encode(model)) == model)
    }

    /// Quality bar on MAGIC (standardised): a stratified sample of 4,000 training rows, the whole
    /// test part.
    @Test func magicGammaAccuracy() throws {
        let split = try MagicGamma.standardisedSplit()
        let rows = StratifiedSample.rows(labels: split.yTrain, size: 4000, seed: 0)
        let model = try AdaBoostClassifier(estimators: 50, maxDepth: 2)
            .fit(split.xTrain.rows(at: rows), labels: rows.map { split.yTrain[$0] })
        let accuracy = MagicGamma.accuracy(try model.predict(split.xTest), split.yTest)
        print("MAGIC AdaBoost (50 trees of depth 2, 4000 training rows) test accuracy \(accuracy)")
        #expect(accuracy >= 0.80)
    }
}

@Suite struct AdaBoostImportanceTests {
    /// Only column 0 separates the classes: every tree splits on it, so it gets all the importance.
    @Test func importancesFollowTheInformativeColumn() throws {
        let labels = (0..<60).map { $0 % 2 }
        let x = Matrix<Double>(rows: 60, columns: 3) { i, j in j == 0 ? Double(labels[i]) + Double(i % 5) * 0.01 : Double((i * 7 + j) % 11) }
        let model = try AdaBoostClassifier(estimators: 5).fit(x, labels: labels)
        let importance = try #require(model.impurityImportances)
        #expect(importance.count == 3 && abs(importance.reduce(0, +) - 1) < 1e-12 && importance[0] > 0.99)
    }
}

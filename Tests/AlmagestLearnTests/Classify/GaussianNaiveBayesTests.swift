import AlmagestCore
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

@Suite struct GaussianNaiveBayesTests {
    /// Quality bar on MAGIC: stratified 80/20 split (seed 0), standardised on the training part.
    @Test func magicGammaAccuracy() throws {
        let split = try MagicGamma.standardisedSplit()
        let model = try GaussianNaiveBayes().fit(split.xTrain, labels: split.yTrain)
        let accuracy = MagicGamma.accuracy(try model.predict(split.xTest), split.yTest)
        print("MAGIC Gaussian naive Bayes test accuracy \(accuracy)")
        #expect(accuracy >= 0.72)
    }

    /// Means, population variances, priors and a hand-computed posterior.
    @Test func fitsClassStatistics() throws {
        let x = try Matrix([[0.0], [2], [10], [12], [14]])
        let model = try GaussianNaiveBayes(varSmoothing: 0).fit(x, labels: [1, 1, 4, 4, 4])
        #expect(model.classes == [1, 4] && model.means == [[1], [12]] && model.priors == [0.4, 0.6])
        #expect(model.variances[0] == [1] && abs(model.variances[1][0] - 8.0 / 3) < 1e-15)
        let p = try model.predictProbabilities(try Matrix([[5.0]]))
        func density(_ v: Double, _ m: Double, _ s2: Double) -> Double { exp(-(v - m) * (v - m) / (2 * s2)) / (2 * .pi * s2).squareRoot() }
        let a = 0.4 * density(5, 1, 1), b = 0.6 * density(5, 12, 8.0 / 3)
        #expect(abs(p[0, 0] - a / (a + b)) < 1e-12)
        #expect(try model.predict(try Matrix([[5.0], [9]])) == [1, 4])
    }

    /// var_smoothing keeps a constant feature usable.
    @Test func smoothingHandlesConstantFeatures() throws {
        let x = try Matrix([[1.0, 0], [1, 1], [1, 5], [1, 6]])
        let model = try GaussianNaiveBayes().fit(x, labels: [0, 0, 1, 1])
        let p = try model.predictProbabilities(x)
        #expect(model.epsilon > 0 && p.isFinite)
        #expect(throws: FitError.self) { try GaussianNaiveBayes(varSmoothing: -1).fit(x, labels: [0, 0, 1, 1]) }
    }
}

import AlmagestCore
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

@Suite struct LogisticRegressionTests {
    /// Quality bar on MAGIC: stratified 80/20 split (seed 0), standardised on the training part.
    @Test func magicGammaAccuracy() throws {
        let split = try MagicGamma.standardisedSplit()
        let start = Date()
        let model = try LogisticRegression().fit(split.xTrain, labels: split.yTrain)
        let seconds = Date().timeIntervalSince(start)
        let accuracy = MagicGamma.accuracy(try model.predict(split.xTest), split.yTest)
        print("MAGIC logistic regression (L2, C = 1) test accuracy \(accuracy), \(model.iterations) L-BFGS iterations, fit \(seconds) s")
        #expect(accuracy >= 0.78)
        #expect(model.hasConverged)
        let sparse = try LogisticRegression(penalty: .l1, c: 0.01, maxIterations: 500).fit(split.xTrain, labels: split.yTrain)
        let sparseAccuracy = MagicGamma.accuracy(try sparse.predict(split.xTest), split.yTest)
        print("MAGIC logistic regression (L1, C = 0.01) test accuracy \(sparseAccuracy), zero coefficients \(sparse.coefficients[0].filter { $0 == 0 }.count) of 10")
        #expect(sparseAccuracy >= 0.75)
    }

    @Test func binaryProbabilitiesAndLabels() throws {
        let x = try Matrix([[0.0], [1], [2], [3], [4], [5]])
        let model = try LogisticRegression(c: 100, maxIterations: 1000, tolerance: 1e-10).fit(x, labels: [7, 7, 7, 9, 9, 9])
        #expect(model.classes == [7, 9] && model.coefficients.count == 1 && model.coefficients[0][0] > 0)
        let p = try model.predictProbabilities(x)
        #expect((0..<6).allSatisfy { abs(p[$0, 0] + p[$0, 1] - 1) < 1e-15 })
        #expect(try model.predict(x) == [7, 7, 7, 9, 9, 9])
        // Symmetric data: the boundary sits at 2.5.
        #expect(abs(-model.intercepts[0] / model.coefficients[0][0] - 2.5) < 1e-6)
    }

    @Test func multinomialHasOneRowPerClass() throws {
        let (x, y) = RegistryConformance.blobs()
        let model = try LogisticRegression().fit(x, labels: y)
        #expect(model.coefficients.count == 3 && model.intercepts.count == 3)
        #expect(MagicGamma.accuracy(try model.predict(x), y) > 0.9)
    }

    /// A strong L1 penalty zeroes coefficients; elastic net lies between L1 and L2.
    @Test func l1PenaltyGivesSparseCoefficients() throws {
        var rng = RandomStream(seed: 3)
        let x = Matrix<Double>(rows: 300, columns: 6) { _, _ in rng.nextNormal() }
        let y = (0..<300).map { x[$0, 0] + 0.5 * x[$0, 1] + 0.3 * rng.nextNormal() > 0 ? 1 : 0 }
        let l1 = try LogisticRegression(penalty: .l1, c: 0.02, maxIterations: 2000, tolerance: 1e-8).fit(x, labels: y)
        #expect(l1.hasConverged)
        #expect(l1.coefficients[0][0] > 0 && l1.coefficients[0][2...].allSatisfy { $0 == 0 })
        let l2 = try LogisticRegression(c: 0.02).fit(x, labels: y)
        #expect(l2.coefficients[0].allSatisfy { $0 != 0 })
    }

    @Test func refusesBadSettingsAndLabels() throws {
        let x = try Matrix([[0.0], [1]])
        for bad in [LogisticRegression(c: 0), LogisticRegression(l1Ratio: 2), LogisticRegression(maxIterations: 0),
                    LogisticRegression(tolerance: 0)] {
            #expect(throws: FitError.self) { try bad.fit(x, labels: [0, 1]) }
        }
        #expect(throws: FitError.self) { try LogisticRegression().fit(x, labels: [1, 1]) }
        #expect(throws: FitError.self) { try LogisticRegression().fit(x, labels: [1]) }
        let model = try LogisticRegression().fit(x, labels: [0, 1])
        #expect(throws: FitError.self) { try model.predict(try Matrix([[1.0, 2]])) }
    }
}

import AlmagestCore
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

/// Logistic regression and Gaussian naive Bayes against scikit-learn (`linear_reference.json`).
@Suite struct LinearReferenceTests {
    static var logisticCases: [String] {
        ((try? LinearReferenceFixture.loaded.get().cases) ?? []).filter { $0.estimator == "LogisticRegression" }.map(\.name)
    }

    /// L2 by L-BFGS: coefficients to 1e-4 of the largest coefficient (scikit-learn's L-BFGS stops
    /// on its function tolerance, slightly short of the optimum we reach); L1 and elastic net by
    /// FISTA against saga: coefficients to 1e-4 of the largest. Always: our objective at most
    /// scikit-learn's (+1e-9), probabilities to 1e-5. Multinomial L1 coefficients are not unique
    /// (adding one constant per feature to every class leaves the probabilities unchanged, and
    /// with an even number of classes the L1 norm is flat over an interval of such shifts), so
    /// that case is held to the objective and probabilities, its coefficients only loosely.
    @Test(arguments: logisticCases)
    func logisticRegressionMatches(_ name: String) throws {
        let fixture = try LinearReferenceFixture.loaded.get()
        let reference = try #require(fixture.cases.first { $0.name == name })
        let (x, y) = try fixture.rows(of: reference)
        let penalty = try #require(LogisticRegression.Penalty(rawValue: reference.params.penalty ?? ""))
        let estimator = LogisticRegression(penalty: penalty, c: reference.params.c ?? 1, l1Ratio: reference.l1Ratio ?? 0,
                                           maxIterations: 100_000, tolerance: 1e-10)
        let model = try estimator.fit(x, labels: y)
        let coefficients = try #require(reference.coef), intercepts = try #require(reference.intercept)
        let ours = (model.coefficients + [model.intercepts]).flatMap { $0 }, theirs = (coefficients + [intercepts]).flatMap { $0 }
        let largest = theirs.map(abs).max()!
        let error = zip(ours, theirs).map { abs($0 - $1) }.max()! / largest
        let isUnique = !(penalty != .l2 && model.classes.count > 2)
        #expect(error < (isUnique ? 1e-4 : 1e-2), "\(name): coefficients differ by \(error) of the largest")
        #expect(model.hasConverged)
        let p = try model.predictProbabilities(x.rows(at: 0..<20)).rowArrays
        let pError = zip(p, try #require(reference.probaRows0_19)).flatMap { zip($0, $1) }.map { abs($0 - $1) }.max()!
        #expect(pError < 1e-5, "\(name): probabilities differ by \(pError)")
        let objective = Self.objective(model, x, y, c: estimator.c, ratio: penalty == .l2 ? 0 : estimator.l1Ratio)
        let referenceObjective = try #require(reference.objective)
        #expect(objective <= referenceObjective + 1e-9, "\(name): objective \(objective)")
        print("\(name): \(model.iterations) iterations, converged \(model.hasConverged), max Δ coefficients / largest \(error), max |Δp| \(pError), objective \(objective) vs \(reference.objective!)")
    }

    /// Means, variances, priors and ε to 1e-12, probabilities to 1e-6.
    @Test(arguments: ["gnb_magic", "gnb_digits"])
    func naiveBayesMatches(_ name: String) throws {
        let fixture = try LinearReferenceFixture.loaded.get()
        let reference = try #require(fixture.cases.first { $0.name == name })
        let (x, y) = try fixture.rows(of: reference)
        let model = try GaussianNaiveBayes().fit(x, labels: y)
        #expect(largestRelativeError(model.means, try #require(reference.theta), floor: 1e-9) < 1e-12)
        #expect(largestRelativeError(model.variances, try #require(reference.variance)) < 1e-12)
        #expect(largestRelativeError([model.priors, [model.epsilon]], [try #require(reference.classPrior), [reference.epsilon!]]) < 1e-12)
        let p = try model.predictProbabilities(x).rowArrays
        let pError = zip(p, try #require(reference.proba)).flatMap { zip($0, $1) }.map { abs($0 - $1) }.max()!
        #expect(pError < 1e-6, "\(name): probabilities differ by \(pError)")
        print("\(name): max |Δp| \(pError)")
    }

    /// scikit-learn's objective: mean log-loss + (1 − r)/(2 C n) ‖W‖² + r/(C n) ‖W‖₁.
    static func objective(_ model: LogisticRegressionModel, _ x: Matrix<Double>, _ y: [Int], c: Double, ratio: Double) -> Double {
        let p = try! model.predictProbabilities(x)
        let n = Double(y.count)
        let loss = y.indices.reduce(0.0) { $0 - log(Swift.max(p[$1, model.classes.firstIndex(of: y[$1])!], 1e-300)) } / n
        let w = model.coefficients.flatMap { $0 }
        return loss + (1 - ratio) / (2 * c * n) * w.reduce(0) { $0 + $1 * $1 } + ratio / (c * n) * w.reduce(0) { $0 + abs($1) }
    }
}

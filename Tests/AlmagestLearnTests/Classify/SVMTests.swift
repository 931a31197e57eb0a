@testable import AlmagestLearn
import AlmagestCore
import AlmagestData
import AlmagestTestSupport
import Foundation
import Testing

@Suite struct SVMTests {
    /// 200 standardised MAGIC rows (the reference fixture's).
    static func magic200() throws -> (x: Matrix<Double>, y: [Int]) {
        let fixture = try SVMReferenceFixture.loaded.get()
        return (try Matrix(fixture.data.magic.x), fixture.data.magic.y)
    }

    /// The KKT conditions at the solution, from the fitted model alone, for every kernel: with
    /// y f(x) the margin of a training row, α = 0 ⇒ y f ≥ 1 − tol, 0 < α < C ⇒ |y f − 1| ≤ tol,
    /// α = C ⇒ y f ≤ 1 + tol; and Σ y α = 0, 0 ≤ α ≤ C.
    @Test(arguments: SVMKernel.Kind.allCases)
    func kktConditionsHold(_ kind: SVMKernel.Kind) throws {
        let (x, y) = try Self.magic200()
        let c = 2.0, tolerance = 1e-3
        let model = try SupportVectorClassifier(kernel: kind, c: c, gamma: kind == .sigmoid ? .value(0.02) : .scale,
                                                coef0: kind == .polynomial ? 1 : 0, tolerance: tolerance).fit(x, labels: y)
        #expect(model.hasConverged)
        // Two classes: dual coefficients are −y α in libsvm's signs (y = +1 for classes[0]).
        var alpha = Array(repeating: 0.0, count: x.rows)
        for (s, row) in model.supportIndices.enumerated() { alpha[row] = abs(model.dualCoefficients[0][s]) }
        let signs = y.map { $0 == model.classes[0] ? 1.0 : -1.0 }
        let f = try model.pairwiseValues(x)
        var balance = 0.0, worst = 0.0
        for i in 0..<x.rows {
            #expect(alpha[i] >= 0 && alpha[i] <= c * (1 + 1e-12))
            balance += signs[i] * alpha[i]
            let margin = signs[i] * f[i, 0]
            let violation: Double
            if alpha[i] == 0 {
                violation = max(0, 1 - margin)
            } else if alpha[i] >= c * (1 - 1e-12) {
                violation = max(0, margin - 1)
            } else {
                violation = abs(margin - 1)
            }
            worst = max(worst, violation)
        }
        #expect(abs(balance) < 1e-9)
        #expect(worst <= tolerance, "\(kind): largest KKT violation \(worst)")
        print("SVM \(kind) KKT: largest violation \(worst), Σ yα \(balance), \(model.supportIndices.count) support vectors")
    }

    /// Shrinking, a cache too small for two full rows (evictions, swaps in cached rows) and one
    /// or two threads reach the same solution; shrinking changes the path only within the tolerance.
    @Test func cacheThreadsAndShrinkingAgree() throws {
        let (x, y) = try Self.magic200()
        let base = try SupportVectorClassifier(c: 5).fit(x, labels: y)
        let tinyCache = try SupportVectorClassifier(c: 5, cacheSize: 0.000_1).fit(x, labels: y)
        let oneThread = try Parallel.withThreads(1) { try SupportVectorClassifier(c: 5).fit(x, labels: y) }
        #expect(tinyCache == base && oneThread == base)
        let unshrunk = try SupportVectorClassifier(c: 5, shrinking: false).fit(x, labels: y)
        let f = try base.decisionFunction(x).elements, g = try unshrunk.decisionFunction(x).elements
        #expect(zip(f, g).allSatisfy { abs($0 - $1) < 1e-2 })
        #expect(try base.predict(x) == unshrunk.predict(x))
        // Long kernel rows are filled in parallel chunks: still the same values with 1 thread.
        let wide = Matrix<Double>(rows: 5000, columns: 3) { i, j in sin(Double(i * (j + 1))) }
        let labels = (0..<5000).map { i in wide[i, 0] + wide[i, 1] > 0 ? 1 : 0 }
        let parallel = try SupportVectorClassifier(maxIterations: 200).fit(wide, labels: labels)
        let serial = try Parallel.withThreads(1) { try SupportVectorClassifier(maxIterations: 200).fit(wide, labels: labels) }
        #expect(parallel == serial)
    }

    /// Same seed, same probabilities; another seed, other folds (other sigmoids).
    @Test func probabilitiesAreDeterministic() throws {
        let (x, y) = try Self.magic200()
        let a = try SupportVectorClassifier(probability: true, seed: 7).fit(x, labels: y)
        let b = try SupportVectorClassifier(probability: true, seed: 7).fit(x, labels: y)
        let other = try SupportVectorClassifier(probability: true, seed: 8).fit(x, labels: y)
        #expect(a == b && a.sigmoids != other.sigmoids)
        let p = try a.predictProbabilities(x)
        #expect(p == (try b.predictProbabilities(x)))
        #expect((0..<p.rows).allSatisfy { abs(p[$0, 0] + p[$0, 1] - 1) < 1e-12 })
        // The sigmoid is decreasing in f for classes[0] (A < 0): larger decision values, larger P(classes[1]).
        #expect(a.sigmoids[0].a < 0)
    }

    /// Hitting `maxIterations` stops the solver and says so.
    @Test func maxIterationsIsReported() throws {
        let (x, y) = try Self.magic200()
        let model = try SupportVectorClassifier(c: 10, maxIterations: 5).fit(x, labels: y)
        #expect(!model.hasConverged && model.iterations == [5])
        #expect(try SupportVectorClassifier(c: 10).fit(x, labels: y).hasConverged)
    }

    /// Bad settings and bad data: typed errors that name the value.
    @Test func refusesBadInput() throws {
        let (x, y) = try Self.magic200()
        #expect(throws: FitError.invalidParameter(name: "C", value: "0.0", expected: "a positive number")) {
            try SupportVectorClassifier(c: 0).fit(x, labels: y)
        }
        #expect(throws: FitError.invalidParameter(name: "gamma", value: "-1.0", expected: "scale, auto or a positive number")) {
            try SupportVectorClassifier(gamma: .value(-1)).fit(x, labels: y)
        }
        #expect(throws: FitError.self) { try SupportVectorClassifier(tolerance: 0).fit(x, labels: y) }
        #expect(throws: FitError.self) { try SupportVectorClassifier(cacheSize: -1).fit(x, labels: y) }
        #expect(throws: FitError.self) { try SupportVectorClassifier(maxIterations: 0).fit(x, labels: y) }
        #expect(throws: FitError.self) { try SupportVectorClassifier(classWeight: .given, classWeights: [1]).fit(x, labels: y) }
        #expect(throws: FitError.self) { try SupportVectorClassifier(classWeights: [1, -2]).fit(x, labels: y) }
        do {
            _ = try SupportVectorClassifier().fit(x, labels: Array(repeating: 1, count: x.rows))
            Issue.record("expected an error for one class")
        } catch let error as FitError {
            #expect(error.description.contains("found 1 class"))
        }
        var bad = x
        bad[3, 2] = .nan
        do {
            _ = try SupportVectorClassifier().fit(bad, labels: y)
            Issue.record("expected an error for NaN")
        } catch let FitError.nonFinite(what, row, column, value) {
            #expect(what == "SVM input" && row == 3 && column == 2 && value.isNaN)
        }
        let model = try SupportVectorClassifier().fit(x, labels: y)
        #expect(throws: FitError.featureCountMismatch(expected: 10, got: 3)) { try model.predict(Matrix(rows: 2, columns: 3)) }
        #expect(throws: FitError.self) { try model.predict(bad) }
    }

    /// Class weights scale C per class: `given` with equal weights is `uniform`, `balanced`
    /// follows n / (k n_c), and a heavier class wins more training rows.
    @Test func classWeights() throws {
        let (x, y) = try Self.magic200()
        let uniform = try SupportVectorClassifier().fit(x, labels: y)
        let given = try SupportVectorClassifier(classWeight: .given, classWeights: [1, 1]).fit(x, labels: y)
        #expect(given == uniform)
        let heavy = try SupportVectorClassifier(classWeight: .given, classWeights: [1, 5]).fit(x, labels: y)
        let count = { (p: [Int]) in p.filter { $0 == 1 }.count }
        #expect(count(try heavy.predict(x)) > count(try uniform.predict(x)))
    }

    /// Options by their snake_case names, γ as text or number; the model survives JSON.
    @Test func optionsAndModelRoundTrip() throws {
        let defaults = try SupportVectorClassifier().parameters
        #expect(defaults["gamma"] == "scale" && defaults["kernel"] == "rbf" && defaults["cache_size"] == 200)
        for (text, expected) in [("0.5", SVMGamma.value(0.5)), ("auto", .auto), ("scale", .scale)] {
            let configured = try EstimatorOptions.configure(SupportVectorClassifier.self, estimator: "svm", defaults: defaults,
                                                            options: ["gamma": .string(text), "kernel": "poly"])
            #expect(configured.gamma == expected && configured.kernel == .polynomial)
        }
        let numeric = SupportVectorClassifier(gamma: .value(0.25))
        #expect(try EstimatorOptions.configure(SupportVectorClassifier.self, estimator: "svm", defaults: defaults,
                                               options: try numeric.parameters) == numeric)
        #expect(throws: FitError.self) {
            try EstimatorOptions.configure(SupportVectorClassifier.self, estimator: "svm", defaults: defaults, options: ["gamma": "wide"])
        }
        let (x, y) = try Self.magic200()
        let model = try SupportVectorClassifier(kernel: .polynomial, probability: true).fit(x, labels: y)
        let decoded = try JSONDecoder().decode(SupportVectorClassifierModel.self, from: JSONEncoder().encode(model))
        #expect(decoded == model)
        #expect(model.impurityImportances == nil)
    }

    /// Quality bar on MAGIC (standardised stratified 80/20 split): RBF, C = 1, γ = scale, on the
    /// whole training part (about 15 s in a debug build; 1.3 s in release).
    @Test func magicGammaAccuracy() throws {
        let split = try MagicGamma.standardisedSplit()
        let start = Date()
        let model = try SupportVectorClassifier().fit(split.xTrain, labels: split.yTrain)
        let accuracy = MagicGamma.accuracy(try model.predict(split.xTest), split.yTest)
        print("MAGIC SVM (RBF, C 1, gamma scale, \(split.yTrain.count) training rows) test accuracy \(accuracy), \(model.supportIndices.count) support vectors, \(Date().timeIntervalSince(start)) s")
        #expect(model.hasConverged)
        #expect(accuracy >= 0.86)
    }
}

import AlmagestCore
import Foundation

/// Logistic regression, as scikit-learn's `LogisticRegression`: a binary logistic model for two
/// classes, a multinomial (softmax) model over all classes for more (Cox, "The regression analysis
/// of binary sequences", 1958; McCullagh & Nelder, *Generalized Linear Models*, 1989). It minimises
/// scikit-learn's objective
///
///     (1/n) Σᵢ loss(xᵢ, yᵢ) + (1 − ρ)/(2 C n) ‖W‖² + ρ/(C n) ‖W‖₁
///
/// (the intercepts are not penalised), equivalent to `C Σ loss + ½(1 − ρ)‖W‖² + ρ‖W‖₁`, with
/// ρ = 0 for `.l2` (the default, C = 1), ρ = 1 for `.l1`, ρ = `l1Ratio` for `.elasticNet`, and no
/// penalty for `.none`.
///
/// Solvers: the smooth penalties (`.l2`, `.none`) by L-BFGS (`LBFGS`, as scikit-learn's default
/// `lbfgs`); the non-smooth ones (`.l1`, `.elasticNet`) by accelerated proximal gradient — FISTA
/// with backtracking on the step (Beck & Teboulle, "A fast iterative shrinkage-thresholding
/// algorithm", 2009; the step's test on gradient differences, robust to rounding) and gradient
/// restart of the momentum (O'Donoghue & Candès, 2015) — whose proximal step is the soft threshold; it reaches the same optimum as scikit-learn's
/// `saga`. `tolerance` bounds the largest component of the gradient (L-BFGS) or of the proximal
/// gradient mapping (FISTA) of the objective above; `maxIterations` counts L-BFGS or FISTA
/// iterations (each one pass over the data, plus line-search passes).
///
/// Cost: O(n d k) per objective evaluation (two GEMMs), times the iterations.
///
/// ```swift
/// let model = try LogisticRegression(c: 1).fit(x, labels: y)      // model.coefficients, model.intercepts
/// let p = try model.predictProbabilities(test)                      // columns follow model.classes
/// let sparse = try LogisticRegression(penalty: .l1, c: 0.1, maxIterations: 1000).fit(x, labels: y)
/// ```
public struct LogisticRegression: Classifier, RegisteredEstimator {
    /// The penalty on the coefficients.
    public enum Penalty: String, Codable, Sendable, CaseIterable {
        case l2, l1
        case elasticNet = "elasticnet"
        case none
    }

    public var penalty: Penalty
    /// Inverse regularisation strength (scikit-learn's `C`): smaller is stronger.
    public var c: Double
    /// The L1 share ρ of the elastic-net penalty, in [0, 1]; used by `.elasticNet` only.
    public var l1Ratio: Double
    public var maxIterations: Int
    /// Stop when the largest (proximal) gradient component of the objective is at most this.
    public var tolerance: Double
    /// Learn an unpenalised intercept per class.
    public var fitIntercept: Bool

    public init(penalty: Penalty = .l2, c: Double = 1, l1Ratio: Double = 0.5, maxIterations: Int = 100,
                tolerance: Double = 1e-4, fitIntercept: Bool = true) {
        self.penalty = penalty
        self.c = c
        self.l1Ratio = l1Ratio
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.fitIntercept = fitIntercept
    }

    public static let estimatorName = "logistic-regression"
    public static let summary = "logistic regression: binary or multinomial, L2 (L-BFGS), L1 or elastic net (FISTA)"
    public static var defaultConfiguration: LogisticRegression { LogisticRegression() }
    public static var optionHelp: [String: String] {
        ["penalty": "l2, l1, elasticnet or none",
         "c": "inverse regularisation strength (scikit-learn's C): smaller is stronger",
         "l1_ratio": "L1 share of the elastic-net penalty, in [0, 1]",
         "max_iterations": "most L-BFGS or FISTA iterations",
         "tolerance": "stop when the largest (proximal) gradient component is at most this",
         "fit_intercept": "learn an unpenalised intercept per class"]
    }

    public func validate() throws {
        try require(c > 0 && c.isFinite, "C", c, expected: "a positive number")
        try require(l1Ratio >= 0 && l1Ratio <= 1, "l1 ratio", l1Ratio, expected: "a value in [0, 1]")
        try require(maxIterations >= 1, "max iterations", maxIterations, expected: "at least 1")
        try require(tolerance > 0 && tolerance.isFinite, "tolerance", tolerance, expected: "a positive number")
    }

    /// Fits on rows `x` with integer class labels (at least two distinct); throws `FitError` on
    /// empty or non-finite data and labels that do not fit.
    public func fit(_ x: Matrix<Double>, labels: [Int]) throws -> LogisticRegressionModel {
        try validate()
        try x.validateForFit("logistic regression input")
        let classes = try ClassLabels.distinct(labels, rows: x.rows, method: "logistic regression")
        return try fitValidated(x, labels: labels, classes: classes)
    }
}

/// A fitted `LogisticRegression`: one coefficient row (and intercept) for the second class when
/// there are two classes, one per class otherwise, as scikit-learn's `coef_` and `intercept_`.
public struct LogisticRegressionModel: FittedClassifier, Equatable {
    public let classes: [Int]
    /// 1 x d for two classes (the log-odds of `classes[1]`), k x d for k > 2.
    public let coefficients: [[Double]]
    /// One per coefficient row (zeros without `fitIntercept`).
    public let intercepts: [Double]
    /// Solver iterations run.
    public let iterations: Int
    /// Whether the tolerance, rather than `maxIterations`, stopped the solver.
    public let hasConverged: Bool

    public var featureCount: Int { coefficients[0].count }

    public func predict(_ x: Matrix<Double>) throws -> [Int] {
        try predictProbabilities(x).argmaxPerRow().map { classes[$0] }
    }

    /// Class probabilities, one column per entry of `classes`.
    public func predictProbabilities(_ x: Matrix<Double>) throws -> Matrix<Double> {
        let scores = try decisionFunction(x)
        guard classes.count == 2 else { return scores.softmaxRows() }
        return Matrix(rows: x.rows, columns: 2) { i, k in
            let p = 1 / (1 + exp(-scores[i, 0]))
            return k == 1 ? p : 1 / (1 + exp(scores[i, 0]))
        }
    }

    /// x · Wᵀ + b: n x 1 log-odds for two classes, n x k scores otherwise.
    public func decisionFunction(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try x.validateForPredict("logistic regression input", features: featureCount)
        let w = try Matrix(coefficients)
        var scores = try Matrix.product(x, transposed: false, w, transposed: true)
        let k = intercepts.count
        scores.withUnsafeMutableBufferPointer { e in
            for i in 0..<x.rows { for j in 0..<k { e[i * k + j] += intercepts[j] } }
        }
        return scores
    }
}

// MARK: - Private

extension LogisticRegression {
    fileprivate func fitValidated(_ x: Matrix<Double>, labels: [Int], classes: [Int]) throws -> LogisticRegressionModel {
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($0.element, $0.offset) })
        let loss = LogisticLoss(x: x, labels: labels.map { index[$0]! }, classCount: classes.count,
                                fitIntercept: fitIntercept)
        let n = Double(x.rows)
        let ratio: Double
        switch penalty {
        case .l2: ratio = 0
        case .l1: ratio = 1
        case .elasticNet: ratio = l1Ratio
        case .none: ratio = 0
        }
        let l2Strength = penalty == .none ? 0 : (1 - ratio) / (c * n)
        let l1Strength = penalty == .none ? 0 : ratio / (c * n)
        let start = [Double](repeating: 0, count: loss.parameterCount)
        let solution: (theta: [Double], iterations: Int, converged: Bool)
        if l1Strength == 0 {
            let result = try LBFGS(maxIterations: maxIterations, gradientTolerance: tolerance)
                .minimize(from: start) { loss.evaluate($0, l2: l2Strength) }
            solution = (result.x, result.iterations, result.hasConverged)
        } else {
            solution = proximalGradient(loss, start: start, l2: l2Strength, l1: l1Strength)
        }
        let (w, b) = loss.unpack(solution.theta)
        return LogisticRegressionModel(classes: classes, coefficients: w, intercepts: b, iterations: solution.iterations,
                                       hasConverged: solution.converged)
    }

    /// FISTA with backtracking and gradient restart on smooth(θ) + l1 ‖W‖₁.
    private func proximalGradient(_ loss: LogisticLoss, start: [Double], l2: Double, l1: Double)
        -> (theta: [Double], iterations: Int, converged: Bool) {
        let penalised = loss.penalisedMask
        func prox(_ v: [Double], step: Double) -> [Double] {
            v.indices.map { i in
                guard penalised[i] else { return v[i] }
                let threshold = step * l1
                return v[i] > threshold ? v[i] - threshold : (v[i] < -threshold ? v[i] + threshold : 0)
            }
        }
        var x = start, y = start, t = 1.0
        var lipschitz = loss.lipschitzBound + l2
        for iteration in 1...maxIterations {
            let gy = loss.evaluate(y, l2: l2).gradient
            var next: [Double]
            while true {
                // Backtracking on the curvature along the step, (∇f(next) − ∇f(y))·d ≤ L ‖d‖²:
                // the Lipschitz condition in a form made of gradient differences, which unlike
                // the usual test on function values does not drown in rounding near the optimum.
                next = prox(zip(y, gy).map { $0 - $1 / lipschitz }, step: 1 / lipschitz)
                let d = zip(next, y).map { $0 - $1 }
                let gNext = loss.evaluate(next, l2: l2).gradient
                let curvature = zip(zip(gNext, gy), d).reduce(0.0) { $0 + ($1.0.0 - $1.0.1) * $1.1 }
                if curvature <= lipschitz * d.reduce(0) { $0 + $1 * $1 } { break }
                lipschitz *= 2
            }
            let mapping = zip(y, next).reduce(0) { Swift.max($0, lipschitz * abs($1.0 - $1.1)) }
            // Gradient restart (O'Donoghue & Candès): drop the momentum when the step turns
            // against it, (y − next)·(next − x) > 0; unlike comparing objective values, this
            // stays reliable near the optimum, where the values differ by rounding only.
            let turned = zip(zip(y, next), x).reduce(0.0) { $0 + ($1.0.0 - $1.0.1) * ($1.0.1 - $1.1) } > 0
            if turned { t = 1 }
            let tNext = (1 + (1 + 4 * t * t).squareRoot()) / 2
            y = zip(next, zip(next, x)).map { $0 + (t - 1) / tNext * ($1.0 - $1.1) }
            (x, t) = (next, tNext)
            if mapping <= tolerance { return (x, iteration, true) }
            lipschitz = Swift.max(lipschitz / 1.5, 1e-12)
        }
        return (x, maxIterations, false)
    }
}

/// The mean logistic (binary) or multinomial loss of a parameter vector θ, laid out per row of
/// W as [w₁ … w_d, b] (one row for two classes), with its gradient; an L2 term ½ λ ‖W‖² is added
/// on request (intercepts unpenalised).
private struct LogisticLoss {
    let x: Matrix<Double>
    let labels: [Int]
    let classCount: Int
    let fitIntercept: Bool

    /// Coefficient rows: 1 for two classes, k otherwise.
    var outputs: Int { classCount == 2 ? 1 : classCount }
    var width: Int { x.columns + 1 }
    var parameterCount: Int { outputs * width }
    /// True for the coefficients, false for the intercepts.
    var penalisedMask: [Bool] { (0..<parameterCount).map { $0 % width != x.columns } }

    /// A bound on the Lipschitz constant of the mean loss' gradient: ‖[X 1]‖²_F / n times ¼
    /// (binary) or ½ (softmax); the backtracking refines it.
    var lipschitzBound: Double {
        let scale = classCount == 2 ? 0.25 : 0.5
        return scale * (x.squaredNorm() + Double(x.rows)) / Double(x.rows)
    }

    func unpack(_ theta: [Double]) -> (w: [[Double]], b: [Double]) {
        let d = x.columns
        return ((0..<outputs).map { Array(theta[($0 * width)..<($0 * width + d)]) }, (0..<outputs).map { theta[$0 * width + d] })
    }

    func evaluate(_ theta: [Double], l2: Double) -> (value: Double, gradient: [Double]) {
        let n = x.rows, d = x.columns, k = outputs
        let w = Matrix(rows: k, columns: d) { r, j in theta[r * width + j] }
        var scores = try! Matrix.product(x, transposed: false, w, transposed: true)
        var total = 0.0
        scores.withUnsafeMutableBufferPointer { z in
            for i in 0..<n {
                for r in 0..<k where fitIntercept { z[i * k + r] += theta[r * width + d] }
                if k == 1 {
                    // softplus(z) − y z, and the residual σ(z) − y.
                    let s = z[i], y = Double(labels[i])
                    total += (s > 0 ? s + log1p(exp(-s)) : log1p(exp(s))) - y * s
                    z[i] = (s >= 0 ? 1 / (1 + exp(-s)) : exp(s) / (1 + exp(s))) - y
                } else {
                    var top = -Double.infinity
                    for r in 0..<k { top = Swift.max(top, z[i * k + r]) }
                    var sum = 0.0
                    for r in 0..<k { sum += exp(z[i * k + r] - top) }
                    let logSum = top + log(sum)
                    total += logSum - z[i * k + labels[i]]
                    for r in 0..<k { z[i * k + r] = exp(z[i * k + r] - logSum) }
                    z[i * k + labels[i]] -= 1
                }
            }
        }
        let g = try! Matrix.product(scores, transposed: true, x)   // k x d: residualᵀ X
        var gradient = [Double](repeating: 0, count: parameterCount)
        var penalty = 0.0
        for r in 0..<k {
            for j in 0..<d {
                let wj = theta[r * width + j]
                gradient[r * width + j] = g[r, j] / Double(n) + l2 * wj
                penalty += wj * wj
            }
            if fitIntercept {
                var s = 0.0
                for i in 0..<n { s += scores[i, r] }
                gradient[r * width + d] = s / Double(n)
            }
        }
        return (total / Double(n) + 0.5 * l2 * penalty, gradient)
    }
}

import AlmagestCore
import Foundation

/// Power transforms that make each column more Gaussian, as scikit-learn's `PowerTransformer`:
///
/// - Yeo-Johnson (Yeo & Johnson, "A new family of power transformations to improve normality or
///   symmetry", 2000), for any real value: `((x+1)^λ − 1)/λ` for x ≥ 0 (`ln(1+x)` at λ = 0) and
///   `−((1−x)^(2−λ) − 1)/(2−λ)` for x < 0 (`−ln(1−x)` at λ = 2);
/// - Box-Cox (Box & Cox, "An analysis of transformations", 1964), for strictly positive values:
///   `(x^λ − 1)/λ` (`ln x` at λ = 0).
///
/// Each column's λ maximises the Gaussian log-likelihood of the transformed column,
/// `−(n/2) ln var(ψ) + (λ − 1) Σ sign(x) ln(1 + |x|)` (Yeo-Johnson) or
/// `(λ − 1) Σ ln x − (n/2) ln var(ψ)` (Box-Cox), found by Brent's method from the bracket
/// (−2, 2) as scipy does, then refined to the root of the likelihood's derivative (false position), since
/// the likelihood is too flat at its top for a search on its values to place λ closer than about
/// 1e-8. The variance is computed in logs — the largest exponent `λ ln(1+x)` is
/// factored out before exponentiating — so that large values and large |λ| do not overflow. With
/// `standardize` (the default) the transformed columns are then standardised by a
/// `StandardScaler` fitted on them. Cost: O(n d · evaluations) to fit (about 30–40 likelihood
/// evaluations per column), O(n d) to transform and to invert.
///
/// ```swift
/// let model = try PowerTransformer(method: .yeoJohnson).fit(train)   // model.lambdas
/// let z = try model.transform(test)
/// let back = try model.inverseTransform(z)
/// ```
public struct PowerTransformer: Transformer, RegisteredEstimator {
    /// The family of transforms.
    public enum Method: String, Codable, Sendable, CaseIterable {
        /// Any real value.
        case yeoJohnson = "yeo-johnson"
        /// Strictly positive values only.
        case boxCox = "box-cox"
    }

    public var method: Method
    /// Standardise the transformed columns to zero mean and unit variance.
    public var standardize: Bool

    public init(method: Method = .yeoJohnson, standardize: Bool = true) {
        self.method = method
        self.standardize = standardize
    }

    public static let estimatorName = "power-transformer"
    public static let summary = "Yeo-Johnson or Box-Cox power transform per column, λ by maximum likelihood, then standardised"
    public static var defaultConfiguration: PowerTransformer { PowerTransformer() }
    public static var optionHelp: [String: String] {
        ["method": "yeo-johnson (any value) or box-cox (strictly positive values)",
         "standardize": "standardise the transformed columns to zero mean and unit variance"]
    }

    public func validate() throws {}

    /// Fits λ per column (and the standardiser). Throws `FitError` on empty or non-finite data,
    /// and `FitError.outOfDomain` naming the first non-positive value for Box-Cox.
    public func fit(_ x: Matrix<Double>) throws -> PowerTransformerModel {
        try validate()
        try x.validateForFit("power transform input")
        if method == .boxCox { try Self.requirePositive(x) }
        // Columns are independent: fitted in parallel, each alone, so the λ do not depend on threads.
        let method = method
        let fits = Parallel.map(x.columns) { j in Result { try Self.optimalLambda(x.column(j), method: method) } }
        let lambdas = try fits.map { try $0.get() }
        let unscaled = PowerTransformerModel(method: method, lambdas: lambdas, scaler: nil)
        let scaler = standardize ? try StandardScaler().fit(unscaled.powerTransformed(x)) : nil
        return PowerTransformerModel(method: method, lambdas: lambdas, scaler: scaler)
    }

    /// The log-likelihood of `values` transformed with `lambda` (the quantity λ maximises).
    public static func logLikelihood(_ values: [Double], lambda: Double, method: Method) -> Double {
        LogColumn(values, method: method).logLikelihood(lambda)
    }

    /// d/dλ of `logLikelihood`: `−n Σ(ψ − ψ̄) ∂ψ/∂λ / Σ(ψ − ψ̄)² + Σ sign(x) ln(1 + |x|)` (or
    /// `Σ ln x`), computed with ψ and ∂ψ/∂λ scaled alike, so it does not overflow either.
    public static func logLikelihoodDerivative(_ values: [Double], lambda: Double, method: Method) -> Double {
        LogColumn(values, method: method).derivative(lambda)
    }
}

/// A fitted `PowerTransformer`: λ per column and, when standardising, the scaler of the
/// transformed columns.
public struct PowerTransformerModel: FittedTransformer, Equatable {
    public let method: PowerTransformer.Method
    /// The fitted λ of each column.
    public let lambdas: [Double]
    /// The standardiser fitted on the transformed training columns (nil without `standardize`).
    public let scaler: StandardScalerModel?

    /// A model from known λ (and, to standardise, the scaler of the transformed columns).
    public init(method: PowerTransformer.Method, lambdas: [Double], scaler: StandardScalerModel?) {
        self.method = method
        self.lambdas = lambdas
        self.scaler = scaler
    }

    public var featureCount: Int { lambdas.count }

    /// The power transform of every column, then the standardisation.
    public func transform(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try x.validateForPredict("power transform input", features: featureCount)
        if method == .boxCox { try PowerTransformer.requirePositive(x) }
        let psi = powerTransformed(x)
        return try scaler?.transform(psi) ?? psi
    }

    /// Undoes the standardisation, then the power transform.
    public func inverseTransform(_ z: Matrix<Double>) throws -> Matrix<Double> {
        try z.validateForPredict("power transform inverse input", features: featureCount)
        let psi = try scaler?.inverseTransform(z) ?? z
        return Matrix(rows: psi.rows, columns: psi.columns) { i, j in
            PowerTransformer.inverse(psi[i, j], lambda: lambdas[j], method: method)
        }
    }

    // MARK: - Private

    func powerTransformed(_ x: Matrix<Double>) -> Matrix<Double> {
        Matrix(rows: x.rows, columns: x.columns) { i, j in PowerTransformer.forward(x[i, j], lambda: lambdas[j], method: method) }
    }
}

// MARK: - Private

extension PowerTransformer {
    /// Below this |λ| (or |2 − λ|) the logarithmic limit is used, as scikit-learn does.
    static let lambdaEpsilon = Double.ulpOfOne

    static func requirePositive(_ x: Matrix<Double>) throws {
        for i in 0..<x.rows {
            for j in 0..<x.columns where !(x[i, j] > 0) {
                throw FitError.outOfDomain(
                    what: "Box-Cox input", row: i, column: j, value: x[i, j],
                    expected: "strictly positive values (Yeo-Johnson accepts zeros and negative values)")
            }
        }
    }

    /// λ maximising the log-likelihood; 1 (the identity up to a shift) for a constant column,
    /// whose likelihood has no maximum.
    fileprivate static func optimalLambda(_ column: [Double], method: Method) throws -> Double {
        guard let first = column.first, column.contains(where: { $0 != first }) else { return 1 }
        let logs = LogColumn(column, method: method)
        let result = try BrentMinimizer().minimize(from: (-2, 2)) { -logs.logLikelihood($0) }
        return Self.refinedLambda(logs, start: result.x)
    }

    /// The likelihood is flat at its top, so Brent's search on it places λ only to about 1e-8;
    /// the root of its derivative, bracketed around that λ and found by false position, is exact
    /// to rounding. Falls back to `start` when no sign change is found nearby.
    static func refinedLambda(_ logs: LogColumn, start: Double) -> Double {
        let derivative = { (lambda: Double) in logs.derivative(lambda) }
        var step = 1e-7 * Swift.max(1, abs(start))
        var (low, high) = (start - step, start + step)
        var (dLow, dHigh) = (derivative(low), derivative(high))
        var expansions = 0
        while !(dLow > 0 && dHigh < 0) {
            expansions += 1
            guard expansions <= 12, dLow.isFinite, dHigh.isFinite else { return start }
            step *= 4
            (low, high) = (start - step, start + step)
            (dLow, dHigh) = (derivative(low), derivative(high))
        }
        // Illinois false position (Dowell & Jarratt, 1971): superlinear, and always bracketed.
        var side = 0, latest = 0.5 * (low + high)
        for _ in 0..<100 where high - low > 4 * Double.ulpOfOne * Swift.max(1, abs(low)) {
            let middle = (low * dHigh - high * dLow) / (dHigh - dLow)
            guard middle > low && middle < high else { break }
            let d = derivative(middle)
            latest = middle
            if d == 0 { break }
            if d > 0 {
                (low, dLow) = (middle, d)
                if side == 1 { dHigh /= 2 }
                side = 1
            } else {
                (high, dHigh) = (middle, d)
                if side == -1 { dLow /= 2 }
                side = -1
            }
        }
        let refined = latest
        let ll = logs.logLikelihood(refined)
        return ll >= logs.logLikelihood(start) - 1e-12 * abs(ll) ? refined : start
    }

    /// One value's transform as `sign · (exp(k u) − 1) / k`: u = ln(1 + |x|) (ln x for Box-Cox),
    /// k = λ (or 2 − λ for negative x under Yeo-Johnson).
    struct Branch {
        let u: Double, k: Double, sign: Double
        var exponent: Double { k * u }

        /// ψ and ∂ψ/∂λ, both divided by exp(shift). On the negative branch ψ = −g(2 − λ), so
        /// ∂ψ/∂λ = g′(k) and both branches share ∂ψ/∂λ = (u e^{ku} − g) / k = (t eᵗ − (eᵗ − 1)) / k²
        /// with t = k u; near t = 0 its series Σₘ₌₂ tᵐ (m − 1)/m! avoids the cancellation.
        func valueAndSlope(shift: Double) -> (Double, Double) {
            if abs(k) < PowerTransformer.lambdaEpsilon {
                let scale = exp(-shift)
                return (sign * u * scale, u * u / 2 * scale)
            }
            let t = exponent
            if shift == 0 {
                let g = expm1(t) / k
                var slope: Double
                if abs(t) < 0.1 {
                    var term = t, sum = 0.0
                    for m in 2...14 {
                        term *= t / Double(m)
                        sum += term * Double(m - 1)
                    }
                    slope = sum / (k * k)
                } else {
                    slope = (t * exp(t) - expm1(t)) / (k * k)
                }
                return (sign * g, slope)
            }
            let e = exp(t - shift)
            let g = (e - exp(-shift)) / k
            return (sign * g, (u * e - g) / k)
        }
    }

    static func forward(_ x: Double, lambda: Double, method: Method) -> Double {
        switch method {
        case .boxCox:
            return abs(lambda) < lambdaEpsilon ? log(x) : expm1(lambda * log(x)) / lambda
        case .yeoJohnson:
            if x >= 0 {
                return abs(lambda) < lambdaEpsilon ? log1p(x) : expm1(lambda * log1p(x)) / lambda
            }
            return abs(lambda - 2) < lambdaEpsilon ? -log1p(-x) : -expm1((2 - lambda) * log1p(-x)) / (2 - lambda)
        }
    }

    static func inverse(_ psi: Double, lambda: Double, method: Method) -> Double {
        switch method {
        case .boxCox:
            return abs(lambda) < lambdaEpsilon ? exp(psi) : exp(log1p(lambda * psi) / lambda)
        case .yeoJohnson:
            if psi >= 0 {
                return abs(lambda) < lambdaEpsilon ? expm1(psi) : expm1(log1p(lambda * psi) / lambda)
            }
            return abs(lambda - 2) < lambdaEpsilon ? -expm1(-psi) : -expm1(log1p(-(2 - lambda) * psi) / (2 - lambda))
        }
    }

    /// What a likelihood evaluation needs of a column, computed once: u = ln(1 + |x|) (ln x for
    /// Box-Cox), which side of 0 each value is on, and the log-Jacobian sum Σ sign(x) u.
    struct LogColumn {
        let u: [Double]
        let isNegative: [Bool]
        let jacobian: Double
        /// u of the values on each side of 0 (all on the positive side for Box-Cox), and the
        /// extremes of each, so that the largest exponent is found without a pass over the data.
        let positive: [Double], negative: [Double]
        let positiveRange: (Double, Double), negativeRange: (Double, Double)

        init(_ values: [Double], method: Method) {
            u = values.map { method == .boxCox ? log($0) : log1p(abs($0)) }
            isNegative = values.map { method == .yeoJohnson && $0 < 0 }
            jacobian = zip(u, isNegative).reduce(0) { $0 + ($1.1 ? -$1.0 : $1.0) }
            positive = zip(u, isNegative).compactMap { $1 ? nil : $0 }
            negative = zip(u, isNegative).compactMap { $1 ? $0 : nil }
            positiveRange = (positive.min() ?? 0, positive.max() ?? 0)
            negativeRange = (negative.min() ?? 0, negative.max() ?? 0)
        }

        func branch(_ i: Int, _ lambda: Double) -> Branch {
            isNegative[i] ? Branch(u: u[i], k: 2 - lambda, sign: -1) : Branch(u: u[i], k: lambda, sign: 1)
        }

        /// The largest exponent k u, or 0 when none passes 700 (no scaling needed): k u is linear
        /// in u, so its largest value is at one end of each side's range.
        func shift(_ lambda: Double) -> Double {
            var largest = -Double.infinity
            if !positive.isEmpty { largest = Swift.max(lambda * positiveRange.0, lambda * positiveRange.1) }
            if !negative.isEmpty { largest = Swift.max(largest, (2 - lambda) * negativeRange.0, (2 - lambda) * negativeRange.1) }
            return largest > 700 ? largest : 0
        }

        /// −(n/2) ln var(ψ) + (λ − 1) Σ sign(x) u; when an exponent k u passes 700, exp(M) with M
        /// the largest one is factored out of every ψ and 2M added back to the logarithm. One
        /// tight loop per side of 0 (the hot loop of the fit: it runs 30–40 times per column).
        func logLikelihood(_ lambda: Double) -> Double {
            let shift = shift(lambda)
            var psi = [Double](repeating: 0, count: u.count)
            psi.withUnsafeMutableBufferPointer { out in
                let end = Self.transform(positive, k: lambda, sign: 1, shift: shift, into: out, at: 0)
                _ = Self.transform(negative, k: 2 - lambda, sign: -1, shift: shift, into: out, at: end)
            }
            return -Double(u.count) / 2 * (2 * shift + log(PowerTransformer.variance(psi))) + (lambda - 1) * jacobian
        }

        /// Writes ψ / exp(shift) = sign · (exp(k u − shift) − exp(−shift)) / k of every u from
        /// `start` (sign · expm1(k u) / k without a shift, sign · u · exp(−shift) at k ≈ 0), as
        /// `Branch.valueAndSlope`'s value; returns the next free index.
        private static func transform(
            _ us: [Double], k: Double, sign: Double, shift: Double, into out: UnsafeMutableBufferPointer<Double>, at start: Int
        ) -> Int {
            us.withUnsafeBufferPointer { u in
                if abs(k) < PowerTransformer.lambdaEpsilon {
                    let scale = sign * exp(-shift)
                    for i in 0..<u.count { out[start + i] = u[i] * scale }
                } else if shift == 0 {
                    let factor = sign / k
                    for i in 0..<u.count { out[start + i] = expm1(k * u[i]) * factor }
                } else {
                    let factor = sign / k, offset = exp(-shift)
                    for i in 0..<u.count { out[start + i] = (exp(k * u[i] - shift) - offset) * factor }
                }
            }
            return start + us.count
        }

        /// d/dλ of `logLikelihood`, with ψ and ∂ψ/∂λ scaled alike.
        func derivative(_ lambda: Double) -> Double {
            let shift = shift(lambda), n = Double(u.count)
            var psi = [Double](repeating: 0, count: u.count), slope = psi
            for i in u.indices { (psi[i], slope[i]) = branch(i, lambda).valueAndSlope(shift: shift) }
            let mean = psi.reduce(0, +) / n
            var covariance = 0.0, variance = 0.0
            for i in psi.indices {
                covariance += (psi[i] - mean) * slope[i]
                variance += (psi[i] - mean) * (psi[i] - mean)
            }
            return -n * covariance / variance + jacobian
        }
    }

    /// Population variance by two passes.
    static func variance(_ v: [Double]) -> Double {
        let n = Double(v.count)
        let mean = v.reduce(0, +) / n
        var squares = 0.0, correction = 0.0
        for value in v {
            let t = value - mean
            squares += t * t
            correction += t
        }
        return Swift.max((squares - correction * correction / n) / n, 0)
    }
}

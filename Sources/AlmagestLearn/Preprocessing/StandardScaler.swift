import AlmagestCore

/// Standardisation: `z = (x - mean) / scale` per column, with the population standard deviation
/// as the scale, as scikit-learn's `StandardScaler`.
///
/// Means and variances come from two passes with the compensation of Chan, Golub & LeVeque
/// ("Algorithms for computing the sample variance", 1983), as scikit-learn computes them. A
/// column whose variance is zero up to rounding (scikit-learn's test `var ≤ n ε var + (n ε mean)²`)
/// gets scale 1, so it is only centred. `withMean: false` keeps sparse-friendly data uncentred;
/// `withStd: false` only centres (scale 1 everywhere). Cost: O(n d) to fit and to transform.
///
/// ```swift
/// let scaler = try StandardScaler().fit(train)        // StandardScalerModel
/// let z = try scaler.transform(test)                  // same width as train
/// let back = try scaler.inverseTransform(z)
/// ```
public struct StandardScaler: Transformer, Codable, Sendable, Equatable {
    /// Subtract the column means.
    public let withMean: Bool
    /// Divide by the column standard deviations.
    public let withStd: Bool

    public init(withMean: Bool = true, withStd: Bool = true) {
        self.withMean = withMean
        self.withStd = withStd
    }

    /// Learns the column means, variances and scales; throws `FitError` on empty or non-finite data.
    public func fit(_ x: Matrix<Double>) throws -> StandardScalerModel {
        try x.validateForFit("StandardScaler input")
        let (mean, variance) = Self.meanAndVariance(x)
        let n = Double(x.rows)
        let epsilon = Double.ulpOfOne
        let scale = zip(mean, variance).map { m, v -> Double in
            guard withStd else { return 1 }
            let constant = v <= n * epsilon * v + (n * m * epsilon) * (n * m * epsilon)
            return constant ? 1 : v.squareRoot()
        }
        return StandardScalerModel(
            withMean: withMean, withStd: withStd, mean: mean, variance: variance, scale: scale, sampleCount: x.rows)
    }
}

/// A fitted `StandardScaler`: per-column `mean`, population `variance` and the `scale` it divides by.
public struct StandardScalerModel: FittedTransformer, Codable, Sendable, Equatable {
    public let withMean: Bool
    public let withStd: Bool
    /// Column means of the training data.
    public let mean: [Double]
    /// Column variances (ddof 0) of the training data.
    public let variance: [Double]
    /// What each column is divided by: the standard deviation, or 1 for a constant column or
    /// when `withStd` is off.
    public let scale: [Double]
    /// Rows the model was fitted on.
    public let sampleCount: Int

    /// Number of columns the model expects.
    public var featureCount: Int { mean.count }

    /// `(x - mean) / scale` (without the parts switched off).
    public func transform(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try x.validateForPredict("StandardScaler transform input", features: featureCount)
        return apply(x) { v, m, s in (v - m) / s }
    }

    /// One scale for every column: the root mean column variance (1 when every column is constant).
    public var commonScale: Double {
        let meanVariance = variance.reduce(0, +) / Double(Swift.max(variance.count, 1))
        return meanVariance > 0 ? meanVariance.squareRoot() : 1
    }

    /// `(x - mean) / commonScale`: columns centred (unless `withMean` is off) and all divided by one
    /// scale, so they keep their relative weights and their mean variance becomes 1 — what spectra
    /// need, where standardising each wavelength gives noise-only pixels the weight of the lines.
    public func transformToCommonScale(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try x.validateForPredict("StandardScaler transform input", features: featureCount)
        let common = commonScale
        return apply(x) { v, m, _ in (v - m) / common }
    }

    /// `z * scale + mean`, the inverse of `transform`.
    public func inverseTransform(_ z: Matrix<Double>) throws -> Matrix<Double> {
        try z.validateForPredict("StandardScaler inverse-transform input", features: featureCount)
        return apply(z) { v, m, s in v * s + m }
    }
}

// MARK: - Private

extension StandardScaler {
    /// Column means and population variances, two passes with Chan-Golub-LeVeque's correction.
    static func meanAndVariance(_ x: Matrix<Double>) -> (mean: [Double], variance: [Double]) {
        let n = x.rows, d = x.columns
        var sum = [Double](repeating: 0, count: d)
        var squares = [Double](repeating: 0, count: d)
        var correction = [Double](repeating: 0, count: d)
        x.withUnsafeBufferPointer { e in
            for i in 0..<n { for j in 0..<d { sum[j] += e[i * d + j] } }
            let mean = sum.map { $0 / Double(n) }
            for i in 0..<n {
                for j in 0..<d {
                    let t = e[i * d + j] - mean[j]
                    correction[j] += t
                    squares[j] += t * t
                }
            }
        }
        let mean = sum.map { $0 / Double(n) }
        let variance = (0..<d).map { j in
            Swift.max((squares[j] - correction[j] * correction[j] / Double(n)) / Double(n), 0)
        }
        return (mean, variance)
    }
}

extension StandardScalerModel {
    private func apply(_ x: Matrix<Double>, _ f: (Double, Double, Double) -> Double) -> Matrix<Double> {
        let d = featureCount
        let m = withMean ? mean : [Double](repeating: 0, count: d)
        let s = withStd ? scale : [Double](repeating: 1, count: d)
        return Matrix(rows: x.rows, columns: d) { out in
            x.withUnsafeBufferPointer { e in
                for i in 0..<x.rows { for j in 0..<d { out[i * d + j] = f(e[i * d + j], m[j], s[j]) } }
            }
        }
    }
}

extension StandardScaler: RegisteredEstimator {
    public static let estimatorName = "standard-scaler"
    public static let summary = "standardisation per column: (x - mean) / standard deviation"
    public static var defaultConfiguration: StandardScaler { StandardScaler() }
    public static var optionHelp: [String: String] {
        ["with_mean": "subtract the column means", "with_std": "divide by the column standard deviations"]
    }
    public func validate() throws {}
}

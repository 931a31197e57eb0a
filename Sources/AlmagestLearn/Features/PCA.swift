import AlmagestCore

/// Principal component analysis through the exact thin SVD of the centred data
/// (`X - mean = U S Vᵀ`, LAPACK `gesdd`); the components are the first rows of Vᵀ.
///
/// Reference: K. Pearson, "On lines and planes of closest fit to systems of points in space",
/// 1901; the SVD route as scikit-learn's `PCA(svd_solver="full")`. Signs follow scikit-learn
/// ≥ 1.5 (`svd_flip(u_based_decision=False)`): in each component the entry of largest absolute
/// value is made positive (the first such entry on a tie), so results do not depend on LAPACK's
/// sign choices. `explainedVariance` are covariance eigenvalues (ddof 1), `S² / (n - 1)`.
///
/// Cost: O(n d min(n, d)) time and O(n d) memory for the SVD; transform O(n d k).
///
/// ```swift
/// let pca = try PCA(components: 3).fit(hogFeatures)     // PCAModel
/// let coordinates = try pca.transform(hogFeatures)      // n x 3
/// print(pca.explainedVarianceRatio)                     // e.g. [0.116, 0.081, 0.063]
/// ```
public struct PCA: Transformer, Codable, Sendable, Equatable {
    /// Number of components kept (1 ... min(samples, features)).
    public let components: Int

    public init(components: Int) throws {
        try require(components >= 1, "PCA components", components, expected: "at least 1")
        self.components = components
    }

    /// Decodes and validates like `init`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(components: c.decode(Int.self, forKey: .components))
    }

    /// Centres `x`, takes its thin SVD and keeps `components` directions. Needs at least 2 rows
    /// and `components ≤ min(rows, columns)`.
    public func fit(_ x: Matrix<Double>) throws -> PCAModel {
        try x.validateForFit("PCA input")
        guard x.rows >= 2 else {
            throw FitError.tooFewSamples(method: "PCA", needed: 2, got: x.rows, reason: "variances need n - 1 > 0")
        }
        let rank = Swift.min(x.rows, x.columns)
        try require(
            components <= rank, "PCA components", components,
            expected: "at most min(samples, features) = \(rank) for \(x.rows) x \(x.columns) data")
        let mean = x.mean(axis: .rows).elements
        let centred = Self.centre(x, mean)
        let svd = try centred.svd()
        var componentMatrix = svd.vt.rows(at: 0..<components)
        Self.flipSigns(&componentMatrix)
        let denominator = Double(x.rows - 1)
        let allVariances = svd.singularValues.map { $0 * $0 / denominator }
        let total = allVariances.reduce(0, +)
        let explained = Array(allVariances[0..<components])
        return PCAModel(
            components: componentMatrix, mean: mean, singularValues: Array(svd.singularValues[0..<components]),
            explainedVariance: explained, explainedVarianceRatio: explained.map { total > 0 ? $0 / total : 0 },
            totalVariance: total, sampleCount: x.rows)
    }
}

/// A fitted `PCA`.
public struct PCAModel: FittedTransformer, Codable, Sendable, Equatable {
    /// Principal axes as rows (k x d), unit length, sign-normalised (see `PCA`).
    public let components: Matrix<Double>
    /// Column means of the training data.
    public let mean: [Double]
    /// The k largest singular values of the centred training data.
    public let singularValues: [Double]
    /// Variance along each component (ddof 1).
    public let explainedVariance: [Double]
    /// `explainedVariance / totalVariance`.
    public let explainedVarianceRatio: [Double]
    /// Total variance of the training data (sum of column variances, ddof 1).
    public let totalVariance: Double
    /// Rows the model was fitted on.
    public let sampleCount: Int

    /// Columns the model expects.
    public var featureCount: Int { mean.count }

    /// Coordinates along the components: `(x - mean) · componentsᵀ`, n x k.
    public func transform(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try x.validateForPredict("PCA transform input", features: featureCount)
        return try Matrix.product(PCA.centre(x, mean), transposed: false, components, transposed: true)
    }

    /// Back to the original space: `z · components + mean`, n x d (exact when k = d).
    public func inverseTransform(_ z: Matrix<Double>) throws -> Matrix<Double> {
        try z.validateForPredict("PCA inverse-transform input", features: components.rows)
        var out = try Matrix.product(z, components)
        let d = featureCount
        out.withUnsafeMutableBufferPointer { e in
            for i in 0..<z.rows { for j in 0..<d { e[i * d + j] += mean[j] } }
        }
        return out
    }
}

// MARK: - Private

extension PCA {
    static func centre(_ x: Matrix<Double>, _ mean: [Double]) -> Matrix<Double> {
        let d = x.columns
        return Matrix(rows: x.rows, columns: d) { out in
            x.withUnsafeBufferPointer { e in
                for i in 0..<x.rows { for j in 0..<d { out[i * d + j] = e[i * d + j] - mean[j] } }
            }
        }
    }

    /// Makes the largest-|value| entry of every row positive.
    static func flipSigns(_ rows: inout Matrix<Double>) {
        let n = rows.rows, d = rows.columns
        rows.withUnsafeMutableBufferPointer { e in
            for i in 0..<n {
                var best = 0
                for j in 1..<Swift.max(d, 1) where abs(e[i * d + j]) > abs(e[i * d + best]) { best = j }
                if e[i * d + best] < 0 { for j in 0..<d { e[i * d + j] = -e[i * d + j] } }
            }
        }
    }
}

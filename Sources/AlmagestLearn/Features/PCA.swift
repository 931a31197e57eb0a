import AlmagestCore

/// Principal component analysis, exact: the thin SVD of the centred data (`X - mean = U S Vᵀ`,
/// LAPACK `gesdd`, components = first rows of Vᵀ) or, for tall data, the eigen-decomposition of
/// the d x d scatter matrix `(X - mean)ᵀ(X - mean) = V S² Vᵀ` (LAPACK `syevd`).
///
/// Reference: K. Pearson, "On lines and planes of closest fit to systems of points in space",
/// 1901; the two routes are scikit-learn's `svd_solver="full"` and `"covariance_eigh"`, and
/// `.automatic` picks the second when `n ≥ 10 d`, as scikit-learn does for `d ≤ 1000` (much
/// faster there; the squared condition number only costs accuracy in the smallest components,
/// which are the ones not kept). Past 1000 features scikit-learn switches to a randomized SVD,
/// which Almagest does not have; the scatter route is kept there too, because its O(d³)
/// eigen-decomposition still costs far less than the O(n d²) SVD and its memory is O(d²) instead of
/// a second n x d matrix (68,000 spectra x 3,600 wavelengths: about 30 s and 100 MB).
/// With `whiten`, each coordinate is divided by the square root of its explained variance, so the
/// kept directions all have unit variance on the training data (scikit-learn's `whiten=True`):
/// distances then weigh every kept direction alike, as clustering by a Euclidean criterion on
/// data dominated by one direction (spectra: the overall flux) needs. Signs follow scikit-learn
/// ≥ 1.5 (`svd_flip(u_based_decision=False)`): in each component the entry of largest absolute
/// value is made positive (the first such entry on a tie), so results do not depend on LAPACK's
/// sign choices. `explainedVariance` are covariance eigenvalues (ddof 1), `S² / (n - 1)`.
///
/// Cost: O(n d min(n, d)) time and O(n d) memory for the SVD; O(n d² + d³) time and O(n d + d²)
/// memory for the scatter matrix; transform O(n d k).
///
/// ```swift
/// let pca = try PCA(components: 3).fit(hogFeatures)     // PCAModel
/// let coordinates = try pca.transform(hogFeatures)      // n x 3
/// print(pca.explainedVarianceRatio)                     // e.g. [0.116, 0.081, 0.063]
/// ```
public struct PCA: Transformer, Codable, Sendable, Equatable {
    /// How the decomposition is computed (both exact).
    public enum Solver: String, Codable, Sendable, CaseIterable {
        /// `.covarianceEigen` when samples ≥ 10 x features and features ≤ 1000, else `.svd`.
        case automatic
        /// Thin SVD of the centred data.
        case svd
        /// Eigen-decomposition of the features x features scatter matrix.
        case covarianceEigen
    }

    /// Number of components kept (1 ... min(samples, features)).
    public let components: Int
    public let solver: Solver
    /// Divide each coordinate by the square root of its explained variance.
    public let whiten: Bool

    public init(components: Int, solver: Solver = .automatic, whiten: Bool = false) throws {
        try require(components >= 1, "PCA components", components, expected: "at least 1")
        self.components = components
        self.solver = solver
        self.whiten = whiten
    }

    /// Decodes and validates like `init`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            components: c.decode(Int.self, forKey: .components),
            solver: c.decodeIfPresent(Solver.self, forKey: .solver) ?? .automatic,
            whiten: c.decodeIfPresent(Bool.self, forKey: .whiten) ?? false)
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
        let useEigen = solver == .covarianceEigen
            || (solver == .automatic && x.rows >= 10 * x.columns)
        var (componentMatrix, singularValues, total) = try useEigen
            ? Self.scatterEigen(Self.scatter(x, mean), components: components)
            : Self.thinSVD(Self.centre(x, mean), components: components)
        Self.flipSigns(&componentMatrix)
        let denominator = Double(x.rows - 1)
        total /= denominator
        let explained = singularValues.map { $0 * $0 / denominator }
        return PCAModel(
            components: componentMatrix, mean: mean, singularValues: singularValues,
            explainedVariance: explained, explainedVarianceRatio: explained.map { total > 0 ? $0 / total : 0 },
            totalVariance: total, sampleCount: x.rows, whiten: whiten)
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
    /// Coordinates are divided by the square root of `explainedVariance` (see `PCA.whiten`).
    public let whiten: Bool

    public init(
        components: Matrix<Double>, mean: [Double], singularValues: [Double], explainedVariance: [Double],
        explainedVarianceRatio: [Double], totalVariance: Double, sampleCount: Int, whiten: Bool = false
    ) {
        self.components = components
        self.mean = mean
        self.singularValues = singularValues
        self.explainedVariance = explainedVariance
        self.explainedVarianceRatio = explainedVarianceRatio
        self.totalVariance = totalVariance
        self.sampleCount = sampleCount
        self.whiten = whiten
    }

    /// Decodes models saved before `whiten` existed as not whitened.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            components: try c.decode(Matrix<Double>.self, forKey: .components), mean: try c.decode([Double].self, forKey: .mean),
            singularValues: try c.decode([Double].self, forKey: .singularValues),
            explainedVariance: try c.decode([Double].self, forKey: .explainedVariance),
            explainedVarianceRatio: try c.decode([Double].self, forKey: .explainedVarianceRatio),
            totalVariance: try c.decode(Double.self, forKey: .totalVariance), sampleCount: try c.decode(Int.self, forKey: .sampleCount),
            whiten: try c.decodeIfPresent(Bool.self, forKey: .whiten) ?? false)
    }

    /// Columns the model expects.
    public var featureCount: Int { mean.count }

    /// Coordinates along the components: `(x - mean) · componentsᵀ`, n x k, each divided by
    /// √explainedVariance when whitened. Past `PCA.blockRows(columns:)` rows the rows are centred
    /// and projected block by block, so memory stays O(block x d) beyond the output.
    public func transform(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try x.validateForPredict("PCA transform input", features: featureCount)
        let k = components.rows
        let blockRows = PCA.blockRows(columns: x.columns)
        var out: Matrix<Double>
        if x.rows <= blockRows {
            out = try Matrix.product(PCA.centre(x, mean), transposed: false, components, transposed: true)
        } else {
            out = Matrix<Double>(rows: x.rows, columns: k)
            for start in stride(from: 0, to: x.rows, by: blockRows) {
                let rows = start..<min(x.rows, start + blockRows)
                let block = try Matrix.product(PCA.centre(x.rows(at: rows), mean), transposed: false, components, transposed: true)
                out.withUnsafeMutableBufferPointer { o in
                    block.withUnsafeBufferPointer { b in for i in 0..<b.count { o[start * k + i] = b[i] } }
                }
            }
        }
        if whiten { out.scaleColumns(by: whiteningScales(inverse: false)) }
        return out
    }

    /// Back to the original space: `z · components + mean` (z first multiplied back by
    /// √explainedVariance when whitened), n x d (exact when k = d).
    public func inverseTransform(_ z: Matrix<Double>) throws -> Matrix<Double> {
        try z.validateForPredict("PCA inverse-transform input", features: components.rows)
        var scaled = z
        if whiten { scaled.scaleColumns(by: whiteningScales(inverse: true)) }
        var out = try Matrix.product(scaled, components)
        let d = featureCount
        out.withUnsafeMutableBufferPointer { e in
            for i in 0..<z.rows { for j in 0..<d { e[i * d + j] += mean[j] } }
        }
        return out
    }
}

// MARK: - Private

extension PCAModel {
    /// 1 / √variance per component (√variance with `inverse`); a component of zero variance
    /// keeps scale 1, as scikit-learn's tiny-variance guard leaves such coordinates at 0.
    fileprivate func whiteningScales(inverse: Bool) -> [Double] {
        explainedVariance.map { v in v > 0 ? (inverse ? v.squareRoot() : 1 / v.squareRoot()) : 1 }
    }
}

extension Matrix where Scalar == Double {
    /// Multiplies column j by `scales[j]`.
    fileprivate mutating func scaleColumns(by scales: [Double]) {
        let k = columns, n = rows
        withUnsafeMutableBufferPointer { e in
            for i in 0..<n { for j in 0..<k { e[i * k + j] *= scales[j] } }
        }
    }
}

extension PCA {
    static func centre(_ x: Matrix<Double>, _ mean: [Double]) -> Matrix<Double> {
        let d = x.columns
        return Matrix(rows: x.rows, columns: d) { out in
            x.withUnsafeBufferPointer { e in
                for i in 0..<x.rows { for j in 0..<d { out[i * d + j] = e[i * d + j] - mean[j] } }
            }
        }
    }

    /// Rows per block when large inputs are centred a block at a time: at most 65,536 rows and
    /// 8 M values (64 MB), so that a copy of a block stays small beside the input.
    static func blockRows(columns: Int) -> Int { Swift.max(1, Swift.min(65_536, (1 << 23) / Swift.max(columns, 1))) }

    /// The scatter matrix (x − mean)ᵀ(x − mean), d x d; past `blockRows(columns:)` rows summed
    /// block by block, so a large input is never copied whole.
    static func scatter(_ x: Matrix<Double>, _ mean: [Double]) -> Matrix<Double> {
        let blockRows = blockRows(columns: x.columns)
        guard x.rows > blockRows else { return centre(x, mean).gram() }
        var total = Matrix<Double>(rows: x.columns, columns: x.columns)
        for start in stride(from: 0, to: x.rows, by: blockRows) {
            let part = centre(x.rows(at: start..<min(x.rows, start + blockRows)), mean).gram()
            total.withUnsafeMutableBufferPointer { t in part.withUnsafeBufferPointer { p in for i in 0..<p.count { t[i] += p[i] } } }
        }
        return total
    }

    /// Leading right singular vectors (k x d), their singular values and the total sum of squares.
    private static func thinSVD(_ centred: Matrix<Double>, components k: Int) throws -> (Matrix<Double>, [Double], Double) {
        let svd = try centred.svd()
        let total = svd.singularValues.reduce(0) { $0 + $1 * $1 }
        return (svd.vt.rows(at: 0..<k), Array(svd.singularValues[0..<k]), total)
    }

    /// The same from the scatter matrix: eigenvalues are squared singular values (clamped at 0)
    /// and the total is its trace.
    private static func scatterEigen(_ scatter: Matrix<Double>, components k: Int) throws -> (Matrix<Double>, [Double], Double) {
        let eigen = try scatter.symmetricEigen()
        let d = scatter.rows
        var total = 0.0
        for j in 0..<d { total += scatter[j, j] }
        // Eigenvalues ascend: the largest k are the last columns, taken in descending order.
        let order = (0..<k).map { d - 1 - $0 }
        let vectors = Matrix<Double>(rows: k, columns: d) { r, c in eigen.vectors[c, order[r]] }
        return (vectors, order.map { Swift.max(eigen.values[$0], 0).squareRoot() }, total)
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

extension PCA: RegisteredEstimator {
    public static let estimatorName = "pca"
    public static let summary = "principal component analysis: projection on the leading right singular vectors"
    public static var defaultConfiguration: PCA { try! PCA(components: 2) }
    public func validate() throws {
        try require(components >= 1, "PCA components", components, expected: "at least 1")
    }
    public static var optionHelp: [String: String] {
        [
            "components": "number of components kept", "solver": "how the singular vectors are computed",
            "whiten": "divide each coordinate by the square root of its variance (unit variance per component)",
        ]
    }
}

import AlmagestCore

/// The F-step of Fisher-EM: the d-dimensional discriminative subspace that maximises Fisher's
/// criterion for the current soft partition, computed exactly and cheaply for large p.
///
/// Reference: Bouveyron & Brunet (2012), Section 3.2 (the F-step, Fisher's criterion
/// `max_U trace((Uᵀ·S·U)⁻¹·Uᵀ·B·U)` under `UᵀU = I`), and the R package FisherEM's default
/// `fstep.fisher`: with `S` the total covariance of the data and `B = Σ_k (n_k/n)(m_k − x̄)(m_k − x̄)ᵀ`
/// the soft between-class covariance, `U` holds the d leading left singular vectors of `S⁺·B`
/// (`S⁺` the pseudo-inverse, eigenvalues under `√ε·λ_max` dropped as MASS's `ginv` does).
///
/// How it stays affordable at p = 3,600: the R package forms and decomposes the p x p matrix
/// `S⁺·B` every iteration (O(p³) each). Here `S` does not depend on the partition, so it is
/// decomposed once, `S = V·diag(s)·Vᵀ` over its r non-negligible eigenpairs (from one symmetric
/// eigen-decomposition of S when p ≤ n, or of the n x n Gram matrix of the centred data when
/// p > n). B has rank < K: `B = M̃ᵀ·M̃` with M̃ the K x p matrix of rows `√(n_k/n)·(m_k − x̄)`. Then
/// `S⁺·B = W·M̃` with `W = V·diag(1/s)·Vᵀ·M̃ᵀ` (p x K), so its left singular vectors lie in span(W)
/// and are those of the K x K problem: with `WᵀW = E·diag(e)·Eᵀ`, the orthonormal basis
/// `Q = W·E·diag(e)^{-1/2}` and the symmetric `diag(e)^{1/2}·Eᵀ·(M̃·M̃ᵀ)·E·diag(e)^{1/2} = Y·diag(σ²)·Yᵀ`,
/// `U = Q·Y` (leading d columns). Exact (no approximation), O(p·r·K + p·K²) per iteration after
/// an O(n·p² + p³) set-up; the only p x p matrices are S and its eigenvectors, once per fit.
///
/// Shrinkage: with γ > 0 the criterion uses `S_γ = (1 − γ)·S + γ·μ·I` (μ = trace(S)/p, the
/// shrinkage of regularised discriminant analysis), invertible for any n and p; its inverse comes
/// from the same eigenpairs, `S_γ⁻¹ = V·diag(1/((1 − γ)s + γμ) − 1/(γμ))·Vᵀ + I/(γμ)`, so W costs
/// the same. When p > n, S⁺ alone makes every centred sample equidistant from the others in the
/// whitened space, so the subspace depends on the current partition only; shrinkage lets the
/// directions of large variance count again.
///
/// ```swift
/// let fisher = try FisherSubspace(x)                       // once per data set
/// let u = fisher.subspace(means: m, counts: nk, dimension: 2)   // p x 2, orthonormal columns
/// ```
struct FisherSubspace: Sendable {
    /// The column means x̄ of the data (length p).
    let center: [Double]
    /// ‖x_i − x̄‖² for each row.
    let centeredSquaredNorms: [Double]
    /// Eigenvectors of S with a non-negligible eigenvalue (p x r, orthonormal columns).
    let eigenvectors: Matrix<Double>
    /// Their eigenvalues (r, positive).
    let eigenvalues: [Double]
    /// trace(S)/p, the mean variance of a feature (the scale of the variance floors and of the
    /// shrinkage target).
    let meanVariance: Double

    /// Factorises the pseudo-inverse of the total covariance of `x` (rows are samples).
    init(_ x: Matrix<Double>) throws {
        let (n, p) = (x.rows, x.columns)
        var mean = [Double](repeating: 0, count: p)
        x.withUnsafeBufferPointer { e in
            for i in 0..<n { for j in 0..<p { mean[j] += e[i * p + j] } }
        }
        for j in 0..<p { mean[j] /= Double(n) }
        var norms = [Double](repeating: 0, count: n)
        x.withUnsafeBufferPointer { e in
            for i in 0..<n {
                var s = 0.0
                for j in 0..<p { let v = e[i * p + j] - mean[j]; s += v * v }
                norms[i] = s
            }
        }
        center = mean
        centeredSquaredNorms = norms
        meanVariance = Swift.max(norms.reduce(0, +) / Double(n * p), Double.leastNormalMagnitude)
        (eigenvectors, eigenvalues) = try p <= n ? Self.eigenFromCovariance(x, mean: mean) : Self.eigenFromGram(x, mean: mean)
    }

    /// `S_γ⁻¹·v` for the K columns of `v` (p x K): the pseudo-inverse of S when `shrinkage` is 0,
    /// else the inverse of the shrunk covariance `S_γ = (1 − γ)·S + γ·μ·I` (μ = trace(S)/p),
    /// `V·diag(1/((1 − γ)s + γμ) − 1/(γμ))·Vᵀ·v + v/(γμ)` with V, s the kept eigenpairs (the
    /// dropped, numerically zero eigenvalues count as 0).
    func inverseCovarianceTimes(_ v: Matrix<Double>, shrinkage gamma: Double) -> Matrix<Double> {
        let mu = meanVariance
        var z = try! Matrix.product(eigenvectors, transposed: true, v, transposed: false)          // r x K
        let k = v.columns
        z.withUnsafeMutableBufferPointer { e in
            for (a, s) in eigenvalues.enumerated() {
                let factor = gamma == 0 ? 1 / s : 1 / ((1 - gamma) * s + gamma * mu) - 1 / (gamma * mu)
                for c in 0..<k { e[a * k + c] *= factor }
            }
        }
        var w = try! Matrix.product(eigenvectors, z)                                               // p x K
        if gamma > 0 { try! w.add(v, scaledBy: 1 / (gamma * mu)) }
        return w
    }

    /// The `dimension` leading discriminative axes (p x dimension, orthonormal columns) for class
    /// means `means` (K x p) of soft sizes `counts`.
    func subspace(means: Matrix<Double>, counts: [Double], dimension d: Int, shrinkage: Double = 0) -> Matrix<Double> {
        let (k, p) = (means.rows, means.columns)
        let n = counts.reduce(0, +)
        // M̃: rows √(n_k/n)·(m_k − x̄).
        let scaled = Matrix<Double>(rows: k, columns: p) { c, j in (counts[c] / n).squareRoot() * (means[c, j] - center[j]) }
        let w = inverseCovarianceTimes(scaled.transposed(), shrinkage: shrinkage)            // p x K
        let wtw = try! Matrix.product(w, transposed: true, w)                                // K x K
        let between = try! Matrix.product(scaled, transposed: false, scaled, transposed: true)                  // K x K
        var basis = Matrix<Double>(rows: p, columns: 0)
        if let eig = try? wtw.symmetricEigen(), let top = eig.values.last, top > 0 {
            let kept = (0..<k).filter { eig.values[$0] > 1e-12 * top }
            let e = eig.vectors.columns(at: kept)                                            // K x r'
            let root = kept.map { eig.values[$0].squareRoot() }
            let inner = try! Matrix.product(e, transposed: true, try! Matrix.product(between, e))
            let small = Matrix<Double>(rows: kept.count, columns: kept.count) { a, b in root[a] * inner[a, b] * root[b] }
            if let axes = try? small.symmetricEigen() {
                let order = Array((0..<kept.count).reversed().prefix(d))                   // largest first
                // U = W·E·diag(e)^{-1/2}·Y.
                let coefficients = Matrix<Double>(rows: k, columns: order.count) { row, col in
                    (0..<kept.count).reduce(0.0) { $0 + e[row, $1] / root[$1] * axes.vectors[$1, order[col]] }
                }
                basis = try! Matrix.product(w, coefficients)
            }
        }
        return Self.orthonormalized(basis, columns: d, features: p)
    }

    // MARK: - Private

    /// S = X_cᵀ·X_c/n accumulated over centred blocks of rows, then its eigenpairs above
    /// √ε·λ_max (those MASS's `ginv` keeps).
    private static func eigenFromCovariance(_ x: Matrix<Double>, mean: [Double]) throws -> (Matrix<Double>, [Double]) {
        let p = x.columns
        let covariance = FisherEMProducts.covariance(x, mean: mean)
        FitProgress.report("Fisher-EM: total covariance (\(p) x \(p)) formed")
        // One BLAS thread: threaded tridiagonalisation sums in an order that depends on the thread
        // count, and the fit must not.
        let eig = try BLAS.withThreads(1) { try covariance.symmetricEigen() }
        FitProgress.report("Fisher-EM: total covariance decomposed")
        let top = eig.values.last ?? 0
        let kept = (0..<p).filter { eig.values[$0] > Double.ulpOfOne.squareRoot() * top && eig.values[$0] > 0 }
        return (eig.vectors.columns(at: kept), kept.map { eig.values[$0] })
    }

    /// For p > n: with X_c = U_x·Σ·Vᵀ, the eigenvectors of S are V = X_cᵀ·U_x·Σ⁻¹ and its
    /// eigenvalues Σ²/n.
    private static func eigenFromGram(_ x: Matrix<Double>, mean: [Double]) throws -> (Matrix<Double>, [Double]) {
        let (n, p) = (x.rows, x.columns)
        let centred = Matrix<Double>(rows: n, columns: p) { i, j in x[i, j] - mean[j] }
        let gram = BLAS.withThreads(1) { try! Matrix.product(centred, transposed: false, centred, transposed: true) }
        let eig = try BLAS.withThreads(1) { try gram.symmetricEigen() }   // Σ² ascending
        let top = eig.values.last ?? 0
        // Eigenvalues of S are Σ²/n; MASS's ginv keeps those above √ε times the largest.
        let kept = (0..<n).filter { eig.values[$0] > Double.ulpOfOne.squareRoot() * top && eig.values[$0] > 0 }
        let scaledVectors = Matrix<Double>(rows: n, columns: kept.count) { i, c in
            eig.vectors[i, kept[c]] / eig.values[kept[c]].squareRoot()
        }
        let vectors = try BLAS.withThreads(1) { try Matrix.product(centred, transposed: true, scaledVectors) }
        return (vectors, kept.map { eig.values[$0] / Double(n) })
    }

    /// Orthonormal columns spanning `basis` (Gram-Schmidt, twice), completed by unit
    /// vectors when the between-class scatter has fewer than `columns` directions; each column's
    /// largest entry is made positive so that the result does not depend on eigenvector signs.
    static func orthonormalized(_ basis: Matrix<Double>, columns d: Int, features p: Int) -> Matrix<Double> {
        var vectors: [[Double]] = []
        for c in 0..<basis.columns { vectors.append(basis.column(c)) }
        var result: [[Double]] = []
        for v0 in vectors {
            var v = v0
            for _ in 0..<2 { for u in result { let dot = zip(u, v).reduce(0.0) { $0 + $1.0 * $1.1 }; for j in 0..<p { v[j] -= dot * u[j] } } }
            let norm = v.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
            if norm > 1e-8, norm.isFinite { result.append(v.map { $0 / norm }) }
        }
        var axis = 0
        while result.count < d && axis < p {
            var v = [Double](repeating: 0, count: p)
            v[axis] = 1
            axis += 1
            for _ in 0..<2 { for u in result { let dot = v.indices.reduce(0.0) { $0 + u[$1] * v[$1] }; for j in 0..<p { v[j] -= dot * u[j] } } }
            let norm = v.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
            if norm > 0.5 { result.append(v.map { $0 / norm }) }
        }
        result = Array(result.prefix(d)).map { v in
            let big = v.indices.max { abs(v[$0]) < abs(v[$1]) } ?? 0
            return v[big] < 0 ? v.map { -$0 } : v
        }
        return Matrix(rows: p, columns: d) { i, c in result[c][i] }
    }
}

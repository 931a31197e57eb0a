import AlmagestCore

/// The coefficients of new rows against a fitted NMF's components: the non-negative W_new
/// (rows x r) with X ≈ W_new·H for H fixed, as scikit-learn's `NMF.transform` computes them for
/// `solver='mu'` and the Frobenius loss.
///
/// Algorithm (scikit-learn 1.9, `_fit_transform(X, H=H, update_H=False)` and
/// `_fit_multiplicative_update`): W_new starts at `sqrt(mean(X) / r)` in every entry; each
/// iteration is the W half-step of Lee–Seung's multiplicative updates,
/// `W ← W ⊙ (X·Hᵀ) ⊘ (W·(H·Hᵀ))`, with X·Hᵀ and H·Hᵀ computed once and a denominator entry exactly
/// 0 replaced by float32 epsilon (1.1920929e-07). With `tolerance > 0`, every 10 iterations
/// e = ‖X − W·H‖_F is compared with its value 10 iterations before, and the loop stops when
/// (previous − e) / e_start < tolerance; otherwise it runs `maxIterations` iterations.
/// Two differences from scikit-learn, neither visible in practice: e comes from traces
/// (‖X‖² − 2 tr(Wᵀ·XHᵀ) + tr(WᵀW·HHᵀ), never forming W·H), and entries below the smallest normal
/// number (about 2.2e-308) are set to 0, as in the fit. Matches scikit-learn 1.9.1 to about
/// 1e-13 relative on 100 MNIST rows (`NMFTransformGoldenTests`).
///
/// Reference: D. Lee and H. S. Seung, "Algorithms for non-negative matrix factorization" (2001).
///
/// Cost: one GEMM X·Hᵀ, O(rows · m · r), then O(rows · r²) per iteration (W·(HHᵀ) and the traces).
///
/// Deep NMF: `h` is the last layer's H and `w` the product W1···WL, so the coefficients are
/// against the final H and play the role of W1···WL for the new rows (the layers are not
/// separated).
///
/// ```swift
/// let model = try NMF(rank: 10, initialization: .nndsvda).fit(train)
/// let codes = try model.transform(test)                    // test.rows x 10, non-negative
/// let approx = try model.reconstruction(of: codes)          // ≈ test
/// let result = try model.coefficients(of: test, maxIterations: 500, tolerance: 1e-6)
/// result.iterations; result.error                           // ‖test − codes·H‖_F
/// ```
extension NMFModel {
    /// Coefficients (x.rows x r, non-negative) of new rows with at most 200 iterations and
    /// tolerance 1e-4 (scikit-learn's defaults); see `coefficients(of:maxIterations:tolerance:)`.
    ///
    /// Throws `FitError` for empty input, a NaN or an infinity, a width other than `h.columns`,
    /// or a negative entry.
    public func transform(_ x: Matrix<Scalar>) throws -> Matrix<Scalar> { try coefficients(of: x).w }

    /// Coefficients of new rows with their iteration count and final error.
    // Pre-specialised for both scalars: called from other modules, this generic method would
    // otherwise run unspecialised — validation and updates through witness tables, 15x slower.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public func coefficients(
        of x: Matrix<Scalar>, maxIterations: Int = 200, tolerance: Double = 1e-4
    ) throws -> NMFCoefficients<Scalar> {
        try require(maxIterations >= 1, "NMF transform maxIterations", maxIterations, expected: "at least 1")
        try require(tolerance >= 0 && tolerance.isFinite, "NMF transform tolerance", tolerance,
                    expected: "a finite number >= 0 (0 runs all maxIterations)")
        try x.validateForPredict("NMF transform input", features: h.columns)
        try x.validateNonNegative("NMF transform input")
        return BLAS.withThreads(1) {
            NMFCoefficientSolver(x: x, h: h).run(maxIterations: maxIterations, tolerance: tolerance)
        }
    }

    /// The rows `coefficients · H` (coefficients.rows x m), scikit-learn's `inverse_transform`;
    /// throws `ShapeError` unless `coefficients` has r columns.
    public func reconstruction(of coefficients: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard coefficients.columns == h.rows else {
            throw ShapeError.mismatch(
                operation: "NMF reconstruction", left: coefficients.shape, right: h.shape,
                expected: "coefficients with \(h.rows) columns (the rank)")
        }
        return FactorKernels.product(coefficients, false, h, false)
    }
}

/// The result of `NMFModel.coefficients(of:maxIterations:tolerance:)`.
public struct NMFCoefficients<Scalar: MatrixScalar>: Sendable, Equatable {
    /// rows x r non-negative coefficients.
    public let w: Matrix<Scalar>
    /// Iterations run (scikit-learn's `n_iter`).
    public let iterations: Int
    /// ‖X − W·H‖_F at the end.
    public let error: Double
    /// True when the tolerance test stopped the loop (false when it ran `maxIterations`).
    public let hasConverged: Bool
}

// MARK: - Private

/// W-only multiplicative updates against a fixed H, on valid input.
struct NMFCoefficientSolver<Scalar: MatrixScalar> {
    let x: Matrix<Scalar>
    let h: Matrix<Scalar>

    func run(maxIterations: Int, tolerance: Double) -> NMFCoefficients<Scalar> {
        let n = x.rows, r = h.rows
        let xht = FactorKernels.product(x, false, h, true)
        let hht = FactorKernels.product(h, false, h, true)
        let norm2 = FactorKernels.squaredNorm(x)
        let mean = x.withUnsafeBufferPointer { p in p.reduce(0.0) { $0 + Double($1) } } / Double(x.count)
        var w = Matrix<Scalar>(rows: n, columns: r, repeating: Scalar((mean / Double(r)).squareRoot()))
        var denominator = Matrix<Scalar>(rows: n, columns: r)
        var wtw = Matrix<Scalar>(rows: r, columns: r)
        func error() -> Double {
            FactorKernels.gemm(w, true, w, false, into: &wtw)
            return FactorKernels.squaredResidual(squaredNorm: norm2, w: w, aHt: xht, wtw: wtw, hht: hht).squareRoot()
        }
        let errorAtStart = error()
        var previous = errorAtStart
        var last: Double?
        var iteration = 0
        var converged = false
        while iteration < maxIterations {
            iteration += 1
            FactorKernels.gemm(w, false, hht, false, into: &denominator)
            xht.withUnsafeBufferPointer { num in
                denominator.withUnsafeBufferPointer { den in
                    w.withUnsafeMutableBufferPointer { p in
                        FactorKernels.multiplicativeUpdate(p, num, den, count: p.count, .scikitLearn)
                    }
                }
            }
            last = nil
            guard tolerance > 0, iteration % 10 == 0 else { continue }
            let e = error()
            last = e
            // As scikit-learn: a zero starting error gives NaN or ±∞ here, never a stop on NaN.
            if (previous - e) / errorAtStart < tolerance {
                converged = true
                break
            }
            previous = e
        }
        return NMFCoefficients(w: w, iterations: iteration, error: last ?? error(), hasConverged: converged)
    }
}

import AlmagestCore

/// The dense building blocks every NMF solver shares: GEMM into an existing matrix, the
/// Frobenius inner product, and ‖A − W·H‖² through traces (never forming W·H).
///
/// Cost: one GEMM each, O(n m r) for `squaredResidual` (A·Hᵀ) plus O((n + m) r²) for the Grams.
///
/// ```swift
/// let e2 = FactorKernels.squaredResidual(a, squaredNorm: a.squaredNorm(), w: w, h: h)
/// ```
enum FactorKernels {
    /// `c = alpha · op(a) · op(b) + beta · c`; `c` must already have the result's shape.
    static func gemm<S: MatrixScalar>(
        _ a: Matrix<S>, _ transposeA: Bool, _ b: Matrix<S>, _ transposeB: Bool, into c: inout Matrix<S>,
        alpha: S = 1, beta: S = 0
    ) {
        let m = transposeA ? a.columns : a.rows
        let k = transposeA ? a.rows : a.columns
        let n = transposeB ? b.rows : b.columns
        precondition(c.rows == m && c.columns == n, "FactorKernels.gemm: result shape")
        if m == 0 || n == 0 { return }
        if k == 0 {
            c.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] *= beta } }
            return
        }
        let lda = a.columns, ldb = b.columns
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                c.withUnsafeMutableBufferPointer { pc in
                    S.gemm(
                        transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: alpha,
                        a: pa.baseAddress!, lda: lda, b: pb.baseAddress!, ldb: ldb, beta: beta,
                        c: pc.baseAddress!, ldc: n)
                }
            }
        }
    }

    /// `op(a) · op(b)` as a new matrix.
    static func product<S: MatrixScalar>(_ a: Matrix<S>, _ transposeA: Bool, _ b: Matrix<S>, _ transposeB: Bool) -> Matrix<S> {
        var c = Matrix<S>(rows: transposeA ? a.columns : a.rows, columns: transposeB ? b.rows : b.columns)
        gemm(a, transposeA, b, transposeB, into: &c)
        return c
    }

    /// Rows per block so that one block of a matrix with `columns` columns takes about 512 KB
    /// (stays in L2 while two GEMMs read it).
    static func blockRows<S: MatrixScalar>(columns: Int, as: S.Type) -> Int {
        Swift.max(16, (512 * 1024) / Swift.max(1, columns * MemoryLayout<S>.stride))
    }

    /// A·Hᵀ (n x r) and Wᵀ·A (r x m) in one pass over A, block of rows by block of rows, so that A
    /// is read from memory once instead of twice (both products are memory-bound for small r).
    static func bothProducts<S: MatrixScalar>(
        _ a: Matrix<S>, w: Matrix<S>, h: Matrix<S>, aHt: inout Matrix<S>, wtA: inout Matrix<S>
    ) {
        let n = a.rows, m = a.columns, r = w.columns
        let block = blockRows(columns: m, as: S.self)
        a.withUnsafeBufferPointer { pa in
            w.withUnsafeBufferPointer { pw in
                h.withUnsafeBufferPointer { ph in
                    aHt.withUnsafeMutableBufferPointer { pc in
                        wtA.withUnsafeMutableBufferPointer { pd in
                            for start in stride(from: 0, to: n, by: block) {
                                let rows = Swift.min(block, n - start)
                                let ai = pa.baseAddress! + start * m
                                S.gemm(transposeA: false, transposeB: true, m: rows, n: r, k: m, alpha: 1, a: ai, lda: m,
                                       b: ph.baseAddress!, ldb: m, beta: 0, c: pc.baseAddress! + start * r, ldc: r)
                                S.gemm(transposeA: true, transposeB: false, m: r, n: m, k: rows, alpha: 1,
                                       a: pw.baseAddress! + start * r, lda: r, b: ai, ldb: m, beta: start == 0 ? 0 : 1,
                                       c: pd.baseAddress!, ldc: m)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Σ a_ij b_ij, accumulated in Double.
    static func inner<S: MatrixScalar>(_ a: Matrix<S>, _ b: Matrix<S>) -> Double {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                var s = 0.0
                for i in 0..<Swift.min(pa.count, pb.count) { s += Double(pa[i]) * Double(pb[i]) }
                return s
            }
        }
    }

    /// ‖A − W·H‖²_F = ‖A‖² − 2 tr(Wᵀ A Hᵀ) + tr(WᵀW · HHᵀ), clamped at 0.
    static func squaredResidual<S: MatrixScalar>(_ a: Matrix<S>, squaredNorm: Double, w: Matrix<S>, h: Matrix<S>) -> Double {
        let aht = product(a, false, h, true)
        return squaredResidual(squaredNorm: squaredNorm, w: w, aHt: aht, wtw: product(w, true, w, false), hht: product(h, false, h, true))
    }

    /// The trace formula from precomputed A·Hᵀ, WᵀW and HHᵀ.
    static func squaredResidual<S: MatrixScalar>(
        squaredNorm: Double, w: Matrix<S>, aHt: Matrix<S>, wtw: Matrix<S>, hht: Matrix<S>
    ) -> Double {
        Swift.max(0, squaredNorm - 2 * inner(w, aHt) + inner(wtw, hht))
    }

    /// Sets entries below the smallest normal number (subnormals, and negatives from rounding) to
    /// zero: multiplicative updates drive entries towards 0 and subnormal arithmetic is many times
    /// slower.
    static func flushTiny<S: MatrixScalar>(_ m: inout Matrix<S>) {
        let tiny = S.leastNormalMagnitude
        m.withUnsafeMutableBufferPointer { p in
            for i in p.indices where p[i] < tiny { p[i] = 0 }
        }
    }

    /// One multiplicative half-step `x ← x ⊙ numerator ⊘ denominator` over `count` entries:
    /// `.leeSeung` adds 1e-10 to every denominator; `.scikitLearn` replaces a denominator entry
    /// exactly 0 by float32 epsilon (1.1920929e-07) and computes `x · (numerator / denominator)`,
    /// as scikit-learn does. Results below the smallest normal number are flushed to 0.
    static func multiplicativeUpdate<S: MatrixScalar>(
        _ p: UnsafeMutableBufferPointer<S>, _ num: UnsafeBufferPointer<S>, _ den: UnsafeBufferPointer<S>,
        count: Int, _ convention: MultiplicativeUpdates.Convention
    ) {
        let tiny = S.leastNormalMagnitude
        switch convention {
        case .leeSeung:
            let guardValue = S(1e-10)
            for i in 0..<count {
                let v = p[i] * num[i] / (den[i] + guardValue)
                p[i] = v < tiny ? 0 : v
            }
        case .scikitLearn:
            let epsilon = S(Float.ulpOfOne)
            for i in 0..<count {
                let d = den[i] == 0 ? epsilon : den[i]
                let v = p[i] * (num[i] / d)
                p[i] = v < tiny ? 0 : v
            }
        }
    }

    /// Sum of squares in Double.
    static func squaredNorm<S: MatrixScalar>(_ m: Matrix<S>) -> Double { inner(m, m) }
}

import AlmagestCore

/// Lee–Seung multiplicative updates for the generalised Kullback–Leibler divergence
/// D(A ‖ WH) = Σ a log(a / wh) − a + wh.
///
/// Reference: D. Lee and H. S. Seung, "Algorithms for non-negative matrix factorization" (2001).
/// Per iteration, with Q = A ⊘ (W·H + 1e-10):
/// `H ← H ⊙ (WᵀQ) ⊘ (Wᵀ1 + 1e-10)`, then with the new H (and a new Q)
/// `W ← W ⊙ (Q·Hᵀ) ⊘ (1·Hᵀ + 1e-10)`. The divergence does not decrease monotonically in theory
/// only if the guards bite; in practice it does.
///
/// Cost: O(n m r) per iteration. W·H is needed element-wise here, so it is formed in blocks of
/// `blockRows` rows (memory O(blockRows · m)), never for the whole matrix at once.
///
/// ```swift
/// let model = try NMF(rank: 10, method: .multiplicative(loss: .kullbackLeibler)).fit(a)
/// ```
struct KLMultiplicativeSolver<Scalar: MatrixScalar>: NMFSolver {
    let a: Matrix<Scalar>
    var w: Matrix<Scalar>
    var h: Matrix<Scalar>
    var layers: [Matrix<Scalar>] { [] }
    let norm2: Double
    let blockRows = 256
    private var block: Matrix<Scalar>
    private var numeratorH: Matrix<Scalar>

    init(a: Matrix<Scalar>, w: Matrix<Scalar>, h: Matrix<Scalar>) {
        self.a = a
        self.w = w
        self.h = h
        norm2 = FactorKernels.squaredNorm(a)
        block = Matrix(rows: Swift.min(blockRows, a.rows), columns: a.columns)
        numeratorH = Matrix(rows: h.rows, columns: h.columns)
    }

    mutating func step() {
        let guardValue = Scalar(1e-10)
        let tiny = Scalar.leastNormalMagnitude
        let n = a.rows, m = a.columns, r = w.columns
        // H half-step: accumulate WᵀQ over row blocks.
        numeratorH.withUnsafeMutableBufferPointer { p in for i in p.indices { p[i] = 0 } }
        for start in stride(from: 0, to: n, by: blockRows) {
            let rows = Swift.min(blockRows, n - start)
            quotientBlock(start: start, rows: rows)
            w.withUnsafeBufferPointer { pw in
                block.withUnsafeBufferPointer { pq in
                    numeratorH.withUnsafeMutableBufferPointer { pn in
                        Scalar.gemm(
                            transposeA: true, transposeB: false, m: r, n: m, k: rows, alpha: 1,
                            a: pw.baseAddress! + start * r, lda: r, b: pq.baseAddress!, ldb: m, beta: 1,
                            c: pn.baseAddress!, ldc: m)
                    }
                }
            }
        }
        var columnSums = [Scalar](repeating: 0, count: r)
        w.withUnsafeBufferPointer { pw in
            for i in 0..<n { for k in 0..<r { columnSums[k] += pw[i * r + k] } }
        }
        numeratorH.withUnsafeBufferPointer { num in
            h.withUnsafeMutableBufferPointer { ph in
                for k in 0..<r {
                    let d = columnSums[k] + guardValue
                    for j in 0..<m {
                        let v = ph[k * m + j] * num[k * m + j] / d
                        ph[k * m + j] = v < tiny ? 0 : v
                    }
                }
            }
        }
        // W half-step with the new H, block by block (rows of W are independent).
        var rowSums = [Scalar](repeating: 0, count: r)
        h.withUnsafeBufferPointer { ph in
            for k in 0..<r { for j in 0..<m { rowSums[k] += ph[k * m + j] } }
        }
        var numeratorW = Matrix<Scalar>(rows: Swift.min(blockRows, n), columns: r)
        for start in stride(from: 0, to: n, by: blockRows) {
            let rows = Swift.min(blockRows, n - start)
            quotientBlock(start: start, rows: rows)
            block.withUnsafeBufferPointer { pq in
                h.withUnsafeBufferPointer { ph in
                    numeratorW.withUnsafeMutableBufferPointer { pn in
                        Scalar.gemm(
                            transposeA: false, transposeB: true, m: rows, n: r, k: m, alpha: 1,
                            a: pq.baseAddress!, lda: m, b: ph.baseAddress!, ldb: m, beta: 0, c: pn.baseAddress!, ldc: r)
                    }
                }
            }
            numeratorW.withUnsafeBufferPointer { num in
                w.withUnsafeMutableBufferPointer { pw in
                    for i in 0..<rows {
                        for k in 0..<r {
                            let v = pw[(start + i) * r + k] * num[i * r + k] / (rowSums[k] + guardValue)
                            pw[(start + i) * r + k] = v < tiny ? 0 : v
                        }
                    }
                }
            }
        }
    }

    func squaredError() -> Double { FactorKernels.squaredResidual(a, squaredNorm: norm2, w: w, h: h) }

    /// D(A ‖ WH) = Σ a log(a / wh) − a + wh with 0 log 0 = 0, accumulated in Double block by
    /// block. Where a > 0 and wh < float32 epsilon, the logarithm takes wh = epsilon so that the
    /// value stays finite, as scikit-learn's `_beta_divergence(…, beta=1)` does; otherwise the two
    /// agree (golden values in `NMFTransformGoldenTests`).
    func objective() -> Double {
        let epsilon = Double(Float.ulpOfOne)
        let n = a.rows, m = a.columns
        var total = 0.0
        var product = Matrix<Scalar>(rows: Swift.min(blockRows, n), columns: m)
        for start in stride(from: 0, to: n, by: blockRows) {
            let rows = Swift.min(blockRows, n - start)
            productBlock(start: start, rows: rows, into: &product)
            a.withUnsafeBufferPointer { pa in
                product.withUnsafeBufferPointer { pp in
                    for i in 0..<rows * m {
                        let x = Double(pa[start * m + i]), y = Double(pp[i])
                        total += (x > 0 ? x * Double.log(x / Swift.max(y, epsilon)) : 0) - x + y
                    }
                }
            }
        }
        return total
    }

    // MARK: - Private

    /// `block[0..<rows] = A[start..<start+rows] ⊘ (W[start..<start+rows]·H + 1e-10)`.
    private mutating func quotientBlock(start: Int, rows: Int) {
        let m = a.columns
        let guardValue = Scalar(1e-10)
        productBlock(start: start, rows: rows, into: &block)
        a.withUnsafeBufferPointer { pa in
            block.withUnsafeMutableBufferPointer { pb in
                for i in 0..<rows * m { pb[i] = pa[start * m + i] / (pb[i] + guardValue) }
            }
        }
    }

    /// `out[0..<rows] = W[start..<start+rows] · H` (one GEMM).
    private func productBlock(start: Int, rows: Int, into out: inout Matrix<Scalar>) {
        let m = a.columns, r = w.columns
        w.withUnsafeBufferPointer { pw in
            h.withUnsafeBufferPointer { ph in
                out.withUnsafeMutableBufferPointer { pp in
                    Scalar.gemm(
                        transposeA: false, transposeB: false, m: rows, n: m, k: r, alpha: 1,
                        a: pw.baseAddress! + start * r, lda: r, b: ph.baseAddress!, ldb: m, beta: 0,
                        c: pp.baseAddress!, ldc: m)
                }
            }
        }
    }
}

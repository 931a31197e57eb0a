import AlmagestCore

/// Lee–Seung multiplicative updates for NMF, Frobenius loss (this file) or Kullback–Leibler
/// (`KLMultiplicativeSolver`).
///
/// Reference: D. Lee and H. S. Seung, "Algorithms for non-negative matrix factorization" (2001).
/// Frobenius, `.leeSeung` convention, per iteration:
/// `H ← H ⊙ (WᵀA) ⊘ ((WᵀW)H + 1e-10)`, then with the new H `W ← W ⊙ (AHᵀ) ⊘ (W(HHᵀ) + 1e-10)`.
/// `.scikitLearn` reproduces scikit-learn's `solver='mu'`: W first, then H, no added constant,
/// and a denominator entry exactly 0 replaced by float32 epsilon (1.1920929e-07).
/// Entries that fall below the smallest normal number are flushed to 0.
///
/// Cost: O(n m r) per iteration (WᵀA and AHᵀ by GEMM, fused into one pass over A, and the r x r
/// Grams); W·H is never formed, and ‖A − W·H‖² comes from traces with the products already computed.
///
/// ```swift
/// let model = try NMF(rank: 10, method: .multiplicative(), initialization: .nndsvd).fit(a)
/// ```
public struct MultiplicativeUpdates: Codable, Sendable, Equatable {
    /// The order of the two half-steps and the guard of the denominators.
    public enum Convention: String, Codable, Sendable, CaseIterable {
        /// H first, then W; `+ 1e-10` in every denominator.
        case leeSeung
        /// scikit-learn's: W first, then H; zero denominators replaced by float32 epsilon.
        case scikitLearn
    }

    public var loss: NMFLoss
    public var convention: Convention

    public init(loss: NMFLoss = .frobenius, convention: Convention = .leeSeung) {
        self.loss = loss
        self.convention = convention
    }

    func validate() throws {
        try require(!(loss == .kullbackLeibler && convention == .scikitLearn), "multiplicative convention",
                    convention.rawValue, expected: "leeSeung for the Kullback-Leibler loss")
    }
}

/// The Frobenius multiplicative-update iteration state.
///
/// The W half-step is fused with the next Wᵀ·A: A is processed in blocks of rows (about 512 KB
/// each); for each block, A_i·Hᵀ and W_i(HHᵀ) give the new rows W_i, and W_iᵀ·A_i is accumulated
/// while A_i is still in cache. A is thus read once per iteration instead of twice (these GEMMs are
/// memory-bound for small r). The H half-step then uses that Wᵀ·A, which is exactly what both
/// conventions need: Lee–Seung's next H update, scikit-learn's H update right after W. Fixed
/// chunks of blocks run on `Parallel.threads` threads (BLAS itself stays single-threaded).
struct FrobeniusMultiplicativeSolver<Scalar: MatrixScalar>: NMFSolver {
    let a: Matrix<Scalar>
    var w: Matrix<Scalar>
    var h: Matrix<Scalar>
    var layers: [Matrix<Scalar>] { [] }
    let convention: MultiplicativeUpdates.Convention
    let norm2: Double
    // WᵀA for the current W (r x m), (WᵀW)H (r x m), AHᵀ (n x r), the Grams.
    private var wta: Matrix<Scalar>, denominatorH: Matrix<Scalar>
    private var aht: Matrix<Scalar>
    private var wtw: Matrix<Scalar>, hht: Matrix<Scalar>
    private let blockRows: Int
    /// Per-chunk partial WᵀA (chunks x r x m).
    private var partials: [Scalar] = []
    /// Blocks of rows per parallel chunk (fixed, so results do not depend on the thread count).
    private static var chunkBlocks: Int { 4 }

    init(a: Matrix<Scalar>, w: Matrix<Scalar>, h: Matrix<Scalar>, convention: MultiplicativeUpdates.Convention) {
        self.a = a
        self.w = w
        self.h = h
        self.convention = convention
        norm2 = FactorKernels.squaredNorm(a)
        let n = a.rows, m = a.columns, r = w.columns
        blockRows = Swift.min(n, FactorKernels.blockRows(columns: m, as: Scalar.self))
        wta = FactorKernels.product(w, true, a, false)
        denominatorH = Matrix(rows: r, columns: m)
        aht = FactorKernels.product(a, false, h, true)
        wtw = Matrix(rows: r, columns: r)
        hht = Matrix(rows: r, columns: r)
    }

    mutating func step() {
        switch convention {
        case .leeSeung:
            updateH()
            updateWAndWtA()
        case .scikitLearn:
            updateWAndWtA()
            updateH()
        }
    }

    /// ‖A − WH‖² from the cached cross product: Lee–Seung ends on W (AHᵀ is current), scikit-learn
    /// on H (WᵀA is current); the Grams cost O((n + m) r²).
    func squaredError() -> Double {
        let gram = FactorKernels.product(w, true, w, false)
        let hGram = FactorKernels.product(h, false, h, true)
        let cross = convention == .leeSeung ? FactorKernels.inner(w, aht) : FactorKernels.inner(h, wta)
        return Swift.max(0, norm2 - 2 * cross + FactorKernels.inner(gram, hGram))
    }

    func objective() -> Double { squaredError() }

    // MARK: - Private

    /// H ← H ⊙ WᵀA ⊘ (WᵀW)H with the cached WᵀA of the current W.
    private mutating func updateH() {
        FactorKernels.gemm(w, true, w, false, into: &wtw)
        FactorKernels.gemm(wtw, false, h, false, into: &denominatorH)
        wta.withUnsafeBufferPointer { num in
            denominatorH.withUnsafeBufferPointer { den in
                h.withUnsafeMutableBufferPointer { p in FactorKernels.multiplicativeUpdate(p, num, den, count: p.count, convention) }
            }
        }
    }

    /// W ← W ⊙ AHᵀ ⊘ W(HHᵀ) block by block, accumulating WᵀA of the new W on the way. Chunks of
    /// `chunkBlocks` blocks run in parallel (`Parallel.threads`), each into its own partial WᵀA;
    /// the partials are added in chunk order, so the result does not depend on the thread count.
    private mutating func updateWAndWtA() {
        FactorKernels.gemm(h, false, h, true, into: &hht)
        let n = a.rows, m = a.columns, r = w.columns, block = blockRows, convention = convention
        let chunkRows = block * Self.chunkBlocks
        let chunks = Parallel.chunkCount(count: n, chunkSize: chunkRows)
        if partials.count != chunks * r * m { partials = [Scalar](repeating: 0, count: chunks * r * m) }
        a.withUnsafeBufferPointer { pa in
            h.withUnsafeBufferPointer { ph in
                hht.withUnsafeBufferPointer { pg in
                    aht.withUnsafeMutableBufferPointer { pn in
                        w.withUnsafeMutableBufferPointer { pw in
                            partials.withUnsafeMutableBufferPointer { pp in
                                let A = SharedReadPointer(pa.baseAddress!), H = SharedReadPointer(ph.baseAddress!)
                                let G = SharedReadPointer(pg.baseAddress!), N = SharedPointer(pn.baseAddress!)
                                let W = SharedPointer(pw.baseAddress!), P = SharedPointer(pp.baseAddress!)
                                Parallel.forEachChunk(count: n, chunkSize: chunkRows) { range, chunk in
                                    var denominator = [Scalar](repeating: 0, count: block * r)
                                    let partial = P.base + chunk * r * m
                                    denominator.withUnsafeMutableBufferPointer { pd in
                                        for start in stride(from: range.lowerBound, to: range.upperBound, by: block) {
                                            let rows = Swift.min(block, range.upperBound - start)
                                            let ai = A.base + start * m, wi = W.base + start * r, ni = N.base + start * r
                                            Scalar.gemm(transposeA: false, transposeB: true, m: rows, n: r, k: m, alpha: 1,
                                                        a: ai, lda: m, b: H.base, ldb: m, beta: 0, c: ni, ldc: r)
                                            Scalar.gemm(transposeA: false, transposeB: false, m: rows, n: r, k: r, alpha: 1,
                                                        a: wi, lda: r, b: G.base, ldb: r, beta: 0, c: pd.baseAddress!, ldc: r)
                                            FactorKernels.multiplicativeUpdate(
                                                UnsafeMutableBufferPointer(start: wi, count: rows * r),
                                                UnsafeBufferPointer(start: ni, count: rows * r),
                                                UnsafeBufferPointer(start: pd.baseAddress!, count: rows * r), count: rows * r,
                                                convention)
                                            Scalar.gemm(transposeA: true, transposeB: false, m: r, n: m, k: rows, alpha: 1,
                                                        a: wi, lda: r, b: ai, ldb: m, beta: start == range.lowerBound ? 0 : 1,
                                                        c: partial, ldc: m)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        let size = r * m
        partials.withUnsafeBufferPointer { pp in
            wta.withUnsafeMutableBufferPointer { pt in
                for i in 0..<size { pt[i] = pp[i] }
                for c in 1..<Swift.max(chunks, 1) {
                    let base = c * size
                    for i in 0..<size { pt[i] += pp[base + i] }
                }
            }
        }
    }
}

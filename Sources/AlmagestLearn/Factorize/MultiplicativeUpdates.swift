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
/// Cost: O(n m r) per iteration (WᵀA and AHᵀ by GEMM, the r x r Grams); W·H is never formed, and
/// ‖A − W·H‖² comes from traces with the products already computed.
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
struct FrobeniusMultiplicativeSolver<Scalar: MatrixScalar>: NMFSolver {
    let a: Matrix<Scalar>
    var w: Matrix<Scalar>
    var h: Matrix<Scalar>
    var layers: [Matrix<Scalar>] { [] }
    let convention: MultiplicativeUpdates.Convention
    let norm2: Double
    // Work buffers: WᵀA and (WᵀW)H (r x m), AHᵀ and W(HHᵀ) (n x r), the Grams (r x r).
    private var wta: Matrix<Scalar>, denominatorH: Matrix<Scalar>
    private var aht: Matrix<Scalar>, denominatorW: Matrix<Scalar>
    private var wtw: Matrix<Scalar>, hht: Matrix<Scalar>
    /// Whether `aht` holds A·Hᵀ for the current H (so the error costs only O((n + m) r²)).
    private var ahtIsCurrent = false

    init(a: Matrix<Scalar>, w: Matrix<Scalar>, h: Matrix<Scalar>, convention: MultiplicativeUpdates.Convention) {
        self.a = a
        self.w = w
        self.h = h
        self.convention = convention
        norm2 = FactorKernels.squaredNorm(a)
        let n = a.rows, m = a.columns, r = w.columns
        wta = Matrix(rows: r, columns: m)
        denominatorH = Matrix(rows: r, columns: m)
        aht = Matrix(rows: n, columns: r)
        denominatorW = Matrix(rows: n, columns: r)
        wtw = Matrix(rows: r, columns: r)
        hht = Matrix(rows: r, columns: r)
    }

    mutating func step() {
        switch convention {
        case .leeSeung:
            updateH()
            updateW()
            ahtIsCurrent = true
        case .scikitLearn:
            updateW()
            updateH()
            ahtIsCurrent = false
        }
    }

    func squaredError() -> Double {
        let gram = FactorKernels.product(w, true, w, false)
        let hGram = FactorKernels.product(h, false, h, true)
        let cross = ahtIsCurrent ? aht : FactorKernels.product(a, false, h, true)
        return FactorKernels.squaredResidual(squaredNorm: norm2, w: w, aHt: cross, wtw: gram, hht: hGram)
    }

    func objective() -> Double { squaredError() }

    // MARK: - Private

    private mutating func updateH() {
        FactorKernels.gemm(w, true, a, false, into: &wta)
        FactorKernels.gemm(w, true, w, false, into: &wtw)
        FactorKernels.gemm(wtw, false, h, false, into: &denominatorH)
        Self.multiply(&h, wta, denominatorH, convention)
    }

    private mutating func updateW() {
        FactorKernels.gemm(a, false, h, true, into: &aht)
        FactorKernels.gemm(h, false, h, true, into: &hht)
        FactorKernels.gemm(w, false, hht, false, into: &denominatorW)
        Self.multiply(&w, aht, denominatorW, convention)
    }

    /// `x ← x ⊙ numerator ⊘ denominator` with the convention's guard, flushing subnormals.
    private static func multiply(
        _ x: inout Matrix<Scalar>, _ numerator: Matrix<Scalar>, _ denominator: Matrix<Scalar>,
        _ convention: MultiplicativeUpdates.Convention
    ) {
        let tiny = Scalar.leastNormalMagnitude
        numerator.withUnsafeBufferPointer { num in
            denominator.withUnsafeBufferPointer { den in
                x.withUnsafeMutableBufferPointer { p in
                    switch convention {
                    case .leeSeung:
                        let guardValue = Scalar(1e-10)
                        for i in p.indices {
                            let v = p[i] * num[i] / (den[i] + guardValue)
                            p[i] = v < tiny ? 0 : v
                        }
                    case .scikitLearn:
                        let epsilon = Scalar(Float.ulpOfOne)
                        for i in p.indices {
                            let d = den[i] == 0 ? epsilon : den[i]
                            let v = p[i] * (num[i] / d)
                            p[i] = v < tiny ? 0 : v
                        }
                    }
                }
            }
        }
    }
}

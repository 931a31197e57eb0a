import AlmagestCore

/// Deep NMF: A ≈ W1·W2···WL·H with every factor non-negative, trained with (projected) Adam.
///
/// Two losses (G. Trigeorgis et al., "A deep semi-NMF model for learning hidden
/// representations", 2014; layer-wise form as in H. A. Song et al., "Hierarchical representation
/// using NMF", 2013):
/// - `.global(l1:)`: ‖A − W1···WL·H‖²_F + l1 · Σ W1 (an L1 penalty that sparsifies the first layer);
/// - `.layerwise(lambdas:)`: Σ_l λ_l ‖H_{l−1} − W_l·H_l‖²_F with H_0 = A and H_L = H, the
///   intermediate H_l being free variables (λ1‖A − W1H1‖² + λ2‖H1 − W2H‖² for two layers).
/// Layer ranks are `innerRanks` followed by the NMF's `rank`. The start factorises layer by layer
/// with the NMF's initialisation: (W1, H1) from A at rank r1, (W2, H2) from H1 at rank r2, and so on.
/// The reported W is the product W1···WL, so errors and spectra compare with one-layer NMF.
///
/// Cost: O(n m r1) per iteration for the first layer (AH1ᵀ and W1ᵀA in one pass over A; W1·H1 is
/// never formed),
/// plus O(r_{l−1} r_l m) per deeper layer.
///
/// ```swift
/// let deep = DeepNMF(innerRanks: [20], loss: .layerwise(lambdas: [1, 1]), learningRate: 1e-2)
/// let model = try NMF(rank: 10, method: .deep(deep), initialization: .nndsvda).fit(a)
/// model.layers   // [W1 (n x 20), W2 (20 x 10)]
/// ```
public struct DeepNMF: Codable, Sendable, Equatable {
    public enum Loss: Codable, Sendable, Equatable {
        case global(l1: Double)
        case layerwise(lambdas: [Double])
    }

    /// Ranks of the layers before the last (e.g. [20] for A ≈ W1 (n x 20) · W2 (20 x r) · H).
    public var innerRanks: [Int]
    public var loss: Loss
    public var learningRate: Double
    /// How the factors stay non-negative (as for `AdamNMF`).
    public var clamping: AdamNMF.Clamping

    public init(innerRanks: [Int], loss: Loss = .global(l1: 0), learningRate: Double = 1e-2,
                clamping: AdamNMF.Clamping = .projected) {
        self.innerRanks = innerRanks
        self.loss = loss
        self.learningRate = learningRate
        self.clamping = clamping
    }

    var adam: AdamNMF { AdamNMF(learningRate: learningRate, clamping: clamping) }

    func validate() throws {
        try require(!innerRanks.isEmpty, "deep NMF inner ranks", "[]", expected: "at least one inner layer, e.g. [20]")
        for r in innerRanks { try require(r >= 1, "deep NMF inner rank", r, expected: "at least 1") }
        try adam.validate()
        switch loss {
        case let .global(l1):
            try require(l1 >= 0 && l1.isFinite, "deep NMF L1 penalty", l1, expected: "a finite number >= 0")
        case let .layerwise(lambdas):
            try require(lambdas.count == innerRanks.count + 1, "deep NMF lambdas", lambdas,
                        expected: "one weight per layer: \(innerRanks.count + 1) values")
            for l in lambdas { try require(l >= 0 && l.isFinite, "deep NMF lambda", l, expected: "a finite number >= 0") }
        }
    }
}

/// The deep-NMF iteration state: layers W_l, the final H and (layer-wise loss) the hidden H_l.
struct DeepNMFSolver<Scalar: MatrixScalar>: NMFSolver {
    let a: Matrix<Scalar>
    let options: DeepNMF
    let norm2: Double
    /// W1..WL, then H1..HL (H_L = H); for the global loss the hidden H_l are not trained.
    private var parameters: [Matrix<Scalar>]
    private var adam: AdamState<Scalar>
    private let depth: Int

    init(a: Matrix<Scalar>, options: DeepNMF, rank: Int, initialization: NMFInitialization, seed: Int) throws {
        self.a = a
        self.options = options
        norm2 = FactorKernels.squaredNorm(a)
        let ranks = options.innerRanks + [rank]
        depth = ranks.count
        var ws = [Matrix<Scalar>](), hs = [Matrix<Scalar>]()
        var current = a
        for (l, r) in ranks.enumerated() {
            let limit = Swift.min(current.rows, current.columns)
            try require(r <= limit, "deep NMF rank of layer \(l + 1)", r,
                        expected: "at most min(rows, columns) = \(limit) of the \(current.rows) x \(current.columns) matrix it factorises")
            let (w, h) = try initialization.start(for: current, rank: r, seed: seed &+ l)
            ws.append(w)
            hs.append(h)
            current = h
        }
        parameters = ws + hs
        adam = AdamState(options: options.adam, shapes: parameters.map(\.count))
    }

    var layers: [Matrix<Scalar>] { (0..<depth).map { positive(parameters[$0]) } }
    var w: Matrix<Scalar> { product(of: layers) }
    var h: Matrix<Scalar> { positive(parameters[2 * depth - 1]) }

    mutating func step() {
        let current = parameters.map(positive)
        var gradients = current.map { Matrix<Scalar>(rows: $0.rows, columns: $0.columns) }
        switch options.loss {
        case let .global(l1): globalGradients(current, l1: Scalar(l1), into: &gradients)
        case let .layerwise(lambdas): layerwiseGradients(current, lambdas: lambdas.map { Scalar($0) }, into: &gradients)
        }
        adam.beginStep()
        for i in parameters.indices {
            if options.clamping != .projected { maskNonPositive(&gradients[i], where: parameters[i]) }
            adam.update(&parameters[i], gradient: gradients[i], index: i)
        }
    }

    func squaredError() -> Double { FactorKernels.squaredResidual(a, squaredNorm: norm2, w: w, h: h) }

    func objective() -> Double {
        let current = parameters.map(positive)
        switch options.loss {
        case let .global(l1):
            return squaredError() + l1 * FactorKernels.inner(current[0], Matrix(rows: current[0].rows, columns: current[0].columns, repeating: 1))
        case let .layerwise(lambdas):
            var total = lambdas[0] * FactorKernels.squaredResidual(a, squaredNorm: norm2, w: current[0], h: current[depth])
            for l in 1..<depth {
                var e = FactorKernels.product(current[l], false, current[depth + l], false)
                try! e.add(current[depth + l - 1], scaledBy: -1)
                total += lambdas[l] * FactorKernels.squaredNorm(e)
            }
            return total
        }
    }

    // MARK: - Private

    private func positive(_ x: Matrix<Scalar>) -> Matrix<Scalar> { options.clamping == .none ? relu(x) : x }

    private func product(of factors: [Matrix<Scalar>]) -> Matrix<Scalar> {
        factors.dropFirst().reduce(factors[0]) { FactorKernels.product($0, false, $1, false) }
    }

    /// ‖A − P·H‖² + l1 Σ W1 with P = W1···WL: ∂P = 2(P(HHᵀ) − AHᵀ), ∂W_l = leftᵀ·∂P·rightᵀ.
    private func globalGradients(_ c: [Matrix<Scalar>], l1: Scalar, into g: inout [Matrix<Scalar>]) {
        let ws = Array(c[0..<depth]), h = c[2 * depth - 1]
        let p = product(of: ws)
        var gp = Matrix<Scalar>(rows: p.rows, columns: p.columns), gh = Matrix<Scalar>(rows: h.rows, columns: h.columns)
        FactorKernels.bothProducts(a, w: p, h: h, aHt: &gp, wtA: &gh)
        FactorKernels.gemm(p, false, FactorKernels.product(h, false, h, true), false, into: &gp, alpha: 2, beta: -2)
        FactorKernels.gemm(FactorKernels.product(p, true, p, false), false, h, false, into: &gh, alpha: 2, beta: -2)
        g[2 * depth - 1] = gh
        for l in 0..<depth {
            var right = gp   // ∂P · rightᵀ, rightᵀ = (W_{l+1}···W_L)ᵀ
            if l + 1 < depth { right = FactorKernels.product(gp, false, product(of: Array(ws[(l + 1)...])), true) }
            g[l] = l == 0 ? right : FactorKernels.product(product(of: Array(ws[0..<l])), true, right, false)
        }
        if l1 > 0 { g[0].apply { $0 + l1 } }
    }

    /// Σ λ_l ‖H_{l−1} − W_l H_l‖², H_0 = A (first term through traces, never forming W1·H1).
    private func layerwiseGradients(_ c: [Matrix<Scalar>], lambdas: [Scalar], into g: inout [Matrix<Scalar>]) {
        let w1 = c[0], h1 = c[depth]
        let two = 2 * lambdas[0]
        var gw1 = Matrix<Scalar>(rows: w1.rows, columns: w1.columns), gh1 = Matrix<Scalar>(rows: h1.rows, columns: h1.columns)
        FactorKernels.bothProducts(a, w: w1, h: h1, aHt: &gw1, wtA: &gh1)
        FactorKernels.gemm(w1, false, FactorKernels.product(h1, false, h1, true), false, into: &gw1, alpha: two, beta: -two)
        FactorKernels.gemm(FactorKernels.product(w1, true, w1, false), false, h1, false, into: &gh1, alpha: two, beta: -two)
        g[0] = gw1
        g[depth] = gh1
        for l in 1..<depth {
            let wl = c[l], hl = c[depth + l], previous = c[depth + l - 1]
            var e = FactorKernels.product(wl, false, hl, false)
            try! e.add(previous, scaledBy: -1)
            let t = 2 * lambdas[l]
            FactorKernels.gemm(e, false, hl, true, into: &g[l], alpha: t, beta: 0)
            FactorKernels.gemm(wl, true, e, false, into: &g[depth + l], alpha: t, beta: 1)
            try! g[depth + l - 1].add(e, scaledBy: -t)
        }
    }
}

/// One Adam step over a parameter's elements: Kingma & Ba, "Adam: a method for stochastic
/// optimization" (2015), with bias-corrected moments and ε added to the corrected root, as
/// PyTorch's `Adam`/`AdamW`:
///
///     g ← g + λw (L2) or w ← w − ηλw (decoupled)
///     m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²
///     w ← w − (η / c₁) · m / (√v / √c₂ + ε),  c₁ = 1 − β₁ᵗ, c₂ = 1 − β₂ᵗ
///
/// then the optional projection (max(0, w)). The one per-element loop behind AlmagestNeural's
/// `Adam`/`AdamW` (Float) and AlmagestLearn's Adam NMF (Float or Double). The caller computes the
/// step's bias corrections — η / c₁ as `stepSize` and √c₂ as `rootSecondCorrection` — in its own
/// precision (Neural in Float, NMF in Double), so its results stay bit for bit what they were.
/// `@inlinable` so that each caller gets a loop specialised to its scalar.
/// Cost: O(n) per call, one square root and one division per element.
///
/// ```swift
/// let update = AdamUpdate<Float>(learningRate: lr, stepSize: lr / (1 - powf(0.9, t)),
///                                rootSecondCorrection: (1 - powf(0.999, t)).squareRoot(), weightDecay: .l2(1e-4))
/// update.apply(to: w, gradient: g, firstMoment: m, secondMoment: v)
/// ```
public struct AdamUpdate<Scalar: BinaryFloatingPoint & Sendable>: Sendable, Equatable {
    /// η; only decoupled weight decay reads it (the step itself uses `stepSize`).
    public var learningRate: Scalar
    /// η / (1 − β₁ᵗ) for this step t.
    public var stepSize: Scalar
    /// √(1 − β₂ᵗ) for this step t.
    public var rootSecondCorrection: Scalar
    public var beta1: Scalar
    public var beta2: Scalar
    public var epsilon: Scalar
    public var weightDecay: WeightDecay<Scalar>
    public var projection: ParameterProjection

    @inlinable
    public init(
        learningRate: Scalar, stepSize: Scalar, rootSecondCorrection: Scalar, beta1: Scalar = 0.9, beta2: Scalar = 0.999,
        epsilon: Scalar = 1e-8, weightDecay: WeightDecay<Scalar> = .none, projection: ParameterProjection = .none
    ) {
        self.learningRate = learningRate
        self.stepSize = stepSize
        self.rootSecondCorrection = rootSecondCorrection
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.projection = projection
    }

    /// Updates `weights` and both moments in place from `gradient`; all four hold the same count.
    @inlinable
    public func apply(
        to weights: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeBufferPointer<Scalar>,
        firstMoment: UnsafeMutableBufferPointer<Scalar>, secondMoment: UnsafeMutableBufferPointer<Scalar>
    ) {
        let n = weights.count
        precondition(gradient.count == n && firstMoment.count == n && secondMoment.count == n,
                     "Adam update: \(n) weights but \(gradient.count) gradients, \(firstMoment.count) and "
                        + "\(secondMoment.count) moments")
        let w = weights, g = gradient, m = firstMoment, v = secondMoment
        let b1 = beta1, b2 = beta2, eps = epsilon, stepSize = stepSize, root2 = rootSecondCorrection
        let (l2, hasL2, shrink, isDecoupled) = weightDecay.loopConstants(learningRate: learningRate)
        let clamps = projection == .nonNegative
        var start = 0
        if Scalar.self == Float.self, n >= 8 {
            start = applyFloat8(w, g, m, v, count: n, l2: l2, hasL2: hasL2, shrink: shrink, isDecoupled: isDecoupled, clamps: clamps)
        }
        for i in start..<n {
            var gi = g[i]
            if isDecoupled { w[i] -= shrink * w[i] } else if hasL2 { gi += l2 * w[i] }
            m[i] = b1 * m[i] + (1 - b1) * gi
            v[i] = b2 * v[i] + (1 - b2) * gi * gi
            var x = w[i] - stepSize * m[i] / (v[i].squareRoot() / root2 + eps)
            if clamps && x < 0 { x = 0 }
            w[i] = x
        }
    }

    /// The loop above eight Float elements at a time (SSE square roots and divisions), the same
    /// operations in the same order, so the same bits; returns where the scalar tail starts.
    @inlinable
    func applyFloat8(
        _ w: UnsafeMutableBufferPointer<Scalar>, _ g: UnsafeBufferPointer<Scalar>, _ m: UnsafeMutableBufferPointer<Scalar>,
        _ v: UnsafeMutableBufferPointer<Scalar>, count n: Int, l2: Scalar, hasL2: Bool, shrink: Scalar, isDecoupled: Bool, clamps: Bool
    ) -> Int {
        typealias V = SIMD8<Float>
        let (pw, pg) = (UnsafeMutableRawPointer(w.baseAddress!), UnsafeRawPointer(g.baseAddress!))
        let (pm, pv) = (UnsafeMutableRawPointer(m.baseAddress!), UnsafeMutableRawPointer(v.baseAddress!))
        let b1 = Float(beta1), b2 = Float(beta2), eps = Float(epsilon), step = Float(stepSize), root2 = Float(rootSecondCorrection)
        let (oneMinusB1, oneMinusB2, l2f, shrinkf) = (1 - b1, 1 - b2, Float(l2), Float(shrink))
        let end = n - n % 8
        var i = 0
        while i < end {
            let offset = i * 4
            var wi = pw.loadUnaligned(fromByteOffset: offset, as: V.self)
            var gi = pg.loadUnaligned(fromByteOffset: offset, as: V.self)
            if isDecoupled { wi -= shrinkf * wi } else if hasL2 { gi += l2f * wi }
            let mi = b1 * pm.loadUnaligned(fromByteOffset: offset, as: V.self) + oneMinusB1 * gi
            let vi = b2 * pv.loadUnaligned(fromByteOffset: offset, as: V.self) + oneMinusB2 * gi * gi
            var x = wi - step * mi / (vi.squareRoot() / root2 + eps)
            if clamps { x.replace(with: 0, where: x .< 0) }
            pm.storeBytes(of: mi, toByteOffset: offset, as: V.self)
            pv.storeBytes(of: vi, toByteOffset: offset, as: V.self)
            pw.storeBytes(of: x, toByteOffset: offset, as: V.self)
            i += 8
        }
        return end
    }
}

extension WeightDecay {
    /// The decay as loop-invariant values: the L2 coefficient λ and whether it applies, and the
    /// decoupled shrink ηλ and whether it applies (so the loops branch on Booleans the optimiser
    /// can hoist, not on an enum).
    @inlinable
    func loopConstants(learningRate: Scalar) -> (l2: Scalar, hasL2: Bool, shrink: Scalar, isDecoupled: Bool) {
        switch self {
        case .none: (0, false, 0, false)
        case let .l2(lambda): (lambda, true, 0, false)
        case let .decoupled(lambda): (0, false, learningRate * lambda, true)
        }
    }
}

/// One step of stochastic gradient descent with momentum over a parameter's elements, in
/// PyTorch's formulation (Nesterov momentum after Sutskever et al., "On the importance of
/// initialization and momentum in deep learning", 2013):
///
///     g ← g + λw (L2) or w ← w − ηλw (decoupled)
///     μ = 0:  w ← w − ηg
///     μ > 0:  v ← μv + g;  w ← w − η(g + μv) with Nesterov, w ← w − ηv otherwise
///
/// then the optional projection (max(0, w)). The one per-element loop behind AlmagestNeural's
/// `SGD`; generic over Float and Double and `@inlinable` so that each caller gets a specialised
/// loop. With μ = 0 the velocity is neither read nor written. Cost: O(n) per call.
///
/// ```swift
/// MomentumUpdate<Float>(learningRate: 0.1, momentum: 0.9, isNesterov: true, weightDecay: .l2(5e-4))
///     .apply(to: w, gradient: g, velocity: v)
/// ```
public struct MomentumUpdate<Scalar: BinaryFloatingPoint & Sendable>: Sendable, Equatable {
    /// η.
    public var learningRate: Scalar
    /// μ; 0 is plain gradient descent.
    public var momentum: Scalar
    public var isNesterov: Bool
    public var weightDecay: WeightDecay<Scalar>
    public var projection: ParameterProjection

    @inlinable
    public init(
        learningRate: Scalar, momentum: Scalar = 0, isNesterov: Bool = false, weightDecay: WeightDecay<Scalar> = .none,
        projection: ParameterProjection = .none
    ) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.isNesterov = isNesterov
        self.weightDecay = weightDecay
        self.projection = projection
    }

    /// Updates `weights` and `velocity` in place from `gradient`; all three hold the same count.
    @inlinable
    public func apply(
        to weights: UnsafeMutableBufferPointer<Scalar>, gradient: UnsafeBufferPointer<Scalar>,
        velocity: UnsafeMutableBufferPointer<Scalar>
    ) {
        let n = weights.count
        precondition(gradient.count == n && velocity.count == n,
                     "momentum update: \(n) weights but \(gradient.count) gradients and \(velocity.count) velocities")
        let w = weights, g = gradient, v = velocity
        let lr = learningRate, mu = momentum, nesterov = isNesterov
        let (l2, hasL2, shrink, isDecoupled) = weightDecay.loopConstants(learningRate: learningRate)
        let clamps = projection == .nonNegative
        for i in 0..<n {
            var gi = g[i]
            if isDecoupled { w[i] -= shrink * w[i] } else if hasL2 { gi += l2 * w[i] }
            var x: Scalar
            if mu == 0 {
                x = w[i] - lr * gi
            } else {
                v[i] = mu * v[i] + gi
                x = w[i] - lr * (nesterov ? gi + mu * v[i] : v[i])
            }
            if clamps && x < 0 { x = 0 }
            w[i] = x
        }
    }
}

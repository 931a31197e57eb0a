import AlmagestCore

/// Stochastic gradient descent with momentum, Nesterov momentum (Sutskever et al., 2013) and L2
/// weight decay, following PyTorch's formulation: g ← g + λp; v ← μv + g;
/// p ← p − η(g + μv) with Nesterov, p ← p − ηv otherwise. The per-element step is AlmagestCore's
/// `MomentumUpdate`. Cost: O(parameters) per step.
///
/// ```swift
/// let opt = try SGD(parameters: net.trainableParameters(), learningRate: 0.1, momentum: 0.9, nesterov: true)
/// ```
public final class SGD: Optimizer {
    public var learningRate: Float
    public let parameters: [Tensor]
    public let momentum: Float
    public let nesterov: Bool
    public let weightDecay: Float
    private var velocity: [[Float]]

    public init(parameters: [Tensor], learningRate: Float, momentum: Float = 0, nesterov: Bool = false,
                weightDecay: Float = 0) throws {
        try require(learningRate > 0 && learningRate.isFinite, "learning rate", learningRate, expected: "a positive number")
        try require(momentum >= 0 && momentum < 1, "momentum", momentum, expected: "a value in [0, 1)")
        try require(!nesterov || momentum > 0, "nesterov", nesterov, expected: "a positive momentum with Nesterov")
        try require(weightDecay >= 0, "weight decay", weightDecay, expected: "a non-negative number")
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.velocity = parameters.map { [Float](repeating: 0, count: $0.count) }
    }

    public func step() {
        let update = MomentumUpdate(learningRate: learningRate, momentum: momentum, isNesterov: nesterov,
                                    weightDecay: .l2(weightDecay))
        for (index, p) in parameters.enumerated() {
            guard p.requiresGradient, let grad = p.gradient else { continue }
            velocity[index].withUnsafeMutableBufferPointer { v in
                grad.withUnsafeBufferPointer { g in
                    p.update { w in
                        // The second state buffer is unused: the velocity is passed twice.
                        ElementwiseUpdate.run(w, g, v, v) { w, g, v, _ in update.apply(to: w, gradient: g, velocity: v) }
                    }
                }
            }
        }
    }
}

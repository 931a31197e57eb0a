import AlmagestCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Adam (Kingma & Ba, 2015): per-parameter steps from bias-corrected running means of the gradient
/// and of its square. `weightDecay` adds λp to the gradient (L2, as PyTorch's Adam); `AdamW`
/// decays the weights directly instead (Loshchilov & Hutter, 2019). The per-element step is
/// AlmagestCore's `AdamUpdate`, with the bias corrections computed here in Float.
/// Cost: O(parameters) per step.
///
/// ```swift
/// let opt = try Adam(parameters: net.trainableParameters(), learningRate: 1e-3)
/// ```
public final class Adam: Optimizer {
    public var learningRate: Float
    public let parameters: [Tensor]
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    /// True for AdamW's decoupled weight decay.
    public let decoupledWeightDecay: Bool
    private var firstMoment: [[Float]]
    private var secondMoment: [[Float]]
    private var steps = 0

    public init(parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                epsilon: Float = 1e-8, weightDecay: Float = 0, decoupledWeightDecay: Bool = false) throws {
        try require(learningRate > 0 && learningRate.isFinite, "learning rate", learningRate, expected: "a positive number")
        try require(beta1 >= 0 && beta1 < 1, "beta1", beta1, expected: "a value in [0, 1)")
        try require(beta2 >= 0 && beta2 < 1, "beta2", beta2, expected: "a value in [0, 1)")
        try require(epsilon > 0, "epsilon", epsilon, expected: "a positive number")
        try require(weightDecay >= 0, "weight decay", weightDecay, expected: "a non-negative number")
        self.parameters = parameters
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        firstMoment = parameters.map { [Float](repeating: 0, count: $0.count) }
        secondMoment = firstMoment
    }

    public func step() {
        steps += 1
        let correction1 = 1 - powf(beta1, Float(steps)), correction2 = 1 - powf(beta2, Float(steps))
        let update = AdamUpdate(
            learningRate: learningRate, stepSize: learningRate / correction1, rootSecondCorrection: correction2.squareRoot(),
            beta1: beta1, beta2: beta2, epsilon: epsilon,
            weightDecay: decoupledWeightDecay ? .decoupled(weightDecay) : .l2(weightDecay))
        for (index, p) in parameters.enumerated() {
            guard p.requiresGradient, let grad = p.gradient else { continue }
            firstMoment[index].withUnsafeMutableBufferPointer { m in
                secondMoment[index].withUnsafeMutableBufferPointer { v in
                    grad.withUnsafeBufferPointer { g in
                        p.update { w in
                            ElementwiseUpdate.run(w, g, m, v) { w, g, m, v in update.apply(to: w, gradient: g, firstMoment: m, secondMoment: v) }
                        }
                    }
                }
            }
        }
    }
}

/// Adam with decoupled weight decay (Loshchilov & Hutter, 2019); PyTorch's default decay 0.01.
///
/// ```swift
/// let opt = try AdamW(parameters: net.trainableParameters(), learningRate: 1e-3, weightDecay: 0.01)
/// ```
public func AdamW(parameters: [Tensor], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                  epsilon: Float = 1e-8, weightDecay: Float = 0.01) throws -> Adam {
    try Adam(parameters: parameters, learningRate: learningRate, beta1: beta1, beta2: beta2, epsilon: epsilon,
             weightDecay: weightDecay, decoupledWeightDecay: true)
}

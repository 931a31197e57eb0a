/// How an optimiser step shrinks the weights, shared by `AdamUpdate` and `MomentumUpdate`.
///
/// - `l2(λ)`: adds λw to the gradient before anything else reads it (PyTorch's `weight_decay` in
///   `SGD` and `Adam`), so with Adam the decay is rescaled by the moments like the loss gradient.
/// - `decoupled(λ)`: shrinks the weights by ηλw before the step and leaves the gradient alone
///   (Loshchilov & Hutter, "Decoupled weight decay regularization", 2019: AdamW).
///
/// `.l2(0)` is not folded into `.none`: it still computes g + 0·w, which differs from g when a
/// weight is infinite or NaN, and the callers keep their exact arithmetic. Cost: O(1) per element.
///
/// ```swift
/// let decay: WeightDecay<Float> = isAdamW ? .decoupled(0.01) : .l2(0.01)
/// ```
public enum WeightDecay<Scalar: BinaryFloatingPoint & Sendable>: Sendable, Equatable {
    /// No decay: the gradient is used as given.
    case none
    /// L2 decay: the gradient becomes g + λw.
    case l2(Scalar)
    /// Decoupled decay: w ← w − ηλw before the update.
    case decoupled(Scalar)
}

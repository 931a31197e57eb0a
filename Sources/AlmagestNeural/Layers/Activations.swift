/// Parameter-free layers wrapping the elementwise activations and shape ops of `Tensor`
/// (ReLU, leaky ReLU, sigmoid, tanh, flatten), so that they can sit in a `Sequential`.
/// Cost: O(n) each.
///
/// ```swift
/// let block = Sequential([Linear(inputs: 4, outputs: 4, seed: 0), LeakyReLU(slope: 0.1), Flatten()])
/// ```
public final class ReLU: Layer {
    public var isTraining = true
    public init() {}
    public func forward(_ input: Tensor) throws -> Tensor { input.relu() }
}

public final class LeakyReLU: Layer {
    public var isTraining = true
    public let slope: Float
    public init(slope: Float = 0.01) { self.slope = slope }
    public func forward(_ input: Tensor) throws -> Tensor { input.leakyRelu(slope: slope) }
}

public final class Sigmoid: Layer {
    public var isTraining = true
    public init() {}
    public func forward(_ input: Tensor) throws -> Tensor { input.sigmoid() }
}

public final class Tanh: Layer {
    public var isTraining = true
    public init() {}
    public func forward(_ input: Tensor) throws -> Tensor { input.tanh() }
}

/// `[n, ...] -> [n, rest]`.
public final class Flatten: Layer {
    public var isTraining = true
    public init() {}
    public func forward(_ input: Tensor) throws -> Tensor { try input.flattened() }
}

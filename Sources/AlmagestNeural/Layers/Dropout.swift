import AlmagestCore

/// Dropout as a layer: active in training mode, the identity in evaluation mode. Its random stream
/// is seeded and advances with every training call, so a seeded run repeats exactly.
/// Reference: Srivastava et al., 2014. Cost: O(n).
///
/// ```swift
/// let net = Sequential([Linear(inputs: 10, outputs: 50, seed: 0), ReLU(), Dropout(probability: 0.2, seed: 1)])
/// ```
public final class Dropout: Layer {
    public var isTraining = true
    public let probability: Float
    private var generator: RandomStream

    /// Throws `FitError.invalidParameter` unless `probability` is in [0, 1).
    public init(probability: Float, seed: Int) throws {
        try require(probability >= 0 && probability < 1, "dropout probability", probability, expected: "a value in [0, 1)")
        self.probability = probability
        self.generator = RandomStream(seed: seed)
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        guard isTraining, probability > 0 else { return input }
        return try input.dropout(probability: probability, generator: &generator)
    }
}

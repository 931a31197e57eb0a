import AlmagestCore

/// A registered sampler of any type, by name (`EstimatorRegistry.sampler`): resamples like the
/// configuration it wraps. A step of a `Pipeline` that acts while fitting only. Encodes as
/// `{"estimator": NAME, "configuration": {...}}`.
///
/// ```swift
/// let smote = try EstimatorRegistry.shared.sampler("smote", options: ["neighbors": 5])
/// let balanced = try smote.resample(x, labels: y)
/// ```
public struct AnySampler<Input: EstimatorInput>: Sampler, Equatable {
    /// The registered name.
    public let name: String
    /// The wrapped configuration.
    public let configuration: any RegisteredEstimator

    init<E: RegisteredEstimator & Sampler>(name: String, _ estimator: E) where E.Input == Input {
        self.name = name
        self.configuration = estimator
        self.body = { x, labels in try estimator.resample(x, labels: labels) }
    }

    public func resample(_ x: Input, labels: [Int]) throws -> Resampled<Input> { try body(x, labels) }

    public init(from decoder: Decoder) throws {
        self = try ErasedCoding.decodeEstimator(Self.self, from: decoder, kind: "sampler")
    }

    public func encode(to encoder: Encoder) throws {
        try ErasedCoding.encode(name: name, configuration, as: .configuration, to: encoder)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.name == b.name && ErasedCoding.same(a.configuration, b.configuration)
    }

    // MARK: - Private

    private let body: @Sendable (Input, [Int]) throws -> Resampled<Input>
}

import AlmagestCore

/// A registered transformer of any type, by name (`EstimatorRegistry.transformer`): fits like the
/// configuration it wraps and returns an `AnyFittedTransformer`. The steps of a `Pipeline`.
///
/// ```swift
/// let scaler = try EstimatorRegistry.shared.transformer("standard-scaler")
/// let z = try scaler.fit(train).transform(test)
/// ```
public struct AnyTransformer<Input: EstimatorInput>: Transformer, Equatable {
    /// The registered name.
    public let name: String
    /// The wrapped configuration.
    public let configuration: any RegisteredEstimator

    init<E: RegisteredEstimator & Transformer>(name: String, _ estimator: E) where E.Input == Input, E.Model: Equatable {
        self.name = name
        self.configuration = estimator
        self.fitBody = { x in AnyFittedTransformer(name: name, try estimator.fit(x)) }
    }

    public func fit(_ x: Input) throws -> AnyFittedTransformer<Input> { try fitBody(x) }

    public init(from decoder: Decoder) throws {
        self = try ErasedCoding.decodeEstimator(Self.self, from: decoder, kind: "transformer")
    }

    public func encode(to encoder: Encoder) throws {
        try ErasedCoding.encode(name: name, configuration, as: .configuration, to: encoder)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.name == b.name && ErasedCoding.same(a.configuration, b.configuration)
    }

    // MARK: - Private

    private let fitBody: @Sendable (Input) throws -> AnyFittedTransformer<Input>
}

/// A fitted transformer of any registered type, with the name of its estimator.
public struct AnyFittedTransformer<Input: EstimatorInput>: FittedTransformer, Equatable {
    /// The registered name of the estimator that made it.
    public let estimator: String
    /// The wrapped model.
    public let base: any FittedTransformer<Input>

    init<M: FittedTransformer & Equatable>(name: String, _ model: M) where M.Input == Input {
        self.estimator = name
        self.base = model
        self.isEqual = { ErasedCoding.same(model, $0) }
    }

    public func transform(_ x: Input) throws -> Input { try base.transform(x) }

    public init(from decoder: Decoder) throws {
        self = try ErasedCoding.decodeModel(Self.self, from: decoder, kind: "transformer")
    }

    public func encode(to encoder: Encoder) throws {
        try ErasedCoding.encode(name: estimator, base, as: .model, to: encoder)
    }

    public static func == (a: Self, b: Self) -> Bool { a.estimator == b.estimator && a.isEqual(b.base) }

    // MARK: - Private

    private let isEqual: @Sendable (Any) -> Bool
}

import AlmagestCore

/// A registered clusterer of any type, by name (`EstimatorRegistry.clusterer`): fits like the
/// configuration it wraps and returns an `AnyFittedClusterer`. Encodes as `{"estimator": NAME,
/// "configuration": {...}}`.
///
/// ```swift
/// let kmeans = try EstimatorRegistry.shared.clusterer("kmeans", options: ["clusters": 10])
/// let labels = try kmeans.fit(x).labels
/// ```
public struct AnyClusterer<Input: EstimatorInput>: Clusterer, Equatable {
    /// The registered name.
    public let name: String
    /// The wrapped configuration.
    public let configuration: any RegisteredEstimator

    init<E: RegisteredEstimator & Clusterer>(name: String, _ estimator: E) where E.Input == Input, E.Model: Equatable {
        self.name = name
        self.configuration = estimator
        self.fitBody = { x in AnyFittedClusterer(name: name, try estimator.fit(x)) }
    }

    public func fit(_ x: Input) throws -> AnyFittedClusterer<Input> { try fitBody(x) }

    public init(from decoder: Decoder) throws {
        self = try ErasedCoding.decodeEstimator(Self.self, from: decoder, kind: "clusterer")
    }

    public func encode(to encoder: Encoder) throws {
        try ErasedCoding.encode(name: name, configuration, as: .configuration, to: encoder)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.name == b.name && ErasedCoding.same(a.configuration, b.configuration)
    }

    // MARK: - Private

    private let fitBody: @Sendable (Input) throws -> AnyFittedClusterer<Input>
}

/// A fitted clustering of any registered type, with the name of its estimator.
public struct AnyFittedClusterer<Input: EstimatorInput>: FittedClusterer, Equatable {
    /// The registered name of the estimator that made it.
    public let estimator: String
    /// The wrapped model.
    public let base: any FittedClusterer<Input>

    init<M: FittedClusterer & Equatable>(name: String, _ model: M) where M.Input == Input {
        self.estimator = name
        self.base = model
        self.isEqual = { ErasedCoding.same(model, $0) }
    }

    public var labels: [Int] { base.labels }
    public func predict(_ x: Input) throws -> [Int] { try base.predict(x) }
    public var trainingCurves: TrainingCurves? { base.trainingCurves }
    public var fitReport: [String: Double] { base.fitReport }

    public init(from decoder: Decoder) throws {
        self = try ErasedCoding.decodeModel(Self.self, from: decoder, kind: "clusterer")
    }

    public func encode(to encoder: Encoder) throws {
        try ErasedCoding.encode(name: estimator, base, as: .model, to: encoder)
    }

    public static func == (a: Self, b: Self) -> Bool { a.estimator == b.estimator && a.isEqual(b.base) }

    // MARK: - Private

    private let isEqual: @Sendable (Any) -> Bool
}

import AlmagestCore

/// A registered factorisation of any type, by name (`EstimatorRegistry.factorizer`): fits like
/// the configuration it wraps and returns an `AnyFittedFactorizer`.
///
/// ```swift
/// let nmf = try EstimatorRegistry.shared.factorizer("nmf", options: ["rank": 10])
/// let model = try nmf.fit(a)            // model.w, model.h
/// ```
public struct AnyFactorizer: Factorizer, Equatable {
    /// The registered name.
    public let name: String
    /// The wrapped configuration.
    public let configuration: any RegisteredEstimator

    init<E: RegisteredEstimator & Factorizer>(name: String, _ estimator: E) where E.Model: Equatable {
        self.name = name
        self.configuration = estimator
        self.fitBody = { a in AnyFittedFactorizer(name: name, try estimator.fit(a)) }
    }

    public func fit(_ a: Matrix<Double>) throws -> AnyFittedFactorizer { try fitBody(a) }

    public init(from decoder: Decoder) throws {
        self = try ErasedCoding.decodeEstimator(Self.self, from: decoder, kind: "factorizer")
    }

    public func encode(to encoder: Encoder) throws {
        try ErasedCoding.encode(name: name, configuration, as: .configuration, to: encoder)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.name == b.name && ErasedCoding.same(a.configuration, b.configuration)
    }

    // MARK: - Private

    private let fitBody: @Sendable (Matrix<Double>) throws -> AnyFittedFactorizer
}

/// A fitted factorisation of any registered type, with the name of its estimator.
public struct AnyFittedFactorizer: FittedFactorizer, Equatable {
    /// The registered name of the estimator that made it.
    public let estimator: String
    /// The wrapped model.
    public let base: any FittedFactorizer

    init<M: FittedFactorizer & Equatable>(name: String, _ model: M) {
        self.estimator = name
        self.base = model
        self.isEqual = { ErasedCoding.same(model, $0) }
    }

    public var w: Matrix<Double> { base.w }
    public var h: Matrix<Double> { base.h }
    public func transform(_ x: Matrix<Double>) throws -> Matrix<Double> { try base.transform(x) }
    public func reconstruction() -> Matrix<Double> { base.reconstruction() }

    public init(from decoder: Decoder) throws {
        self = try ErasedCoding.decodeModel(Self.self, from: decoder, kind: "factorizer")
    }

    public func encode(to encoder: Encoder) throws {
        try ErasedCoding.encode(name: estimator, base, as: .model, to: encoder)
    }

    public static func == (a: Self, b: Self) -> Bool { a.estimator == b.estimator && a.isEqual(b.base) }

    // MARK: - Private

    private let isEqual: @Sendable (Any) -> Bool
}

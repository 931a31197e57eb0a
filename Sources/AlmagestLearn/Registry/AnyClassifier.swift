import AlmagestCore
import Foundation

/// A registered classifier of any type, by name (`EstimatorRegistry.classifier`): fits like the
/// configuration it wraps and returns an `AnyFittedClassifier`. Encodes as `{"estimator": NAME,
/// "configuration": {...}}`. `Input` is `Matrix<Double>` for tables, `SampleArray` for images.
///
/// ```swift
/// let mlp = try EstimatorRegistry.shared.classifier("mlp", options: ["epochs": 5])
/// let model = try mlp.fit(x, labels: y)
/// ```
public struct AnyClassifier<Input: EstimatorInput>: Classifier, Equatable {
    /// The registered name.
    public let name: String
    /// The wrapped configuration.
    public let configuration: any RegisteredEstimator

    init<E: RegisteredEstimator & Classifier>(name: String, _ estimator: E) where E.Input == Input, E.Model: Equatable {
        self.name = name
        self.configuration = estimator
        self.fitBody = { x, labels in AnyFittedClassifier(name: name, try estimator.fit(x, labels: labels)) }
    }

    public func fit(_ x: Input, labels: [Int]) throws -> AnyFittedClassifier<Input> { try fitBody(x, labels) }

    public init(from decoder: Decoder) throws {
        self = try ErasedCoding.decodeEstimator(Self.self, from: decoder, kind: "classifier")
    }

    public func encode(to encoder: Encoder) throws {
        try ErasedCoding.encode(name: name, configuration, as: .configuration, to: encoder)
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.name == b.name && ErasedCoding.same(a.configuration, b.configuration)
    }

    // MARK: - Private

    private let fitBody: @Sendable (Input, [Int]) throws -> AnyFittedClassifier<Input>
}

/// A fitted classifier of any registered type, with the name of its estimator. Encodes as
/// `{"estimator": NAME, "model": {...}}` and decodes through `EstimatorRegistry.shared`.
public struct AnyFittedClassifier<Input: EstimatorInput>: FittedClassifier, Equatable {
    /// The registered name of the estimator that made it.
    public let estimator: String
    /// The wrapped model.
    public let base: any FittedClassifier<Input>

    init<M: FittedClassifier & Equatable>(name: String, _ model: M) where M.Input == Input {
        self.estimator = name
        self.base = model
        self.isEqual = { ErasedCoding.same(model, $0) }
    }

    public var classes: [Int] { base.classes }
    public func predict(_ x: Input) throws -> [Int] { try base.predict(x) }
    public func predictProbabilities(_ x: Input) throws -> Matrix<Double> { try base.predictProbabilities(x) }
    public var trainingCurves: TrainingCurves? { base.trainingCurves }
    public func safetensorsFile(metadata: [String: String]) throws -> Data? { try base.safetensorsFile(metadata: metadata) }
    public var impurityImportances: [Double]? { base.impurityImportances }
    public var featureSplitCounts: [Int]? { base.featureSplitCounts }

    public init(from decoder: Decoder) throws {
        self = try ErasedCoding.decodeModel(Self.self, from: decoder, kind: "classifier")
    }

    public func encode(to encoder: Encoder) throws {
        try ErasedCoding.encode(name: estimator, base, as: .model, to: encoder)
    }

    public static func == (a: Self, b: Self) -> Bool { a.estimator == b.estimator && a.isEqual(b.base) }

    // MARK: - Private

    private let isEqual: @Sendable (Any) -> Bool
}

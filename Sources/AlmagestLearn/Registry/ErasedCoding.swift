import AlmagestCore
import Foundation

/// The keys of an erased estimator or model in JSON: `{"estimator": "kmeans", "configuration":
/// {...}}` for a configuration, `{"estimator": "kmeans", "model": {...}}` for a fitted model.
enum ErasedCodingKeys: String, CodingKey {
    case estimator, configuration, model
}

/// The JSON form shared by every erased estimator and model: the registered name beside the
/// value, read back through `EstimatorRegistry.shared`.
enum ErasedCoding {
    /// Writes `{"estimator": name, key: value}`.
    static func encode(name: String, _ value: any Encodable, as key: ErasedCodingKeys, to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: ErasedCodingKeys.self)
        try c.encode(name, forKey: .estimator)
        try c.encode(value, forKey: key)
    }

    /// Reads a fitted model of the kind `T` (an `AnyFitted…` type).
    static func decodeModel<T>(_ type: T.Type, from decoder: Decoder, kind: String) throws -> T {
        let (c, name, entry) = try lookUp(decoder)
        guard let model = try entry.decodeModel(c) as? T else {
            throw DecodingError.dataCorruptedError(
                forKey: .estimator, in: c, debugDescription: "\(name) is a \(entry.kind.rawValue); expected a \(kind)")
        }
        return model
    }

    /// Reads a configuration of the kind `T` (an `Any…` estimator type).
    static func decodeEstimator<T>(_ type: T.Type, from decoder: Decoder, kind: String) throws -> T {
        let (c, name, entry) = try lookUp(decoder)
        guard let estimator = entry.erase(try entry.decodeConfiguration(c)).payload as? T else {
            throw DecodingError.dataCorruptedError(
                forKey: .estimator, in: c, debugDescription: "\(name) is a \(entry.kind.rawValue); expected a \(kind)")
        }
        return estimator
    }

    /// Whether `b` is an `A` equal to `a`.
    static func same<A: Equatable>(_ a: A, _ b: Any) -> Bool { (b as? A) == a }

    // MARK: - Private

    private static func lookUp(_ decoder: Decoder) throws -> (KeyedDecodingContainer<ErasedCodingKeys>, String, EstimatorEntry) {
        let c = try decoder.container(keyedBy: ErasedCodingKeys.self)
        let name = try c.decode(String.self, forKey: .estimator)
        do {
            return (c, name, try EstimatorRegistry.shared.entry(name))
        } catch {
            throw DecodingError.dataCorruptedError(forKey: .estimator, in: c, debugDescription: "\(error)")
        }
    }
}

extension ErasedEstimator {
    /// The wrapped estimator.
    var payload: any Sendable {
        switch self {
        case let .transformer(t): return t
        case let .clusterer(c): return c
        case let .classifier(c): return c
        case let .imageClassifier(c): return c
        case let .factorizer(f): return f
        case let .sampler(s): return s
        }
    }

    /// The wrapped configuration.
    public var configuration: any RegisteredEstimator {
        switch self {
        case let .transformer(t): return t.configuration
        case let .clusterer(c): return c.configuration
        case let .classifier(c): return c.configuration
        case let .imageClassifier(c): return c.configuration
        case let .factorizer(f): return f.configuration
        case let .sampler(s): return s.configuration
        }
    }

    /// The kind of the wrapped estimator.
    public var kind: EstimatorKind {
        switch self {
        case .transformer: return .transformer
        case .clusterer: return .clusterer
        case .classifier: return .classifier
        case .imageClassifier: return .imageClassifier
        case .factorizer: return .factorizer
        case .sampler: return .sampler
        }
    }

    /// The factorisation, when this is one.
    public var factorizer: AnyFactorizer? {
        if case let .factorizer(f) = self { return f }
        return nil
    }

    /// The registered name.
    public var name: String { type(of: configuration).estimatorName }
}

import AlmagestCore

/// One step of a `Pipeline` before its final classifier: a transformer (fitted on the rows that
/// reach it, then applied to every row, at fit and at prediction) or a sampler (applied to the
/// training rows while fitting only). Encodes as the wrapped estimator does (`{"estimator": NAME,
/// "configuration": {...}}`); decoding asks the registry which kind NAME is.
public enum PipelineStep: Codable, Sendable, Equatable {
    case transformer(AnyTransformer<Matrix<Double>>)
    case sampler(AnySampler<Matrix<Double>>)

    /// The registered name.
    public var name: String {
        switch self {
        case let .transformer(t): return t.name
        case let .sampler(s): return s.name
        }
    }

    /// The wrapped configuration.
    public var configuration: any RegisteredEstimator {
        switch self {
        case let .transformer(t): return t.configuration
        case let .sampler(s): return s.configuration
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: ErasedCodingKeys.self)
        let name = try c.decode(String.self, forKey: .estimator)
        if (try? EstimatorRegistry.shared.entry(name))?.kind == .sampler {
            self = .sampler(try AnySampler(from: decoder))
        } else {
            self = .transformer(try AnyTransformer(from: decoder))
        }
    }

    public func encode(to encoder: Encoder) throws {
        switch self {
        case let .transformer(t): try t.encode(to: encoder)
        case let .sampler(s): try s.encode(to: encoder)
        }
    }
}

extension EstimatorSpec {
    /// The registered transformer or sampler of this name as a pipeline step; throws
    /// `RegistryError` for an unknown name or another kind, `FitError` for a bad option.
    public func pipelineStep(registry: EstimatorRegistry = .shared) throws -> PipelineStep {
        let entry = try registry.entry(name)
        switch entry.kind {
        case .transformer: return .transformer(try registry.transformer(name, options: options))
        case .sampler: return .sampler(try registry.sampler(name, options: options))
        default:
            throw RegistryError.wrongKind(
                name: name, kind: entry.kind, expected: .transformer,
                candidates: (registry.entries(of: .transformer) + registry.entries(of: .sampler)).map(\.name))
        }
    }

    public func sampler(registry: EstimatorRegistry = .shared) throws -> AnySampler<Matrix<Double>> {
        try registry.sampler(name, options: options)
    }
}

/// What a sampler of a fitted pipeline did to its training rows (`Resampled.report`).
public struct SamplingRecord: Codable, Sendable, Equatable {
    /// The registered name of the sampler.
    public let estimator: String
    /// Its counts by name: `rows_in`, `rows_out`, `rows_added`, `rows_removed`, ...
    public let report: [String: Double]

    public init(estimator: String, report: [String: Double]) {
        self.estimator = estimator
        self.report = report
    }
}

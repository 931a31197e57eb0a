import AlmagestCore
import Foundation

/// The estimators Almagest knows, by name: each registered once with its configuration type, its
/// kind, a one-line summary and its default options. The command line (`--algorithm`, `--model`,
/// `almagest models`), the experiments, `Pipeline`, the conformance suite, and later the
/// prediction server and sweeps all take their estimators from here, so adding an estimator is one
/// new file plus one registration line (`StandardEstimators.swift`), and no experiment, command or
/// page changes.
///
/// `shared` holds the standard estimators; a program (or a test target) may register more into it
/// before use. Fitted models encode the name of their estimator and decode through `shared`.
/// Cost: a dictionary look-up per call.
///
/// ```swift
/// let kmeans = try EstimatorRegistry.shared.clusterer("kmeans", options: ["clusters": 10])
/// let model = try kmeans.fit(x)                     // AnyFittedClusterer
/// for entry in EstimatorRegistry.shared.entries() { print(entry.name, entry.kind, entry.summary) }
/// ```
public final class EstimatorRegistry: @unchecked Sendable {
    /// The registry every part of Almagest reads, with the standard estimators.
    public static let shared: EstimatorRegistry = {
        let registry = EstimatorRegistry()
        do { try registry.registerStandardEstimators() } catch {
            preconditionFailure("the standard estimators must register: \(error)")
        }
        return registry
    }()

    /// An empty registry.
    public init() {}

    /// Registers a transformer of matrices.
    public func register<E: RegisteredEstimator & Transformer>(transformer: E.Type) throws
    where E.Input == Matrix<Double>, E.Model: Equatable {
        try add(E.self, kind: .transformer, erase: { .transformer(AnyTransformer(name: E.estimatorName, $0 as! E)) },
                decodeModel: { AnyFittedTransformer(name: E.estimatorName, try $0.decode(E.Model.self, forKey: .model)) })
    }

    /// Registers a clusterer of matrices.
    public func register<E: RegisteredEstimator & Clusterer>(clusterer: E.Type) throws
    where E.Input == Matrix<Double>, E.Model: Equatable {
        try add(E.self, kind: .clusterer, erase: { .clusterer(AnyClusterer(name: E.estimatorName, $0 as! E)) },
                decodeModel: { AnyFittedClusterer(name: E.estimatorName, try $0.decode(E.Model.self, forKey: .model)) })
    }

    /// Registers a classifier of matrix rows.
    public func register<E: RegisteredEstimator & Classifier>(classifier: E.Type) throws
    where E.Input == Matrix<Double>, E.Model: Equatable {
        try add(E.self, kind: .classifier, erase: { .classifier(AnyClassifier(name: E.estimatorName, $0 as! E)) },
                decodeModel: { AnyFittedClassifier(name: E.estimatorName, try $0.decode(E.Model.self, forKey: .model)) })
    }

    /// Registers a classifier of images or other tensors.
    public func register<E: RegisteredEstimator & Classifier>(imageClassifier: E.Type) throws
    where E.Input == SampleArray, E.Model: Equatable {
        try add(E.self, kind: .imageClassifier,
                erase: { .imageClassifier(AnyClassifier(name: E.estimatorName, $0 as! E)) },
                decodeModel: { AnyFittedClassifier(name: E.estimatorName, try $0.decode(E.Model.self, forKey: .model)) })
    }

    /// Registers a matrix factorisation.
    public func register<E: RegisteredEstimator & Factorizer>(factorizer: E.Type) throws where E.Model: Equatable {
        try add(E.self, kind: .factorizer, erase: { .factorizer(AnyFactorizer(name: E.estimatorName, $0 as! E)) },
                decodeModel: { AnyFittedFactorizer(name: E.estimatorName, try $0.decode(E.Model.self, forKey: .model)) })
    }

    /// Registers a sampler of labelled matrix rows (it has no fitted model to decode).
    public func register<E: RegisteredEstimator & Sampler>(sampler: E.Type) throws where E.Input == Matrix<Double> {
        try add(E.self, kind: .sampler, erase: { .sampler(AnySampler(name: E.estimatorName, $0 as! E)) },
                decodeModel: { c in
                    throw DecodingError.dataCorruptedError(
                        forKey: .model, in: c, debugDescription: "\(E.estimatorName) is a sampler; it has no fitted model")
                })
    }

    /// Every entry, or those of one kind, ordered by kind then name.
    public func entries(of kind: EstimatorKind? = nil) -> [EstimatorEntry] {
        lock.withLock { Array(byName.values) }
            .filter { kind == nil || $0.kind == kind }
            .sorted { ($0.kind, $0.name) < ($1.kind, $1.name) }
    }

    /// The entry registered as `name`; throws `RegistryError.unknown` listing the names there are.
    public func entry(_ name: String) throws -> EstimatorEntry {
        guard let entry = lock.withLock({ byName[name] }) else {
            throw RegistryError.unknown(name: name, known: entries().map(\.name))
        }
        return entry
    }

    /// A transformer configured by `options` over its defaults.
    public func transformer(_ name: String, options: [String: ParameterValue] = [:]) throws -> AnyTransformer<Matrix<Double>> {
        guard case let .transformer(t) = try erased(name, .transformer, options) else { preconditionFailure() }
        return t
    }

    /// A clusterer configured by `options` over its defaults.
    public func clusterer(_ name: String, options: [String: ParameterValue] = [:]) throws -> AnyClusterer<Matrix<Double>> {
        guard case let .clusterer(c) = try erased(name, .clusterer, options) else { preconditionFailure() }
        return c
    }

    /// A classifier of matrix rows configured by `options` over its defaults.
    public func classifier(_ name: String, options: [String: ParameterValue] = [:]) throws -> AnyClassifier<Matrix<Double>> {
        guard case let .classifier(c) = try erased(name, .classifier, options) else { preconditionFailure() }
        return c
    }

    /// A classifier of tensors configured by `options` over its defaults.
    public func imageClassifier(_ name: String, options: [String: ParameterValue] = [:]) throws -> AnyClassifier<SampleArray> {
        guard case let .imageClassifier(c) = try erased(name, .imageClassifier, options) else { preconditionFailure() }
        return c
    }

    /// A factorisation configured by `options` over its defaults.
    public func factorizer(_ name: String, options: [String: ParameterValue] = [:]) throws -> AnyFactorizer {
        guard case let .factorizer(f) = try erased(name, .factorizer, options) else { preconditionFailure() }
        return f
    }

    /// A sampler configured by `options` over its defaults.
    public func sampler(_ name: String, options: [String: ParameterValue] = [:]) throws -> AnySampler<Matrix<Double>> {
        guard case let .sampler(s) = try erased(name, .sampler, options) else { preconditionFailure() }
        return s
    }

    /// Any registered estimator, of whatever kind, configured by `options`.
    public func estimator(_ name: String, options: [String: ParameterValue] = [:]) throws -> ErasedEstimator {
        let entry = try entry(name)
        return entry.erase(try entry.configure(options))
    }

    /// A configuration value erased through its registration (so that code holding a concrete
    /// configuration, such as a factorisation spec building an `NMF`, runs it like any other).
    /// Throws `RegistryError.unknown` when its type is not registered.
    public func erase<E: RegisteredEstimator>(_ configuration: E) throws -> ErasedEstimator {
        let entry = try entry(E.estimatorName)
        guard entry.configurationType == String(describing: E.self) else {
            throw RegistryError.unknown(name: E.estimatorName + " (as \(E.self))", known: entries().map(\.name))
        }
        try configuration.validate()
        return entry.erase(configuration)
    }

    /// Any registered estimator's conformance configuration, erased (for the conformance suite).
    public func conformanceEstimator(_ name: String) throws -> ErasedEstimator {
        let entry = try entry(name)
        return entry.erase(entry.conformanceConfiguration)
    }

    // MARK: - Private

    private let lock = NSLock()
    private var byName = [String: EstimatorEntry]()

    private func add<E: RegisteredEstimator>(
        _ type: E.Type, kind: EstimatorKind, erase: @escaping @Sendable (any RegisteredEstimator) -> ErasedEstimator,
        decodeModel: @escaping @Sendable (KeyedDecodingContainer<ErasedCodingKeys>) throws -> any Sendable
    ) throws {
        let name = E.estimatorName
        guard !name.isEmpty, name.allSatisfy({ $0.isLowercase || $0.isNumber || $0 == "-" }) else {
            throw RegistryError.invalidName(name: name)
        }
        let defaults = try EstimatorOptions.flatten(E.defaultConfiguration)
        let entry = EstimatorEntry(
            name: name, kind: kind, summary: E.summary, defaults: defaults, optionHelp: E.optionHelp,
            acceptsMissingValues: E.acceptsMissingValues, configurationType: String(describing: E.self),
            configure: { options in
                let configuration = try EstimatorOptions.configure(E.self, estimator: name, defaults: defaults, options: options)
                try configuration.validate()
                return configuration
            },
            conformanceConfiguration: E.conformanceConfiguration,
            decodeConfiguration: { try $0.decode(E.self, forKey: .configuration) },
            erase: erase, decodeModel: decodeModel)
        try lock.withLock {
            if let existing = byName[name] {
                throw RegistryError.duplicate(name: name, existing: existing.configurationType, new: entry.configurationType)
            }
            byName[name] = entry
        }
    }

    private func erased(_ name: String, _ kind: EstimatorKind, _ options: [String: ParameterValue]) throws -> ErasedEstimator {
        let entry = try entry(name)
        guard entry.kind == kind else {
            throw RegistryError.wrongKind(name: name, kind: entry.kind, expected: kind,
                                          candidates: entries(of: kind).map(\.name))
        }
        return entry.erase(try entry.configure(options))
    }
}

/// One registered estimator: what `almagest models` lists, and how to build it.
public struct EstimatorEntry: @unchecked Sendable {
    public let name: String
    public let kind: EstimatorKind
    public let summary: String
    /// The default options (the flattened default configuration).
    public let defaults: [String: ParameterValue]
    /// Help by option key.
    public let optionHelp: [String: String]
    /// NaN is a missing value it handles, not bad input (`RegisteredEstimator.acceptsMissingValues`).
    public let acceptsMissingValues: Bool
    /// The Swift type of the configuration, e.g. `KMeans`.
    public let configurationType: String

    let configure: @Sendable ([String: ParameterValue]) throws -> any RegisteredEstimator
    let conformanceConfiguration: any RegisteredEstimator
    let decodeConfiguration: @Sendable (KeyedDecodingContainer<ErasedCodingKeys>) throws -> any RegisteredEstimator
    let erase: @Sendable (any RegisteredEstimator) -> ErasedEstimator
    let decodeModel: @Sendable (KeyedDecodingContainer<ErasedCodingKeys>) throws -> any Sendable
}

/// A registered estimator of any kind, ready to fit.
public enum ErasedEstimator: Sendable {
    case transformer(AnyTransformer<Matrix<Double>>)
    case clusterer(AnyClusterer<Matrix<Double>>)
    case classifier(AnyClassifier<Matrix<Double>>)
    case imageClassifier(AnyClassifier<SampleArray>)
    case factorizer(AnyFactorizer)
    case sampler(AnySampler<Matrix<Double>>)
}

/// Errors of the estimator registry.
public enum RegistryError: Error, Equatable, Sendable, CustomStringConvertible {
    case unknown(name: String, known: [String])
    case wrongKind(name: String, kind: EstimatorKind, expected: EstimatorKind, candidates: [String])
    case duplicate(name: String, existing: String, new: String)
    case invalidName(name: String)

    public var description: String {
        switch self {
        case let .unknown(name, known):
            return "unknown estimator \"\(name)\": expected one of \(known.joined(separator: ", "))"
        case let .wrongKind(name, kind, expected, candidates):
            return "\(name) is a \(kind.rawValue), not a \(expected.rawValue): expected one of "
                + (candidates.isEmpty ? "(none registered)" : candidates.joined(separator: ", "))
        case let .duplicate(name, existing, new):
            return "the estimator name \"\(name)\" is taken by \(existing); \(new) needs another name"
        case let .invalidName(name):
            return "invalid estimator name \"\(name)\": expected lower-case letters, digits and dashes"
        }
    }
}

import AlmagestCore

/// A registered estimator named with its options, as experiment files, pipelines and the command
/// line give it: `{"name": "kmeans", "options": {"clusters": 10}}`. Options not given keep the
/// estimator's defaults.
///
/// ```swift
/// let spec = EstimatorSpec("mlp", options: ["hidden_layer_sizes": "95,95", "epochs": 30])
/// let mlp = try spec.classifier()          // AnyClassifier, validated
/// ```
public struct EstimatorSpec: Codable, Sendable, Equatable {
    /// The registered name.
    public var name: String
    /// Options over the defaults, by snake_case key.
    public var options: [String: ParameterValue]

    public init(_ name: String, options: [String: ParameterValue] = [:]) {
        self.name = name
        self.options = options
    }

    /// These options with `overrides` set where the estimator has such an option (an experiment's
    /// shared settings such as `clusters` or `seed`); other overrides are left out.
    public func overriding(_ overrides: [String: ParameterValue], registry: EstimatorRegistry = .shared) throws -> EstimatorSpec {
        let defaults = try registry.entry(name).defaults
        var spec = self
        for (key, value) in overrides where defaults[key] != nil { spec.options[key] = value }
        return spec
    }

    public func transformer(registry: EstimatorRegistry = .shared) throws -> AnyTransformer<Matrix<Double>> {
        try registry.transformer(name, options: options)
    }

    public func clusterer(registry: EstimatorRegistry = .shared) throws -> AnyClusterer<Matrix<Double>> {
        try registry.clusterer(name, options: options)
    }

    public func classifier(registry: EstimatorRegistry = .shared) throws -> AnyClassifier<Matrix<Double>> {
        try registry.classifier(name, options: options)
    }

    public func factorizer(registry: EstimatorRegistry = .shared) throws -> AnyFactorizer {
        try registry.factorizer(name, options: options)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        options = try c.decodeIfPresent([String: ParameterValue].self, forKey: .options) ?? [:]
    }
}

import AlmagestCore

/// An estimator configuration that can be registered in an `EstimatorRegistry` and so be found by
/// name: by the command line (`--algorithm kmeans`, `--model mlp`, `almagest models`), by the
/// experiments, pipelines, the conformance suite, and later the prediction server and sweeps.
///
/// Its options are the configuration itself: every stored property, encoded with snake_case keys
/// and nested values joined by dots (`max_iterations`, `hidden_layer_sizes`), so that run
/// parameters and command-line options never need a hand-written map. A registered configuration
/// should therefore have no optional properties (a missing key cannot be set) and property names
/// that survive the snake_case round trip (`useKDTree` does not: write `useKdTree`); the
/// conformance suite checks the round trip.
///
/// ```swift
/// extension KMeans: RegisteredEstimator {
///     public static let estimatorName = "kmeans"
///     public static let summary = "k-means (Lloyd) with k-means++ starts and restarts"
///     public static var defaultConfiguration: KMeans { KMeans(clusters: 8) }
/// }
/// // and one line in StandardEstimators.swift: try registry.register(clusterer: KMeans.self)
/// ```
public protocol RegisteredEstimator: Codable, Sendable, Equatable {
    /// The name users give, lower-case words joined by dashes (`kmeans`, `standard-scaler`).
    static var estimatorName: String { get }
    /// One line saying what it does, for `almagest models`.
    static var summary: String { get }
    /// The configuration a user gets when giving no option.
    static var defaultConfiguration: Self { get }
    /// Help for options by key (snake_case), shown by `almagest models`; keys not listed are
    /// shown with their default only.
    static var optionHelp: [String: String] { get }
    /// A configuration that fits in well under a second on the conformance suite's small data
    /// (defaults to `defaultConfiguration`).
    static var conformanceConfiguration: Self { get }
    /// Whether NaN is a value it handles (a missing value) rather than bad input: false for every
    /// estimator but the imputers. The conformance suite then expects a fit on data with NaN to
    /// succeed instead of throwing (infinities must still be refused).
    static var acceptsMissingValues: Bool { get }
    /// Throws `FitError.invalidParameter` for the first setting outside its range.
    func validate() throws
    /// The algorithm a run of this configuration is logged under (default: the registered name;
    /// NMF adds its method: `nmf-mu`).
    var algorithmName: String { get }
    /// A short label of this configuration for tables and figure titles (default: the
    /// algorithm name).
    var label: String { get }
}

extension RegisteredEstimator {
    public static var optionHelp: [String: String] { [:] }
    public static var conformanceConfiguration: Self { defaultConfiguration }
    public static var acceptsMissingValues: Bool { false }
    public var algorithmName: String { Self.estimatorName }
    public var label: String { algorithmName }

    /// The configuration as run parameters: its options, flattened (`EstimatorOptions.flatten`).
    public var parameters: [String: ParameterValue] {
        get throws { try EstimatorOptions.flatten(self) }
    }
}

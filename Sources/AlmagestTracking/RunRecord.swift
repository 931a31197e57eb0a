import AlmagestCore
import Foundation

/// One line of `runs/runs.jsonl`: everything known about a run at one moment.
///
/// A run appends a record when it starts (`status == .running`) and another when it ends; the
/// log is append-only, and the newest record of an id is the run's state. A run whose newest
/// record still says `.running` when a new store opens was interrupted, and is marked failed.
public struct RunRecord: Codable, Sendable, Equatable {
    /// Unique id, e.g. `20261122-034512-digits-hog-1a2b3c`.
    public var id: String
    /// The experiment (a folder under the store root), e.g. `digits`.
    public var experiment: String
    /// The algorithm, e.g. `kmeans`.
    public var algorithm: String
    /// Every hyper-parameter and setting of the run.
    public var parameters: [String: ParameterValue]
    /// Scores, by name (`adjusted_mutual_info`, `inertia`, ...).
    public var metrics: [String: Double]
    /// What each metric means (better higher or lower, its range); nil in logs from before 0.2.
    public var metricSpecs: [MetricSpec]?
    /// Durations in seconds, by phase (`features`, `fit`, `total`, ...).
    public var timings: [String: Double]
    public var status: RunStatus
    /// The error message of a failed run.
    public var error: String?
    /// Files of the run, relative to its directory.
    public var artifacts: [String]
    public var startedAt: Date
    public var endedAt: Date?
    /// The Almagest version that made the run.
    public var version: String
    /// The run directory, relative to the store root (`digits/<id>`).
    public var directory: String
    /// The process that writes the run, as `host:pid`, so that a store opened by another process
    /// can tell a run in progress from one whose process died (nil in logs from before 0.1.0).
    public var writer: String?
    /// The sweep that started the run (`almagest sweep`) and the run's key in it, from the
    /// environment of the process (`ALMAGEST_SWEEP`, `ALMAGEST_SWEEP_KEY`); nil outside sweeps.
    public var sweep: String?
    public var sweepKey: String?

    public init(
        id: String, experiment: String, algorithm: String, parameters: [String: ParameterValue],
        metrics: [String: Double] = [:], metricSpecs: [MetricSpec]? = nil, timings: [String: Double] = [:], status: RunStatus = .running,
        error: String? = nil, artifacts: [String] = [], startedAt: Date, endedAt: Date? = nil,
        version: String, directory: String, writer: String? = nil
    ) {
        self.writer = writer
        self.id = id
        self.experiment = experiment
        self.algorithm = algorithm
        self.parameters = parameters
        self.metrics = metrics
        self.metricSpecs = metricSpecs
        self.timings = timings
        self.status = status
        self.error = error
        self.artifacts = artifacts
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.version = version
        self.directory = directory
    }
}

/// Where a run stands.
public enum RunStatus: String, Codable, Sendable {
    case running, finished, failed
}

extension RunRecord {
    /// The logged meaning of `metric`; nil when the run logged none (logs from before 0.2).
    public func spec(of metric: String) -> MetricSpec? { metricSpecs?.first { $0.name == metric } }
}

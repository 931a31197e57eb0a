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

    public init(
        id: String, experiment: String, algorithm: String, parameters: [String: ParameterValue],
        metrics: [String: Double] = [:], timings: [String: Double] = [:], status: RunStatus = .running,
        error: String? = nil, artifacts: [String] = [], startedAt: Date, endedAt: Date? = nil,
        version: String, directory: String, writer: String? = nil
    ) {
        self.writer = writer
        self.id = id
        self.experiment = experiment
        self.algorithm = algorithm
        self.parameters = parameters
        self.metrics = metrics
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

/// A parameter value as it is logged: JSON's scalar types and lists of them.
public enum ParameterValue: Codable, Sendable, Equatable, CustomStringConvertible,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral
{
    case int(Int)
    case double(Double)
    case string(String)
    case bool(Bool)
    case list([ParameterValue])

    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let l = try? c.decode([ParameterValue].self) {
            self = .list(l)
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a number, string, Boolean or list")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case let .int(v): try c.encode(v)
        case let .double(v): try c.encode(v)
        case let .string(v): try c.encode(v)
        case let .bool(v): try c.encode(v)
        case let .list(v): try c.encode(v)
        }
    }

    public var description: String {
        switch self {
        case let .int(v): return "\(v)"
        case let .double(v): return "\(v)"
        case let .string(v): return v
        case let .bool(v): return "\(v)"
        case let .list(v): return "[" + v.map(\.description).joined(separator: ", ") + "]"
        }
    }
}

import Foundation

/// A question to the run index: which runs, in which order, how many.
///
/// Every filter that is set must hold (they are combined with AND). Parameter filters compare the
/// logged value's text (`"hog"`, `"10"`, `"true"`) and, when both sides are numbers, the numbers
/// (so `clusters=10` matches `10` and `10.0`). Cost: one SQL query over indexed tables.
///
/// ```swift
/// var query = RunQuery(experiment: "digits")
/// query.parameters["descriptor"] = "hog"
/// query.metricRanges = [try MetricRange(parsing: "adjusted_mutual_information>=0.5")]
/// query.sort = RunSort(.metric("adjusted_mutual_information"), descending: true)
/// let runs = try store.index.runs(matching: query)
/// ```
public struct RunQuery: Sendable, Equatable {
    public var experiment: String?
    public var algorithm: String?
    public var status: RunStatus?
    /// Parameter name → wanted value, as text.
    public var parameters: [String: String]
    /// Metrics that must lie in a range (a run without the metric does not match).
    public var metricRanges: [MetricRange]
    /// A case-insensitive piece of the id, experiment or algorithm.
    public var text: String?
    public var sort: RunSort
    /// At most this many runs (nil: all).
    public var limit: Int?
    /// Runs skipped before the first one returned (paging).
    public var offset: Int

    public init(
        experiment: String? = nil, algorithm: String? = nil, status: RunStatus? = nil,
        parameters: [String: String] = [:], metricRanges: [MetricRange] = [], text: String? = nil,
        sort: RunSort = RunSort(.started), limit: Int? = nil, offset: Int = 0
    ) {
        self.experiment = experiment
        self.algorithm = algorithm
        self.status = status
        self.parameters = parameters
        self.metricRanges = metricRanges
        self.text = text
        self.sort = sort
        self.limit = limit
        self.offset = offset
    }
}

/// An inclusive range on one metric; either end may be open.
public struct MetricRange: Sendable, Equatable {
    public var metric: String
    public var lower: Double?
    public var upper: Double?

    public init(metric: String, lower: Double? = nil, upper: Double? = nil) {
        self.metric = metric
        self.lower = lower
        self.upper = upper
    }

    /// Parses `name>=x`, `name<=x` or `name=x` (exactly x).
    public init(parsing text: String) throws {
        for op in [">=", "<=", "="] {
            guard let r = text.range(of: op) else { continue }
            let name = String(text[..<r.lowerBound]).trimmingCharacters(in: .whitespaces)
            let valueText = String(text[r.upperBound...]).trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty, let value = Double(valueText) else { break }
            self.init(
                metric: name, lower: op == "<=" ? nil : value, upper: op == ">=" ? nil : value)
            return
        }
        throw QueryError.badFilter(text: text, expected: "METRIC>=NUMBER, METRIC<=NUMBER or METRIC=NUMBER")
    }
}

/// What runs are ordered by.
public enum RunSortKey: Sendable, Equatable {
    case started, id, experiment, algorithm, status
    /// A metric's value; runs without it come last.
    case metric(String)

    /// `started`, `id`, `experiment`, `algorithm`, `status`, or any other name as a metric.
    public init(name: String) {
        switch name {
        case "started": self = .started
        case "id": self = .id
        case "experiment": self = .experiment
        case "algorithm": self = .algorithm
        case "status": self = .status
        default: self = .metric(name)
        }
    }

    /// The name `init(name:)` reads back.
    public var name: String {
        switch self {
        case .started: return "started"
        case .id: return "id"
        case .experiment: return "experiment"
        case .algorithm: return "algorithm"
        case .status: return "status"
        case let .metric(m): return m
        }
    }
}

/// An order of runs.
public struct RunSort: Sendable, Equatable {
    public var key: RunSortKey
    public var descending: Bool

    public init(_ key: RunSortKey, descending: Bool = false) {
        self.key = key
        self.descending = descending
    }
}

/// One experiment of the store, summarised.
public struct ExperimentSummary: Sendable, Equatable {
    public var name: String
    public var runs: Int
    public var finished: Int
    public var failed: Int
    public var algorithms: [String]
    public var lastStarted: Date?
}

/// Errors of run queries.
public enum QueryError: Error, Equatable, Sendable, CustomStringConvertible {
    case badFilter(text: String, expected: String)
    case index(path: String, reason: String)

    public var description: String {
        switch self {
        case let .badFilter(text, expected): return "cannot read the filter \"\(text)\": expected \(expected)"
        case let .index(path, reason): return "the run index \(path) cannot be used: \(reason)"
        }
    }
}

/// What a metric means for ranking runs: its name, whether higher or lower is better, and the
/// range its values can take (nil: unbounded on that side). Experiments log one per metric with
/// the run (`RunRecord.metricSpecs`), and the dashboard and `almagest runs` take the direction
/// from there, never from the metric's name.
///
/// ```swift
/// let ami = MetricSpec("adjusted_mutual_information", .maximize, range: -1...1)
/// let inertia = MetricSpec("inertia", .minimize, lower: 0)
/// ```
public struct MetricSpec: Codable, Sendable, Equatable {
    public let name: String
    public let goal: MetricGoal
    /// Smallest possible value, when bounded.
    public let lower: Double?
    /// Largest possible value, when bounded.
    public let upper: Double?

    public init(_ name: String, _ goal: MetricGoal, lower: Double? = nil, upper: Double? = nil) {
        self.name = name
        self.goal = goal
        self.lower = lower
        self.upper = upper
    }

    public init(_ name: String, _ goal: MetricGoal, range: ClosedRange<Double>) {
        self.init(name, goal, lower: range.lowerBound, upper: range.upperBound)
    }

    /// A score in [0, 1], higher is better (accuracy, F1, homogeneity, ...).
    public static func score(_ name: String) -> MetricSpec { MetricSpec(name, .maximize, range: 0...1) }

    /// A count or size reported for information (rows, iterations); ranked higher-first, unbounded above.
    public static func count(_ name: String) -> MetricSpec { MetricSpec(name, .maximize, lower: 0) }

    /// A non-negative loss or error, lower is better.
    public static func loss(_ name: String) -> MetricSpec { MetricSpec(name, .minimize, lower: 0) }
}

/// Whether a metric is better high (accuracy, AMI) or low (inertia, loss).
public enum MetricGoal: String, Codable, Sendable, CaseIterable {
    case maximize = "max", minimize = "min"
}

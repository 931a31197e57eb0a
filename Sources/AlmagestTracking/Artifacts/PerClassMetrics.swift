/// The per-class scores of a classification run in its metrics: `class_<name>_<score>` for
/// precision, recall, F1 and support. The experiment writes them and the dashboard reads them
/// through this one definition.
///
/// ```swift
/// let key = PerClassMetrics.key(class: "h", score: .recall)     // "class_h_recall"
/// ```
public enum PerClassMetrics {
    public enum Score: String, CaseIterable, Sendable {
        case precision, recall, f1, support
    }

    /// The metric name of one class's score.
    public static func key(class name: String, score: Score) -> String { "class_\(name)_\(score.rawValue)" }

    /// The spec of a per-class metric name, nil for other names.
    public static func spec(of name: String) -> MetricSpec? {
        guard name.hasPrefix("class_") else { return nil }
        for score in Score.allCases where name.hasSuffix("_" + score.rawValue) {
            return score == .support ? .count(name) : .score(name)
        }
        return nil
    }
}

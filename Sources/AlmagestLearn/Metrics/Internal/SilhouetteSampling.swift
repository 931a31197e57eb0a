import Foundation
import AlmagestCore

/// How a clustering run measures the silhouette, whose exact value costs O(n² d): on every row, on
/// a seeded sample stratified by cluster (scikit-learn's `silhouette_score(sample_size=...)`, with
/// the sample drawn per cluster so that small clusters keep their share), or not at all.
/// Text form, as the command line takes it: `exact`, `sample=N`, `off`.
///
/// ```swift
/// let rows = SilhouetteMode.sample(10_000).rows(labels: model.labels, seed: 0)   // nil: every row
/// ```
public enum SilhouetteMode: Codable, Sendable, Equatable, CustomStringConvertible {
    case exact
    case sample(Int)
    case off

    /// The default: a sample of 10,000 rows (every row below that).
    public static let standard = SilhouetteMode.sample(10_000)

    /// Reads `exact`, `off` or `sample=N` (N ≥ 2); throws `FitError.invalidParameter` otherwise.
    public init(parsing text: String) throws {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        if t == "exact" { self = .exact; return }
        if t == "off" { self = .off; return }
        if t.hasPrefix("sample="), let n = Int(t.dropFirst("sample=".count)), n >= 2 { self = .sample(n); return }
        throw FitError.invalidParameter(name: "silhouette", value: text, expected: "exact, off or sample=N with N >= 2")
    }

    public var description: String {
        switch self {
        case .exact: return "exact"
        case let .sample(n): return "sample=\(n)"
        case .off: return "off"
        }
    }

    /// The rows to measure, ascending; nil for every row (exact, or fewer rows than the sample):
    /// `StratifiedSample.rows`, each cluster giving its share. Cost: O(n).
    public func rows(labels: [Int], seed: Int) -> [Int]? {
        guard case let .sample(size) = self, size < labels.count else { return nil }
        return StratifiedSample.rows(labels: labels, size: size, seed: seed)
    }

    public init(from decoder: Decoder) throws {
        self = try SilhouetteMode(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

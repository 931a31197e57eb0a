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

    /// The rows to measure, ascending; nil for every row (exact, or fewer rows than the sample).
    /// Each cluster gives its share of the sample (largest remainders first, at least one row of
    /// every cluster), drawn by the random stream `seed`. Cost: O(n).
    public func rows(labels: [Int], seed: Int) -> [Int]? {
        guard case let .sample(size) = self, size < labels.count else { return nil }
        var members = [Int: [Int]]()
        for (i, label) in labels.enumerated() { members[label, default: []].append(i) }
        let clusters = members.keys.sorted()
        let n = Double(labels.count)
        let quotas = clusters.map { Double(members[$0]!.count) * Double(size) / n }
        var take = quotas.map { max(1, Int($0)) }
        var remaining = size - take.reduce(0, +)
        for k in quotas.indices.sorted(by: { quotas[$0] - quotas[$0].rounded(.down) > quotas[$1] - quotas[$1].rounded(.down) })
        where remaining > 0 && take[k] < members[clusters[k]]!.count {
            take[k] += 1
            remaining -= 1
        }
        var rng = RandomStream(seed: seed)
        var chosen = [Int]()
        for (k, label) in clusters.enumerated() {
            var rows = members[label]!
            rng.shuffle(&rows)
            chosen += rows.prefix(min(take[k], rows.count))
        }
        return chosen.sorted()
    }

    public init(from decoder: Decoder) throws {
        self = try SilhouetteMode(parsing: try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

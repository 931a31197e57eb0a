/// A seeded sample of rows stratified by label: each label keeps its share of the sample (largest
/// remainders first, and at least one row of every label), the rows of a label drawn by the random
/// stream `seed`. For measuring a sampled silhouette and drawing a large scatter.
/// Cost: O(n) time and memory.
///
/// ```swift
/// let rows = StratifiedSample.rows(labels: clusters, size: 10_000, seed: 0)   // ascending
/// ```
public enum StratifiedSample {
    /// `size` rows (every row when `size` ≥ the count), ascending.
    public static func rows(labels: [Int], size: Int, seed: Int) -> [Int] {
        guard size < labels.count else { return Array(labels.indices) }
        var members = [Int: [Int]]()
        for (i, label) in labels.enumerated() { members[label, default: []].append(i) }
        let groups = members.keys.sorted()
        let n = Double(labels.count)
        let quotas = groups.map { Double(members[$0]!.count) * Double(max(size, 0)) / n }
        var take = quotas.map { max(1, Int($0)) }
        var remaining = size - take.reduce(0, +)
        let byRemainder = quotas.indices.sorted {
            (quotas[$0] - quotas[$0].rounded(.down), -$0) > (quotas[$1] - quotas[$1].rounded(.down), -$1)
        }
        for k in byRemainder where remaining > 0 && take[k] < members[groups[k]]!.count {
            take[k] += 1
            remaining -= 1
        }
        var rng = RandomStream(seed: seed)
        var chosen = [Int]()
        chosen.reserveCapacity(size)
        for (k, label) in groups.enumerated() {
            var rows = members[label]!
            rng.shuffle(&rows)
            chosen += rows.prefix(min(take[k], rows.count))
        }
        return chosen.sorted()
    }
}

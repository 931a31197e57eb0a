/// Quantiles of a sample by linear interpolation between order statistics (Hyndman & Fan,
/// "Sample quantiles in statistical packages", 1996, definition 7): numpy's default
/// `percentile(..., method="linear")`, which scikit-learn's `RobustScaler` and `SimpleImputer`
/// use. The q-quantile of n sorted values sits at position h = (n − 1) q, between the order
/// statistics ⌊h⌋ and ⌊h⌋ + 1, interpolated as numpy's `_lerp` does (from the nearer end).
/// Cost: O(n log n) for the sort, O(1) per quantile of sorted values.
///
/// ```swift
/// let sorted = column.sorted()
/// let iqr = Quantiles.linear(sorted, 0.75) - Quantiles.linear(sorted, 0.25)
/// ```
enum Quantiles {
    /// The q-quantile (q in [0, 1]) of `sorted`, which must be non-empty and ascending.
    static func linear(_ sorted: [Double], _ q: Double) -> Double {
        let h = Double(sorted.count - 1) * q
        let below = Swift.min(Swift.max(Int(h.rounded(.down)), 0), sorted.count - 1)
        let above = Swift.min(below + 1, sorted.count - 1)
        let t = h - Double(below)
        let a = sorted[below], b = sorted[above]
        return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t
    }

    /// The median: the mean of the two middle values for an even count (numpy's `median`).
    static func median(_ sorted: [Double]) -> Double {
        let n = sorted.count
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
    }
}

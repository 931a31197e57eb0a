import Foundation

/// Tick positions and labels for axes: "nice" 1-2-5 steps on linear axes, powers of ten (with 2
/// and 5 in between on short ranges) on logarithmic axes. The ticks always cover the data range,
/// so the first tick is at or below the minimum and the last at or above the maximum.
///
/// Cost: O(number of ticks). Usage:
/// ```swift
/// Ticks.linear(covering: 0.13, 0.87)          // [0, 0.2, 0.4, 0.6, 0.8, 1]
/// Ticks.logarithmic(covering: 0.003, 20)      // [0.001, 0.01, 0.1, 1, 10, 100]
/// Ticks.label(0.6000000000000001, step: 0.2)  // "0.6"
/// ```
public enum Ticks {
    /// The 1, 2 or 5 x 10^k step nearest to `span / count` (on a log scale).
    public static func niceStep(span: Double, count: Int) -> Double {
        let raw = abs(span) / Double(max(count, 1))
        guard raw.isFinite, raw > 0 else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let fraction = raw / magnitude
        // The 1-2-5 step nearest to the raw step on a log scale.
        let nice = [1.0, 2, 5, 10].min { abs(log(($0) / fraction)) < abs(log(($1) / fraction)) } ?? 1
        return nice * magnitude
    }

    /// About `count` ticks at a nice step covering `low...high` (a single value gets a small range around it).
    public static func linear(covering low: Double, _ high: Double, count: Int = 5) -> [Double] {
        var lo = min(low, high), hi = max(low, high)
        guard lo.isFinite, hi.isFinite else { return [0, 1] }
        if hi - lo <= abs(hi) * 1e-12 {
            let pad = lo == 0 ? 1 : abs(lo) * 0.1
            lo -= pad
            hi += pad
        }
        let step = niceStep(span: hi - lo, count: count)
        let first = (lo / step + 1e-9).rounded(.down), last = (hi / step - 1e-9).rounded(.up)
        guard last - first < 1000 else { return [lo, hi] }
        return stride(from: first, through: last, by: 1).map { k in
            let v = k * step
            return abs(v) < step * 1e-9 ? 0 : v
        }
    }

    /// Powers of ten covering `low...high` (both must be > 0); within two decades 2x and 5x ticks are added.
    public static func logarithmic(covering low: Double, _ high: Double) -> [Double] {
        let lo = min(low, high), hi = max(low, high)
        guard lo > 0, hi.isFinite, lo.isFinite else { return [1, 10] }
        let first = Int(log10(lo).rounded(.down))
        var last = Int(log10(hi).rounded(.up))
        if first == last { last += 1 }
        let decades = last - first
        var ticks: [Double] = []
        for k in first...last {
            let base = pow(10, Double(k))
            ticks.append(base)
            if decades <= 2 && k < last { ticks += [2 * base, 5 * base] }
        }
        // Keep the covering ticks only: drop multiples beyond the outermost ones needed.
        let lower = ticks.last { $0 <= lo * (1 + 1e-12) } ?? ticks[0]
        let upper = ticks.first { $0 >= hi * (1 - 1e-12) } ?? ticks[ticks.count - 1]
        return ticks.filter { $0 >= lower && $0 <= upper }
    }

    /// A short label for a tick at a given step: enough decimals for the step, exponent notation
    /// for very large or very small magnitudes, never "-0".
    public static func label(_ value: Double, step: Double) -> String {
        guard value.isFinite else { return "" }
        let step = abs(step) > 0 && step.isFinite ? abs(step) : 1
        if abs(value) < step * 1e-6 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e6 || step < 1e-4 {
            let digits = max(1, Int(log10(magnitude).rounded(.down)) - Int(log10(step).rounded(.down)) + 1)
            return String(format: "%.\(min(digits, 6))g", value)
        }
        let decimals = max(0, Int((-log10(step) - 1e-9).rounded(.up)))
        return String(format: "%.\(min(decimals, 8))f", value)
    }

    /// A label for a tick on a logarithmic axis ("0.01", "100", "1e+06", "2e-05").
    public static func logLabel(_ value: Double) -> String {
        guard value > 0, value.isFinite else { return "" }
        if value >= 1e-3 && value < 1e5 {
            let decimals = max(0, Int((-log10(value) - 1e-9).rounded(.up)))
            return String(format: "%.\(decimals)f", value)
        }
        return String(format: "%.0e", value)
    }
}

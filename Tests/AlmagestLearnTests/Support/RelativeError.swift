import Foundation

/// Largest |a − b| / max(|b|, floor) over two equally shaped lists of rows.
func largestRelativeError(_ a: [[Double]], _ b: [[Double]], floor: Double = 1e-12) -> Double {
    zip(a, b).flatMap { zip($0, $1) }.reduce(0) { Swift.max($0, abs($1.0 - $1.1) / Swift.max(abs($1.1), floor)) }
}

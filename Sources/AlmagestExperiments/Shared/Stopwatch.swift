import Foundation

/// Wall-clock laps, for the seconds per phase that every run logs.
struct Stopwatch {
    private let start = DispatchTime.now().uptimeNanoseconds
    private var last = DispatchTime.now().uptimeNanoseconds

    /// Seconds since the previous lap (or the start).
    mutating func lap() -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { last = now }
        return Double(now - last) / 1e9
    }

    /// Seconds since the start.
    var total: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}

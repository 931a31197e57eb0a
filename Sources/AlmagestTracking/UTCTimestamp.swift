import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Dates as UTC text, the two ways runs show them: `readable` ("2026-11-22 06:15:03", tables and
/// pages) and `compact` ("20261122-061503", run ids). Built from `gmtime_r`, so it is thread-safe
/// and costs well under a microsecond — a `DateFormatter` made per call cost the dashboard's home
/// page a third of its time. Cost: O(1).
///
/// ```swift
/// UTCTimestamp.readable(Date(timeIntervalSince1970: 0))   // "1970-01-01 00:00:00"
/// ```
public enum UTCTimestamp {
    /// "yyyy-MM-dd HH:mm:ss".
    public static func readable(_ date: Date) -> String {
        let t = fields(date)
        return "\(t.year)-\(two(t.month))-\(two(t.day)) \(two(t.hour)):\(two(t.minute)):\(two(t.second))"
    }

    /// "yyyyMMdd-HHmmss".
    public static func compact(_ date: Date) -> String {
        let t = fields(date)
        return "\(t.year)\(two(t.month))\(two(t.day))-\(two(t.hour))\(two(t.minute))\(two(t.second))"
    }

    // MARK: - Private

    private static func fields(_ date: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        let seconds = date.timeIntervalSince1970
        var time = time_t(seconds.isFinite ? seconds.rounded(.down) : 0)
        var parts = tm()
        gmtime_r(&time, &parts)
        return (Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min),
                Int(parts.tm_sec))
    }

    private static func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
}

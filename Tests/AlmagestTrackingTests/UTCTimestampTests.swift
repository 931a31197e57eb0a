import AlmagestTracking
import Foundation
import Testing

@Suite struct UTCTimestampTests {
    /// The same text as a UTC `DateFormatter`, across leap years, month ends, before 1970 and
    /// fractions of a second (cut, not rounded).
    @Test(arguments: [0.0, 951_782_400, 1_790_000_000.999, 4_102_444_799, -1.5, 1_763_791_503.25])
    func equalsDateFormatter(seconds: Double) {
        let date = Date(timeIntervalSince1970: seconds)
        func formatted(_ pattern: String) -> String {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = pattern
            return f.string(from: date)
        }
        #expect(UTCTimestamp.readable(date) == formatted("yyyy-MM-dd HH:mm:ss"))
        #expect(UTCTimestamp.compact(date) == formatted("yyyyMMdd-HHmmss"))
    }
}

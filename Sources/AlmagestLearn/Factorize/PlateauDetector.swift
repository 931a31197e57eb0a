import AlmagestCore

/// Finds plateaus in a tracked series (the effective rank during NMF training): stretches of at
/// least `window` consecutive points whose values stay within `tolerance` of each other
/// (max − min ≤ tolerance).
///
/// `plateaus(in:)` segments a whole series greedily from the left (each plateau extended as far
/// as it stays within the tolerance, then the search resumes after it); `isOnPlateau(_:)` asks
/// whether the last `window` points form one, which drives early stopping. Cost: O(n · longest
/// plateau) for a series of n points; O(window) for `isOnPlateau`.
///
/// ```swift
/// let detector = PlateauDetector(window: 5, tolerance: 0.05)
/// detector.plateaus(in: [1, 1, 1, 1, 1, 2, 2.01, 2, 2, 2, 2])   // [0..<5, 5..<11]
/// ```
public struct PlateauDetector: Codable, Sendable, Equatable {
    /// Minimum number of points of a plateau (at least 2).
    public var window: Int
    /// Largest spread max − min within a plateau (>= 0).
    public var tolerance: Double

    public init(window: Int = 10, tolerance: Double = 0.05) {
        self.window = window
        self.tolerance = tolerance
    }

    /// Throws for a window below 2 or a negative or non-finite tolerance.
    public func validate() throws {
        try require(window >= 2, "plateau window", window, expected: "at least 2 points")
        try require(tolerance >= 0 && tolerance.isFinite, "plateau tolerance", tolerance, expected: "a finite number >= 0")
    }

    /// Index ranges of the plateaus, left to right, non-overlapping. NaN values break plateaus.
    public func plateaus(in values: [Double]) -> [Range<Int>] {
        var result = [Range<Int>]()
        var start = 0
        while start < values.count {
            var low = values[start], high = values[start]
            var end = start + 1
            if !low.isNaN {
                while end < values.count, !values[end].isNaN {
                    let nextLow = Swift.min(low, values[end]), nextHigh = Swift.max(high, values[end])
                    if nextHigh - nextLow > tolerance { break }
                    low = nextLow
                    high = nextHigh
                    end += 1
                }
            }
            if end - start >= window {
                result.append(start..<end)
                start = end
            } else {
                start += 1
            }
        }
        return result
    }

    /// True when the last `window` values lie within `tolerance` of each other.
    public func isOnPlateau(_ values: [Double]) -> Bool {
        guard values.count >= window else { return false }
        let tail = values.suffix(window)
        guard !tail.contains(where: \.isNaN), let low = tail.min(), let high = tail.max() else { return false }
        return high - low <= tolerance
    }
}

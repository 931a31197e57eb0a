import Foundation

/// How data values map to positions along an axis.
public enum AxisScale: Sendable, Equatable {
    case linear
    /// Base-10 logarithmic; values must be > 0.
    case logarithmic
}

/// A map from a data interval onto a pixel interval, linear or logarithmic, with its ticks.
///
/// Built with `AxisMapping.fitted(to:scale:pixels:)`, which widens the domain to the covering nice
/// ticks so that the axis starts and ends on a labelled tick. Cost: O(1) per mapped value.
///
/// ```swift
/// let x = AxisMapping.fitted(to: [0.3, 7.2], scale: .linear, pixels: (60, 600))
/// x.position(of: 4)          // a pixel x between 60 and 600
/// ```
public struct AxisMapping: Sendable, Equatable {
    public let scale: AxisScale
    public let domain: ClosedRange<Double>
    /// Pixel positions of `domain.lowerBound` and `domain.upperBound` (may run backwards, as on y).
    public let pixels: (start: Double, end: Double)
    public let ticks: [Double]
    public let labels: [String]

    public static func == (a: AxisMapping, b: AxisMapping) -> Bool {
        a.scale == b.scale && a.domain == b.domain && a.pixels == b.pixels && a.ticks == b.ticks
    }

    /// An axis spanning the nice ticks that cover `values` (which must be finite, and > 0 on a log axis).
    public static func fitted(
        to values: [Double], scale: AxisScale, pixels: (Double, Double), tickCount: Int = 5
    ) -> AxisMapping {
        let finite = values.filter { $0.isFinite && (scale == .linear || $0 > 0) }
        let lo = finite.min() ?? (scale == .linear ? 0 : 1), hi = finite.max() ?? (scale == .linear ? 1 : 10)
        switch scale {
        case .linear:
            let ticks = Ticks.linear(covering: lo, hi, count: tickCount)
            let step = ticks.count > 1 ? ticks[1] - ticks[0] : 1
            return AxisMapping(
                scale: .linear, domain: ticks[0]...ticks[ticks.count - 1], pixels: pixels, ticks: ticks,
                labels: ticks.map { Ticks.label($0, step: step) })
        case .logarithmic:
            let ticks = Ticks.logarithmic(covering: lo, hi)
            return AxisMapping(
                scale: .logarithmic, domain: ticks[0]...ticks[ticks.count - 1], pixels: pixels, ticks: ticks,
                labels: ticks.map(Ticks.logLabel))
        }
    }

    /// An axis over a fixed domain with given ticks (used where the range is known, e.g. 0...1).
    public init(
        scale: AxisScale, domain: ClosedRange<Double>, pixels: (Double, Double), ticks: [Double], labels: [String]
    ) {
        self.scale = scale
        self.domain = domain
        self.pixels = (start: pixels.0, end: pixels.1)
        self.ticks = ticks
        self.labels = labels
    }

    /// The pixel position of a data value (values outside the domain map outside the pixel range).
    public func position(of value: Double) -> Double {
        let t: Double
        switch scale {
        case .linear:
            let span = domain.upperBound - domain.lowerBound
            t = span > 0 ? (value - domain.lowerBound) / span : 0.5
        case .logarithmic:
            let lo = log10(domain.lowerBound), hi = log10(domain.upperBound)
            t = hi > lo && value > 0 ? (log10(value) - lo) / (hi - lo) : 0
        }
        return pixels.start + t * (pixels.end - pixels.start)
    }

    /// Tick positions in pixels.
    public var tickPositions: [Double] { ticks.map(position(of:)) }
}

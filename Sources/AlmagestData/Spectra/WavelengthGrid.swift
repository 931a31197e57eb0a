import AlmagestCore
import Foundation

/// A common wavelength grid for spectra: `count` points from `start` to `end` (Angstrom, both
/// included), evenly spaced in wavelength (`.linear`) or in log10 wavelength (`.logarithmic`, as
/// SDSS samples its spectra: 1e-4 dex per pixel, 69 km/s). Stored as these four numbers, so a
/// preparation or a run's parameters stay small; `wavelengths` computes the points.
///
/// ```swift
/// let grid = WavelengthGrid(start: 3800, end: 9200, count: 3600)               // log-spaced
/// let sdss = WavelengthGrid.logarithmic(start: 3800, end: 9200, step: 1e-4)
/// grid.wavelengths[0]   // 3800
/// ```
public struct WavelengthGrid: Codable, Sendable, Equatable {
    /// How the points are spaced.
    public enum Spacing: String, Codable, Sendable, CaseIterable {
        case linear, logarithmic
    }

    /// First wavelength (Angstrom).
    public var start: Double
    /// Last wavelength (Angstrom).
    public var end: Double
    /// Number of points (at least 2).
    public var count: Int
    public var spacing: Spacing

    public init(start: Double, end: Double, count: Int, spacing: Spacing = .logarithmic) {
        self.start = start
        self.end = end
        self.count = count
        self.spacing = spacing
    }

    /// A log-spaced grid with `step` dex between points, from `start` to the last point not past `end`.
    public static func logarithmic(start: Double, end: Double, step: Double) -> WavelengthGrid {
        let n = step > 0 && start > 0 && end > start ? Int((log10(end / start) / step + 1e-9).rounded(.down)) + 1 : 0
        return WavelengthGrid(start: start, end: start * pow(10, Double(max(n - 1, 0)) * step), count: n, spacing: .logarithmic)
    }

    /// Checks the numbers: finite, 0 < start < end, count >= 2.
    public func validate() throws {
        try require(start.isFinite && start > 0, "grid.start", start, expected: "a positive wavelength in Angstrom")
        try require(end.isFinite && end > start, "grid.end", end, expected: "a wavelength greater than start (\(start))")
        try require(count >= 2, "grid.count", count, expected: "at least 2 points")
    }

    /// The grid points, increasing.
    public var wavelengths: [Double] { (0..<count).map(wavelength(at:)) }

    /// The wavelength of point `index` (fractional indices interpolate the spacing).
    public func wavelength(at index: Double) -> Double {
        let t = count > 1 ? index / Double(count - 1) : 0
        switch spacing {
        case .linear: return start + (end - start) * t
        case .logarithmic: return start * pow(end / start, t)
        }
    }

    public func wavelength(at index: Int) -> Double {
        // The ends exactly as given.
        index == count - 1 ? end : wavelength(at: Double(index))
    }

    /// The fractional index of `wavelength` (outside 0...count-1 when off the grid).
    public func position(of wavelength: Double) -> Double {
        let span = Double(count - 1)
        switch spacing {
        case .linear: return (wavelength - start) / (end - start) * span
        case .logarithmic: return log(wavelength / start) / log(end / start) * span
        }
    }
}

import Foundation

/// How each spectrum's flux is scaled so that spectra of different brightness compare by shape.
/// Missing values (NaN) are ignored and stay missing. Cost O(pixels) (median: O(p log p)).
///
/// ```swift
/// var row = spectrum.resampled(onto: grid)
/// let divisor = SpectrumNormalization.median.normalize(&row)   // nil: cannot be normalised
/// ```
public enum SpectrumNormalization: String, Codable, Sendable, CaseIterable {
    /// Flux left as it is.
    case none
    /// Divided by the median of the flux values, which must be positive (the median is robust
    /// to emission lines and sky residuals; SDSS-style composite spectra use it).
    case median
    /// Divided by the Euclidean norm of the flux values (unit L2 norm), which must be positive.
    case unitL2

    /// Scales the finite values of `values` in place and returns the divisor, or nil (values left
    /// unchanged) when the divisor is not positive and finite, e.g. a median flux of 0 or below.
    @discardableResult
    public func normalize(_ values: inout [Double]) -> Double? {
        let divisor: Double
        switch self {
        case .none: return 1
        case .median:
            let finite = values.filter(\.isFinite).sorted()
            guard !finite.isEmpty else { return nil }
            let m = finite.count / 2
            divisor = finite.count % 2 == 1 ? finite[m] : (finite[m - 1] + finite[m]) / 2
        case .unitL2:
            divisor = values.reduce(0.0) { $1.isFinite ? $0 + $1 * $1 : $0 }.squareRoot()
        }
        guard divisor > 0, divisor.isFinite else { return nil }
        for i in values.indices where values[i].isFinite { values[i] /= divisor }
        return divisor
    }
}

import AlmagestCore
import Foundation

/// How a spectrum is carried onto new wavelengths.
public enum ResamplingMethod: String, Codable, Sendable, CaseIterable {
    /// Linear interpolation between the two pixels around each new wavelength (NumPy's `interp`).
    /// Keeps the shape of narrow lines at the cost of flux when the new grid is coarser.
    case linear
    /// Flux-conserving rebinning (as in Carnall 2017, SpectRes): each pixel is a bin reaching
    /// halfway to its neighbours, and a new bin's value is the mean flux density over the old bins
    /// it overlaps, weighted by the overlap. The integral of flux over wavelength is kept wherever
    /// the new bins lie inside the spectrum.
    case fluxConserving
}

/// What happens to pixels without a measurement (`ivar == 0`) when resampling.
public enum MaskedPixels: String, Codable, Sendable, CaseIterable {
    /// Dropped before resampling: their neighbours bridge the gap.
    case interpolate
    /// Kept as holes: every new value that depends on one is missing (NaN).
    case missing
}

extension Spectrum {
    /// The flux on `grid`'s wavelengths. New wavelengths outside the spectrum (for the flux-conserving
    /// method: new bins not wholly inside it) are NaN, as are values touching a masked pixel when
    /// `maskedPixels` is `.missing`. Cost O(pixels + grid points).
    public func resampled(
        onto grid: WavelengthGrid, method: ResamplingMethod = .fluxConserving, maskedPixels: MaskedPixels = .interpolate
    ) -> [Double] {
        resampled(onto: grid.wavelengths, method: method, maskedPixels: maskedPixels)
    }

    /// The flux on the given increasing wavelengths (see `resampled(onto:method:maskedPixels:)`).
    public func resampled(
        onto targets: [Double], method: ResamplingMethod = .fluxConserving, maskedPixels: MaskedPixels = .interpolate
    ) -> [Double] {
        let source = maskedPixels == .interpolate ? droppingMissingPixels() : self
        let valid = (0..<source.count).map { !source.isMissing(at: $0) }
        switch method {
        case .linear: return Self.interpolate(source.wavelengths, source.flux, valid, at: targets)
        case .fluxConserving: return Self.rebin(source.wavelengths, source.flux, valid, onto: targets)
        }
    }

    // MARK: - Private

    private static func interpolate(_ x: [Double], _ y: [Double], _ valid: [Bool], at targets: [Double]) -> [Double] {
        var out = [Double](repeating: .nan, count: targets.count)
        guard let first = x.first, let last = x.last else { return out }
        var j = 0
        for (k, t) in targets.enumerated() where t >= first && t <= last {
            while j + 1 < x.count && x[j + 1] < t { j += 1 }
            if x[j] == t || j + 1 == x.count {
                out[k] = valid[j] ? y[j] : .nan
                continue
            }
            if x[j + 1] == t { out[k] = valid[j + 1] ? y[j + 1] : .nan; continue }
            guard valid[j] && valid[j + 1] else { continue }
            let w = (t - x[j]) / (x[j + 1] - x[j])
            out[k] = y[j] + w * (y[j + 1] - y[j])
        }
        return out
    }

    /// Bin edges of centres: halfway between neighbours, the outer ones half a spacing out.
    static func edges(of centres: [Double]) -> [Double] {
        let n = centres.count
        guard n >= 2 else { return [] }
        var e = [Double](repeating: 0, count: n + 1)
        e[0] = centres[0] - (centres[1] - centres[0]) / 2
        for i in 1..<n { e[i] = (centres[i - 1] + centres[i]) / 2 }
        e[n] = centres[n - 1] + (centres[n - 1] - centres[n - 2]) / 2
        return e
    }

    private static func rebin(_ x: [Double], _ y: [Double], _ valid: [Bool], onto targets: [Double]) -> [Double] {
        var out = [Double](repeating: .nan, count: targets.count)
        let old = edges(of: x), new = edges(of: targets)
        guard !old.isEmpty, !new.isEmpty else { return out }
        var i = 0
        for k in 0..<targets.count {
            let lo = new[k], hi = new[k + 1]
            let width = hi - lo
            guard lo >= old[0] - 1e-12 * abs(old[0]), hi <= old[x.count] + 1e-12 * abs(old[x.count]) else { continue }
            while i < x.count && old[i + 1] <= lo { i += 1 }
            var sum = 0.0, covered = 0.0, hole = false
            var j = i
            while j < x.count && old[j] < hi {
                let overlap = min(hi, old[j + 1]) - max(lo, old[j])
                if overlap > 0 {
                    if valid[j] { sum += overlap * y[j]; covered += overlap } else { hole = true }
                }
                j += 1
            }
            if !hole && covered > 0 && covered >= width * (1 - 1e-9) { out[k] = sum / covered }
        }
        return out
    }
}

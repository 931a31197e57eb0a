import AlmagestCore
import Foundation

/// How raw spectra become rows of one matrix: the steps `SpectraCollection.load` applies to each
/// spectrum, in this order:
/// 1. `restFrame`: wavelengths divided by `1 + z` (the file's redshift);
/// 2. masking: pixels with `ivar == 0` are missing; `maskedPixels` drops them before resampling
///    (`.interpolate`, neighbours bridge the gap) or keeps them as holes (`.missing`);
/// 3. resampling onto `grid` with `resampling` (when `grid` is nil: the widest log-spaced grid
///    with `logStep` dex per point that every spectrum covers, in the frame of step 1);
/// 4. `normalization` (median flux or unit L2 norm; a spectrum that cannot be normalised, e.g.
///    with a median flux <= 0, is dropped and reported);
/// 5. `missingValues`: what becomes of grid points still without a value (outside a spectrum's
///    coverage or, with `.missing`, next to a masked pixel).
/// The value is `Codable` so that it can be logged with a run; `validate()` checks it once.
///
/// ```swift
/// var preparation = SpectraPreparation()
/// preparation.grid = WavelengthGrid(start: 3800, end: 8600, count: 3000)
/// preparation.normalization = .unitL2
/// let spectra = try SpectraCollection.load(from: folder, preparation: preparation)
/// ```
public struct SpectraPreparation: Codable, Sendable, Equatable {
    /// What becomes of grid points without a value after resampling.
    public enum MissingValues: String, Codable, Sendable, CaseIterable {
        /// Left as NaN (estimators refuse NaN: impute them later).
        case keep
        /// Set to 0 (after normalisation).
        case zero
        /// Set to the nearest value on the grid (the edge value outside the coverage; inside a
        /// hole, the value on its nearer side).
        case nearest
        /// The whole spectrum is dropped (and reported) when any grid point lacks a value.
        case dropSpectrum
    }

    public var restFrame: Bool = true
    /// The common grid; nil derives it from the spectra (see the type's documentation).
    public var grid: WavelengthGrid? = nil
    /// Points per dex of the derived grid: its spacing in log10 wavelength (SDSS: 1e-4).
    public var logStep: Double = 1e-4
    public var resampling: ResamplingMethod = .fluxConserving
    public var maskedPixels: MaskedPixels = .interpolate
    public var normalization: SpectrumNormalization = .median
    public var missingValues: MissingValues = .nearest

    public init() {}

    /// Checks every setting once; errors name the setting, its value and what is expected.
    public func validate() throws {
        try grid?.validate()
        try require(logStep.isFinite && logStep > 0 && logStep < 1, "log_step", logStep, expected: "a positive step in dex, below 1 (SDSS: 1e-4)")
    }

    /// The row for one spectrum on `grid` (NaN where missing when `missingValues` is `.keep`), or
    /// nil and the reason when the spectrum is to be dropped.
    func row(for spectrum: Spectrum, on grid: WavelengthGrid) throws -> (row: [Double]?, reason: String?) {
        let frame = restFrame ? try spectrum.restFrame() : spectrum
        var row = frame.resampled(onto: grid, method: resampling, maskedPixels: maskedPixels)
        guard row.contains(where: \.isFinite) else {
            return (nil, "no flux on the grid \(grid.start)...\(grid.end) Angstrom (the spectrum covers \(frame.wavelengths.first ?? .nan)...\(frame.wavelengths.last ?? .nan))")
        }
        guard normalization.normalize(&row) != nil else {
            return (nil, "cannot normalise by \(normalization.rawValue): the divisor is not positive")
        }
        switch missingValues {
        case .keep: break
        case .zero: for i in row.indices where row[i].isNaN { row[i] = 0 }
        case .nearest: Self.fillNearest(&row)
        case .dropSpectrum:
            if let i = row.firstIndex(where: \.isNaN) {
                return (nil, "no value at \(grid.wavelength(at: i)) Angstrom (\(row.filter(\.isNaN).count) grid points missing)")
            }
        }
        return (row, nil)
    }

    /// Replaces each NaN by the nearest finite value (ties: the lower wavelength).
    static func fillNearest(_ row: inout [Double]) {
        let n = row.count
        var previous = [Int](repeating: -1, count: n), next = [Int](repeating: -1, count: n)
        var last = -1
        for i in 0..<n { if row[i].isFinite { last = i }; previous[i] = last }
        last = -1
        for i in stride(from: n - 1, through: 0, by: -1) { if row[i].isFinite { last = i }; next[i] = last }
        let original = row
        for i in 0..<n where original[i].isNaN {
            let p = previous[i], q = next[i]
            if p < 0 && q < 0 { continue }
            if p < 0 { row[i] = original[q] } else if q < 0 { row[i] = original[p] } else { row[i] = (i - p <= q - i) ? original[p] : original[q] }
        }
    }
}

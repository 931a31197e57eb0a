import AlmagestCore
import Foundation

/// Rest-frame template spectra for `SemiSyntheticSpectra`: one row per class on a uniform
/// `WavelengthGrid`, each split into a smooth continuum (a running median over `lineWindow`
/// pixels) and the residual lines (template minus continuum), so that line strength can be varied
/// apart from the continuum.
///
/// Templates come from real spectra (`init(collection:grouping:)`): each spectrum its own class,
/// or the mean spectrum of each `CLASS` or `SUBCLASS` (class means need at least one spectrum per
/// class; with SDSS's eight galaxies, `.eachSpectrum` gives eight classes). The collection must lie
/// on a grid (FITS input always does) and have no missing values. Cost O(classes x pixels x window).
///
/// ```swift
/// let real = try SpectraCollection.load(from: sdssFolder)
/// let templates = try SpectralTemplates(collection: real, grouping: .eachSpectrum)
/// ```
public struct SpectralTemplates: Sendable, Equatable {
    /// How real spectra become templates.
    public enum Grouping: String, Codable, Sendable, CaseIterable {
        case eachSpectrum, byClass, bySubclass
    }

    /// The grid of the templates.
    public let grid: WavelengthGrid
    /// One template per row (classes x grid points).
    public let flux: Matrix<Double>
    /// The smooth part of each template.
    public let continuum: Matrix<Double>
    /// The template minus its continuum: emission and absorption lines.
    public let lines: Matrix<Double>
    /// The class names, one per row.
    public let names: [String]

    /// Templates from explicit rows on `grid` (no NaN); `lineWindow` is the continuum's running
    /// median width in pixels (odd, at least 3).
    public init(grid: WavelengthGrid, flux: Matrix<Double>, names: [String], lineWindow: Int = 51) throws {
        try grid.validate()
        guard flux.rows >= 1, flux.columns == grid.count, names.count == flux.rows else {
            throw DataError.invalidDataset(
                reason: "templates need one name per row and one column per grid point: got \(flux.rows) x \(flux.columns) with \(names.count) names on a grid of \(grid.count)")
        }
        guard flux.elements.allSatisfy(\.isFinite) else {
            throw DataError.invalidDataset(reason: "template flux holds NaN or infinity; prepare the spectra with missing values filled")
        }
        try require(lineWindow >= 3 && lineWindow % 2 == 1, "line_window", lineWindow, expected: "an odd number of pixels, at least 3")
        self.grid = grid
        self.flux = flux
        self.names = names
        let smooth = Matrix(rows: flux.rows, columns: flux.columns) { (out: UnsafeMutableBufferPointer<Double>) in
            for r in 0..<flux.rows {
                let row = Array(flux.row(r))
                let m = Self.runningMedian(row, window: lineWindow)
                for j in 0..<flux.columns { out[r * flux.columns + j] = m[j] }
            }
        }
        continuum = smooth
        lines = Matrix(rows: flux.rows, columns: flux.columns) { i, j in flux[i, j] - smooth[i, j] }
    }

    /// Templates from prepared real spectra (see the type's documentation).
    public init(collection: SpectraCollection, grouping: Grouping = .eachSpectrum, lineWindow: Int = 51) throws {
        guard let grid = collection.grid else {
            throw DataError.invalidDataset(reason: "templates need spectra on a uniform wavelength grid (load them with a WavelengthGrid)")
        }
        guard collection.flux.rows > 0 else { throw DataError.invalidDataset(reason: "no spectra to build templates from") }
        switch grouping {
        case .eachSpectrum:
            let names = collection.sources.map { URL(fileURLWithPath: $0).deletingPathExtension().lastPathComponent }
            try self.init(grid: grid, flux: collection.flux, names: names, lineWindow: lineWindow)
        case .byClass, .bySubclass:
            let keys = grouping == .byClass ? collection.classes : collection.subclasses.map { $0.isEmpty ? "(none)" : $0 }
            let names = Array(Set(keys)).sorted()
            let w = collection.flux.columns
            let means = Matrix(rows: names.count, columns: w) { (out: UnsafeMutableBufferPointer<Double>) in
                for (k, name) in names.enumerated() {
                    let members = keys.indices.filter { keys[$0] == name }
                    for i in members { for j in 0..<w { out[k * w + j] += collection.flux[i, j] } }
                    for j in 0..<w { out[k * w + j] /= Double(members.count) }
                }
            }
            try self.init(grid: grid, flux: means, names: names, lineWindow: lineWindow)
        }
    }

    /// Number of templates (classes).
    public var count: Int { flux.rows }

    // MARK: - Private

    /// Median of the `window` values centred on each point (the window shrinks at the ends).
    static func runningMedian(_ x: [Double], window: Int) -> [Double] {
        let half = window / 2
        var out = [Double](repeating: 0, count: x.count)
        var buffer = [Double]()
        buffer.reserveCapacity(window)
        for i in x.indices {
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: x[max(0, i - half)...min(x.count - 1, i + half)])
            buffer.sort()
            let m = buffer.count / 2
            out[i] = buffer.count % 2 == 1 ? buffer[m] : (buffer[m - 1] + buffer[m]) / 2
        }
        return out
    }
}

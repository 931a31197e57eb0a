import AlmagestCore
import Foundation

/// Many spectra on one wavelength grid: a matrix with one row per spectrum and one column per grid
/// point, with each spectrum's redshift, class, subclass and source.
///
/// `load(from:)` is the one entry point for files:
/// - a folder: every `*.fits` file in it (sorted by name) is read as an SDSS spectrum
///   (`Spectrum(fits:)`) and prepared (`SpectraPreparation`: rest frame, masking, resampling,
///   normalisation, missing values), in parallel over files, phases reported through `ProgressLog`;
/// - a `.fits` file: that one spectrum;
/// - a `.csv`/`.tsv`/`.npy` matrix (read by `Dataset.load`, rows = spectra): when its column names
///   are increasing wavelengths and `preparation.grid` is given, each row is resampled onto the
///   grid; otherwise the columns are taken as the grid. Normalisation and missing values apply;
///   there is no redshift (NaN) and the class comes from `target` (a label column), if any. A
///   header of numbers only is not detected as a header: pass `csvOptions` with `header: .present`.
/// A file that cannot be read is an error naming it; a spectrum that cannot be used on the grid
/// (no coverage, a median flux <= 0, missing values under `.dropSpectrum`) is left out and listed
/// in `dropped` with the reason. Cost O(files x pixels), parallel over files.
///
/// ```swift
/// let spectra = try SpectraCollection.load(from: URL(fileURLWithPath: "sdss-spectra"), progress: .standardError)
/// spectra.flux            // 8 x 3600 on the common rest-frame grid
/// spectra.redshifts       // [0.0213, 0.0633, ...]
/// let data = try spectra.dataset()    // labels from CLASS
/// ```
public struct SpectraCollection: Sendable, Equatable {
    /// A spectrum left out, and why.
    public struct Dropped: Sendable, Equatable {
        public var source: String
        public var reason: String
    }

    /// One row per spectrum, one column per wavelength.
    public let flux: Matrix<Double>
    /// The wavelengths of the columns (Angstrom; rest frame when the preparation asked for it).
    public let wavelengths: [Double]
    /// The grid of the columns when they lie on one (always for FITS input).
    public let grid: WavelengthGrid?
    /// Per row: the survey's redshift (NaN when unknown).
    public let redshifts: [Double]
    /// Per row: the survey's class (empty when unknown).
    public let classes: [String]
    /// Per row: the survey's subclass (empty when unknown).
    public let subclasses: [String]
    /// Per row: the file (and row) it came from.
    public let sources: [String]
    /// Spectra left out, with the reason.
    public let dropped: [Dropped]

    /// Loads spectra from a folder of FITS files, one FITS file, or a CSV/NPY matrix (see the type).
    public static func load(
        from url: URL, preparation: SpectraPreparation = SpectraPreparation(), target: ColumnSelector? = nil,
        csvOptions: CSVOptions? = nil, progress: ProgressLog = .silent
    ) throws -> SpectraCollection {
        try preparation.validate()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
            throw DataError.io(path: url.path, reason: "no such file or folder")
        }
        if isDirectory.boolValue {
            let files = try progress.phase("list FITS files in \(url.lastPathComponent)") { try fitsFiles(in: url) }
            guard !files.isEmpty else { throw DataError.io(path: url.path, reason: "the folder holds no .fits files") }
            return try load(fits: files, preparation: preparation, progress: progress)
        }
        if url.pathExtension.lowercased() == "fits" || url.pathExtension.lowercased() == "fit" {
            return try load(fits: [url], preparation: preparation, progress: progress)
        }
        let data = try progress.phase("read \(url.lastPathComponent)") { try Dataset.load(from: url, target: target, csvOptions: csvOptions) }
        return try progress.phase("prepare \(data.count) spectra") { try fromMatrix(data, preparation: preparation) }
    }

    /// Prepares in-memory spectra as `load` prepares files (in parallel over spectra).
    public init(spectra: [Spectrum], preparation: SpectraPreparation = SpectraPreparation()) throws {
        try preparation.validate()
        let frames = try spectra.map { preparation.restFrame ? try $0.restFrame() : $0 }
        let grid = try preparation.grid ?? Self.commonGrid(coverages: frames.map { ($0.wavelengths.first ?? .nan, $0.wavelengths.last ?? .nan) }, step: preparation.logStep)
        let prepared = Parallel.map(spectra.count) { i in Result { try preparation.row(for: spectra[i], on: grid) } }
        self = try Self.assemble(
            prepared.map { try $0.get() }, meta: spectra.map { ($0.redshift, $0.spectralClass, $0.subclass, $0.source) }, grid: grid)
    }

    /// The collection as a data set: features are the flux rows, named by wavelength; labels are
    /// the classes (ids in sorted order of the names), or none when every class is unknown.
    public func dataset() throws -> Dataset {
        let names = wavelengths.map { String(format: "%.3f", $0) }
        let provenance = Dataset.Provenance(source: sources.count == 1 ? sources[0] : "\(sources.count) spectra")
        guard classes.contains(where: { !$0.isEmpty }) else {
            return try Dataset(features: flux, featureNames: names, provenance: provenance)
        }
        let classNames = Array(Set(classes)).sorted()
        let id = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
        return try Dataset(features: flux, labels: classes.map { id[$0]! }, featureNames: names, classNames: classNames, provenance: provenance)
    }

    init(
        flux: Matrix<Double>, wavelengths: [Double], grid: WavelengthGrid?, redshifts: [Double], classes: [String],
        subclasses: [String], sources: [String], dropped: [Dropped]
    ) {
        self.flux = flux
        self.wavelengths = wavelengths
        self.grid = grid
        self.redshifts = redshifts
        self.classes = classes
        self.subclasses = subclasses
        self.sources = sources
        self.dropped = dropped
    }

    // MARK: - Private

    private static func fitsFiles(in folder: URL) throws -> [URL] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw DataError.io(path: folder.path, reason: error.localizedDescription)
        }
        return names.filter { $0.lowercased().hasSuffix(".fits") || $0.lowercased().hasSuffix(".fit") }.sorted()
            .map { folder.appendingPathComponent($0) }
    }

    /// Files read in batches (so memory holds one batch of raw spectra), each batch in parallel.
    private static func load(fits files: [URL], preparation: SpectraPreparation, progress: ProgressLog) throws -> SpectraCollection {
        let grid: WavelengthGrid
        if let given = preparation.grid {
            grid = given
        } else {
            let coverages = try progress.phase("find the common coverage of \(files.count) spectra") {
                try Parallel.map(files.count) { i in
                    Result { () throws -> (Double, Double) in
                        let s = try Spectrum(fits: files[i])
                        let f = preparation.restFrame ? try s.restFrame() : s
                        return (f.wavelengths.first ?? .nan, f.wavelengths.last ?? .nan)
                    }
                }.map { try $0.get() }
            }
            grid = try commonGrid(coverages: coverages, step: preparation.logStep)
        }
        return try progress.phase("read and resample \(files.count) spectra onto \(grid.count) wavelengths") {
            var rows = [(row: [Double]?, reason: String?)]()
            var meta = [(Double, String, String, String)]()
            let batch = 4096
            for start in stride(from: 0, to: files.count, by: batch) {
                let part = Array(files[start..<min(start + batch, files.count)])
                let results = Parallel.map(part.count) { i in
                    Result { () throws -> ([Double]?, String?, Double, String, String, String) in
                        let s = try Spectrum(fits: part[i])
                        let (row, reason) = try preparation.row(for: s, on: grid)
                        return (row, reason, s.redshift, s.spectralClass, s.subclass, s.source)
                    }
                }
                for result in results {
                    let r = try result.get()
                    rows.append((r.0, r.1))
                    meta.append((r.2, r.3, r.4, r.5))
                }
            }
            return try assemble(rows, meta: meta, grid: grid)
        }
    }

    /// The widest log-spaced grid inside every spectrum's coverage.
    static func commonGrid(coverages: [(Double, Double)], step: Double) throws -> WavelengthGrid {
        let start = coverages.map(\.0).max() ?? .nan, end = coverages.map(\.1).min() ?? .nan
        // Flux-conserving bins reach half a step beyond their centres: stay half a step inside.
        let half = pow(10, step / 2)
        let grid = WavelengthGrid.logarithmic(start: start * half, end: end / half, step: step)
        guard start.isFinite, end.isFinite, grid.count >= 2 else {
            throw DataError.invalidDataset(
                reason: "the spectra share no common wavelength range (latest start \(start), earliest end \(end) Angstrom); pass a grid")
        }
        return grid
    }

    private static func assemble(
        _ rows: [(row: [Double]?, reason: String?)], meta: [(Double, String, String, String)], grid: WavelengthGrid
    ) throws -> SpectraCollection {
        var elements = [Double]()
        var redshifts = [Double](), classes = [String](), subclasses = [String](), sources = [String]()
        var dropped = [Dropped]()
        let kept = rows.filter { $0.row != nil }.count
        elements.reserveCapacity(kept * grid.count)
        for (r, m) in zip(rows, meta) {
            guard let row = r.row else {
                dropped.append(Dropped(source: m.3, reason: r.reason ?? "unusable"))
                continue
            }
            elements += row
            redshifts.append(m.0); classes.append(m.1); subclasses.append(m.2); sources.append(m.3)
        }
        return SpectraCollection(
            flux: try Matrix(rows: sources.count, columns: grid.count, elements: elements), wavelengths: grid.wavelengths, grid: grid,
            redshifts: redshifts, classes: classes, subclasses: subclasses, sources: sources, dropped: dropped)
    }

    /// A CSV/NPY matrix of spectra (rows) as a collection (see `load`).
    private static func fromMatrix(_ data: Dataset, preparation: SpectraPreparation) throws -> SpectraCollection {
        let parsed = data.featureNames.compactMap(Double.init)
        let named = parsed.count == data.featureCount && zip(parsed, parsed.dropFirst()).allSatisfy { $0 < $1 } && (parsed.first ?? 0) > 0
        let classOf: (Int) -> String = { i in
            guard let label = data.labels?[i] else { return "" }
            return data.classNames.isEmpty ? String(label) : data.className(of: label)
        }
        let source = data.provenance.source
        if !named, let grid = preparation.grid {
            throw DataError.invalidDataset(
                reason: "\(source): resampling onto the grid \(grid.start)...\(grid.end) Å needs each column's wavelength, but its "
                    + "columns are not named by increasing wavelengths (an NPY matrix has no names); use a CSV whose header gives "
                    + "them, or no grid (the columns are then taken as they are)")
        }
        if named, preparation.grid != nil {
            var p = preparation
            p.restFrame = false
            let spectra = try (0..<data.count).map { i in
                try Spectrum(wavelengths: parsed, flux: Array(data.features.row(i)), spectralClass: classOf(i), source: "\(source), row \(i + 1)")
            }
            return try SpectraCollection(spectra: spectra, preparation: p)
        }
        var rows = [(row: [Double]?, reason: String?)]()
        for i in 0..<data.count {
            var row = Array(data.features.row(i))
            guard preparation.normalization.normalize(&row) != nil else {
                rows.append((nil, "cannot normalise by \(preparation.normalization.rawValue): the divisor is not positive"))
                continue
            }
            switch preparation.missingValues {
            case .keep: rows.append((row, nil))
            case .zero: rows.append((row.map { $0.isNaN ? 0 : $0 }, nil))
            case .nearest:
                SpectraPreparation.fillNearest(&row)
                rows.append((row, nil))
            case .dropSpectrum: rows.append(row.contains(where: \.isNaN) ? (nil, "missing values") : (row, nil))
            }
        }
        let kept = rows.compactMap(\.row)
        let keptIndices = rows.indices.filter { rows[$0].row != nil }
        return SpectraCollection(
            flux: try Matrix(rows: kept.count, columns: data.featureCount, elements: kept.flatMap { $0 }),
            wavelengths: named ? parsed : (0..<data.featureCount).map(Double.init), grid: nil,
            redshifts: keptIndices.map { _ in .nan }, classes: keptIndices.map(classOf), subclasses: keptIndices.map { _ in "" },
            sources: keptIndices.map { "\(source), row \($0 + 1)" },
            dropped: rows.indices.filter { rows[$0].row == nil }.map { Dropped(source: "\(source), row \($0 + 1)", reason: rows[$0].reason!) })
    }
}

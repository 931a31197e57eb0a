import AlmagestCore
import AlmagestData
import AlmagestTestSupport
import Foundation
import Testing

/// `spectra_reference.json` (Tests/Reference/make_spectra_reference.py: NumPy's interp, SpectRes).
struct SpectraFixture: Decodable {
    struct Grid: Decodable { let start: Double; let end: Double; let count: Int }
    struct Entry: Decodable {
        let file: String
        let z: Double
        let linear: [Double?]
        let flux_conserving: [Double?]
        let median: Double
    }
    let grid: Grid
    let stride: Int
    let spectra: [Entry]
    let common_grid: Grid

    static func load() throws -> SpectraFixture {
        try JSONDecoder().decode(SpectraFixture.self, from: Data(contentsOf: FITSFixture.resource("spectra_reference", "json")))
    }
}

private func expectClose(_ got: [Double], _ want: [Double?], relative: Double, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(got.count == want.count, "\(what): \(got.count) values, expected \(want.count)", sourceLocation: sourceLocation)
    var bad = 0
    for (g, w) in zip(got, want) {
        if let w { if !isClose(g, w, relative: relative, absolute: 1e-12) { bad += 1 } } else if !g.isNaN { bad += 1 }
    }
    #expect(bad == 0, "\(what): \(bad) of \(want.count) values differ", sourceLocation: sourceLocation)
}

@Suite("Spectra: resampling, normalisation, loading")
struct SpectraTests {
    static let fixture = Result { try SpectraFixture.load() }

    private static func grid(_ g: SpectraFixture.Grid) -> WavelengthGrid { WavelengthGrid(start: g.start, end: g.end, count: g.count) }

    @Test func resamplingAgreesWithNumPyAndSpectRes() throws {
        let fixture = try Self.fixture.get()
        let grid = Self.grid(fixture.grid)
        for entry in fixture.spectra {
            let spectrum = try Spectrum(fits: FITSFixture.sdssFolder.appendingPathComponent(entry.file))
            #expect(spectrum.redshift == entry.z)
            let rest = try spectrum.restFrame()
            let linear = rest.resampled(onto: grid, method: .linear)
            let conserving = rest.resampled(onto: grid, method: .fluxConserving)
            let picked = { (row: [Double]) in Swift.stride(from: 0, to: row.count, by: fixture.stride).map { row[$0] } }
            expectClose(picked(linear), entry.linear, relative: 1e-9, "\(entry.file) linear")
            expectClose(picked(conserving), entry.flux_conserving, relative: 1e-9, "\(entry.file) flux-conserving")
        }
    }

    @Test func folderLoadsAsPreparedMatrix() throws {
        let fixture = try Self.fixture.get()
        var preparation = SpectraPreparation()
        preparation.grid = Self.grid(fixture.grid)
        preparation.missingValues = .keep
        let spectra = try SpectraCollection.load(from: FITSFixture.sdssFolder, preparation: preparation)
        #expect(spectra.flux.rows == 8 && spectra.flux.columns == 1200)
        #expect(spectra.sources.map { URL(fileURLWithPath: $0).lastPathComponent } == fixture.spectra.map(\.file))
        #expect(spectra.redshifts == fixture.spectra.map(\.z))
        #expect(spectra.classes == Array(repeating: "GALAXY", count: 8))
        #expect(spectra.subclasses.filter { $0 == "BROADLINE" }.count == 1)
        for (i, entry) in fixture.spectra.enumerated() {
            let row = Array(spectra.flux.row(i))
            let want = entry.flux_conserving.map { $0.map { $0 / entry.median } }
            expectClose(Swift.stride(from: 0, to: row.count, by: fixture.stride).map { row[$0] }, want, relative: 1e-9, entry.file)
        }
        let data = try spectra.dataset()
        #expect(data.classNames == ["GALAXY"] && data.labels == Array(repeating: 0, count: 8))
        #expect(data.featureNames.first == "3800.000")
    }

    @Test func defaultGridIsTheCommonRestFrameCoverage() throws {
        let fixture = try Self.fixture.get()
        let progressLines = LockedLines()
        let progress = ProgressLog(write: { progressLines.append($0) }, isTerminal: false)
        let spectra = try SpectraCollection.load(from: FITSFixture.sdssFolder, progress: progress)
        let grid = try #require(spectra.grid)
        #expect(grid.count == fixture.common_grid.count)
        #expect(isClose(grid.start, fixture.common_grid.start, relative: 1e-12))
        #expect(isClose(grid.end, fixture.common_grid.end, relative: 1e-12))
        #expect(spectra.flux.elements.allSatisfy { $0.isFinite })
        #expect(spectra.dropped.isEmpty)
        #expect(progressLines.lines.contains { $0.hasPrefix("read and resample 8 spectra") })
        // Median-normalised rows have median 1.
        for i in 0..<spectra.flux.rows {
            let sorted = spectra.flux.row(i).sorted()
            #expect(abs(sorted[sorted.count / 2] - 1) < 1e-3)
        }
    }

    @Test func maskedPixelsAreBridgedOrMissing() throws {
        // A straight line: linear interpolation across a hole gives the line exactly.
        let x = (0..<20).map { 1000 + Double($0) * 10 }
        let y = x.map { 2 * $0 - 1000 }
        var ivar = [Double](repeating: 1, count: 20)
        ivar[7] = 0; ivar[8] = 0
        var broken = y
        broken[7] = 1e6; broken[8] = .nan
        let s = try Spectrum(wavelengths: x, flux: broken, inverseVariance: ivar)
        let targets = [1005.0, 1072.0, 1085.0, 1150.0, 1200.0]
        let bridged = s.resampled(onto: targets, method: .linear, maskedPixels: .interpolate)
        #expect(bridged[0] == 1010 && bridged[1] == 1144 && bridged[2] == 1170 && bridged[3] == 1300)
        #expect(bridged[4].isNaN)  // outside the spectrum
        let holes = s.resampled(onto: targets, method: .linear, maskedPixels: .missing)
        #expect(holes[0] == 1010 && holes[1].isNaN && holes[2].isNaN && holes[3] == 1300)
        let coarse = s.resampled(onto: [1045.0, 1075.0], method: .fluxConserving, maskedPixels: .missing)
        // Bin [1030, 1060] overlaps pixels 3...6 by 5, 10, 10 and 5 Angstrom; bin [1060, 1090] a hole.
        #expect(isClose(coarse[0], (5 * y[3] + 10 * y[4] + 10 * y[5] + 5 * y[6]) / 30, relative: 1e-12))
        #expect(coarse[1].isNaN)
    }

    @Test func fluxConservingRebinningKeepsTheIntegral() throws {
        var rng = RandomStream(seed: 3)
        let x = (0..<64).map { 5000 + Double($0) }
        let y = x.map { _ in rng.nextDouble() * 10 }
        let s = try Spectrum(wavelengths: x, flux: y)
        // New bins of 4 old pixels each ([4999.5, 5003.5], ...), aligned with the old edges: the means of the four.
        let centres = (0..<16).map { 5001.5 + 4 * Double($0) }
        let rebinned = s.resampled(onto: centres, method: .fluxConserving)
        for (k, v) in rebinned.enumerated() {
            let mean = (y[4 * k] + y[4 * k + 1] + y[4 * k + 2] + y[4 * k + 3]) / 4
            #expect(isClose(v, mean, relative: 1e-12), "bin \(k)")
        }
        // The integral over the new bins equals that over the old pixels.
        let total = rebinned.reduce(0, +) * 4
        #expect(isClose(total, y.reduce(0, +), relative: 1e-12))
        // Unaligned bins keep the integral too: 10 bins of 6.3 Angstrom inside the spectrum.
        let unaligned = (0..<10).map { 5003.0 + 6.3 * Double($0) }
        let values = s.resampled(onto: unaligned, method: .fluxConserving)
        let lo = 5003.0 - 3.15, hi = lo + 63
        let exact = x.indices.reduce(0.0) { sum, i in sum + max(0, min(hi, x[i] + 0.5) - max(lo, x[i] - 0.5)) * y[i] }
        #expect(isClose(values.reduce(0, +) * 6.3, exact, relative: 1e-10))
    }

    @Test func normalisation() {
        var a = [1.0, 3, .nan, 2, 10]
        #expect(SpectrumNormalization.median.normalize(&a) == 2.5)
        #expect(a[0] == 0.4 && a[4] == 4 && a[2].isNaN)
        var b = [3.0, 4]
        #expect(SpectrumNormalization.unitL2.normalize(&b) == 5)
        #expect(b == [0.6, 0.8])
        var c = [-1.0, -2, 0.5]
        #expect(SpectrumNormalization.median.normalize(&c) == nil)
        #expect(c == [-1, -2, 0.5])
    }

    @Test func missingValuePolicies() throws {
        let s = try Spectrum(wavelengths: [4000, 4010, 4020, 4030], flux: [1, 2, 3, 4], spectralClass: "A", source: "s")
        let grid = WavelengthGrid(start: 3990, end: 4040, count: 6, spacing: .linear)
        var p = SpectraPreparation()
        p.restFrame = false
        p.grid = grid
        p.resampling = .linear
        p.normalization = .none
        p.missingValues = .keep
        var row = try SpectraCollection(spectra: [s], preparation: p).flux.elements
        #expect(row[0].isNaN && row[5].isNaN && Array(row[1...4]) == [1, 2, 3, 4])
        p.missingValues = .nearest
        row = try SpectraCollection(spectra: [s], preparation: p).flux.elements
        #expect(row == [1, 1, 2, 3, 4, 4])
        p.missingValues = .zero
        row = try SpectraCollection(spectra: [s], preparation: p).flux.elements
        #expect(row == [0, 1, 2, 3, 4, 0])
        p.missingValues = .dropSpectrum
        let dropped = try SpectraCollection(spectra: [s], preparation: p)
        #expect(dropped.flux.rows == 0 && dropped.dropped.count == 1 && dropped.dropped[0].reason.contains("3990"))
        p.missingValues = .keep
        p.normalization = .median
        let negative = try Spectrum(wavelengths: [4000, 4010, 4020, 4030], flux: [-1, -2, -3, 4], source: "neg")
        let result = try SpectraCollection(spectra: [s, negative], preparation: p)
        #expect(result.flux.rows == 1 && result.dropped.map(\.source) == ["neg"])
    }

    @Test func csvMatrixOfSpectra() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spectra-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("spectra.csv")
        try "4000,4010,4020,4030,class\n1,2,3,4,STAR\n2,2,2,2,QSO\n4,4,8,8,STAR\n".write(to: url, atomically: true, encoding: .utf8)
        var p = SpectraPreparation()
        p.normalization = .median
        var csv = CSVOptions.csv
        csv.header = .present
        let plain = try SpectraCollection.load(from: url, preparation: p, target: "class", csvOptions: csv)
        #expect(plain.wavelengths == [4000, 4010, 4020, 4030])
        #expect(plain.classes == ["STAR", "QSO", "STAR"])
        #expect(Array(plain.flux.row(0)) == [0.4, 0.8, 1.2, 1.6] && Array(plain.flux.row(2)) == [2.0 / 3, 2.0 / 3, 4.0 / 3, 4.0 / 3])
        p.grid = WavelengthGrid(start: 4005, end: 4025, count: 3, spacing: .linear)
        p.resampling = .linear
        p.normalization = .none
        let resampled = try SpectraCollection.load(from: url, preparation: p, target: "class", csvOptions: csv)
        #expect(resampled.flux.elements == [1.5, 2.5, 3.5, 2, 2, 2, 4, 6, 8])
        #expect(try resampled.dataset().classNames == ["QSO", "STAR"])
    }

    /// An NPY matrix (one spectrum per row, no names): normalised as given, its columns numbered;
    /// a grid cannot be asked of it (no wavelengths), and the error says why.
    @Test func npyMatrixOfSpectra() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spectra-npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent("spectra.npy")
        try NPY.write(try Matrix<Double>(rows: 3, columns: 4, elements: [1, 2, 3, 4, 2, 2, 2, 2, 4, 4, 8, 8]), to: url)
        var p = SpectraPreparation()
        p.normalization = .median
        let loaded = try SpectraCollection.load(from: url, preparation: p)
        #expect(loaded.flux.rows == 3 && loaded.wavelengths == [0, 1, 2, 3])
        #expect(Array(loaded.flux.row(0)) == [0.4, 0.8, 1.2, 1.6] && Array(loaded.flux.row(2)) == [2.0 / 3, 2.0 / 3, 4.0 / 3, 4.0 / 3])
        #expect(loaded.sources[1].hasSuffix("row 2"))
        p.grid = WavelengthGrid(start: 4005, end: 4025, count: 3, spacing: .linear)
        let refused = #expect(throws: DataError.self) { try SpectraCollection.load(from: url, preparation: p) }
        #expect("\(refused!)".contains("wavelength") && "\(refused!)".contains("NPY"))
    }

    @Test func badInputGivesTypedErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("spectra-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: DataError.self) { try SpectraCollection.load(from: dir) }  // no FITS files
        try Data(repeating: 32, count: 100).write(to: dir.appendingPathComponent("broken.fits"))
        #expect(throws: DataError.self) { try SpectraCollection.load(from: dir) }
        #expect(throws: DataError.self) { try SpectraCollection.load(from: dir.appendingPathComponent("absent")) }
        var p = SpectraPreparation()
        p.logStep = 0
        #expect(throws: FitError.self) { try SpectraCollection.load(from: FITSFixture.sdssFolder, preparation: p) }
        p = SpectraPreparation()
        p.grid = WavelengthGrid(start: 5000, end: 4000, count: 10)
        #expect(throws: FitError.self) { try p.validate() }
        #expect(throws: DataError.self) { try Spectrum(wavelengths: [2, 1], flux: [1, 1]) }
        #expect(throws: DataError.self) { try Spectrum(wavelengths: [1, 2], flux: [1]) }
        #expect(throws: DataError.self) { try Spectrum(wavelengths: [1, 2], flux: [1, 1]).restFrame() }  // unknown z
    }
}

/// Lines a `ProgressLog` wrote, collected across threads.
final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = [String]()
    func append(_ s: String) { lock.withLock { stored.append(s) } }
    var lines: [String] { lock.withLock { stored } }
}

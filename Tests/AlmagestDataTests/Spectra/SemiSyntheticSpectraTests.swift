import AlmagestCore
import AlmagestData
import AlmagestTestSupport
import Foundation
import Testing

@Suite("Semi-synthetic spectra from the SDSS templates")
struct SemiSyntheticSpectraTests {
    /// The 8 SDSS galaxies on a 600-point rest-frame grid, each its own class.
    static let templates = Result { () throws -> SpectralTemplates in
        var p = SpectraPreparation()
        p.grid = WavelengthGrid(start: 3800, end: 8500, count: 600)
        return try SpectralTemplates(collection: SpectraCollection.load(from: FITSFixture.sdssFolder, preparation: p))
    }

    @Test func templatesSplitContinuumAndLines() throws {
        let t = try Self.templates.get()
        #expect(t.count == 8 && t.names.first == "spec-0266-51602-0001")
        for i in 0..<t.flux.rows { for j in 0..<t.flux.columns { #expect(isClose(t.continuum[i, j] + t.lines[i, j], t.flux[i, j], relative: 1e-14, absolute: 1e-15)) } }
        // H-alpha (6564.6 A in vacuum) is an emission line in some of these galaxies: the line part
        // stands out there above its continuum.
        let ha = Int(t.grid.position(of: 6564.6).rounded())
        #expect((0..<t.count).contains { t.lines[$0, ha] > 0.2 * t.continuum[$0, ha] })
        let byClass = try SpectralTemplates(
            collection: SpectraCollection.load(from: FITSFixture.sdssFolder, preparation: { var p = SpectraPreparation(); p.grid = t.grid; return p }()),
            grouping: .byClass)
        #expect(byClass.names == ["GALAXY"])
        for j in Swift.stride(from: 0, to: 600, by: 37) {
            let mean = (0..<8).map { t.flux[$0, j] }.reduce(0, +) / 8
            #expect(isClose(byClass.flux[0, j], mean, relative: 1e-12))
        }
    }

    @Test func sameSeedSameSpectraWhateverTheThreads() throws {
        let t = try Self.templates.get()
        let config = SemiSyntheticSpectra(count: 600, seed: 42)
        let one = try Parallel.withThreads(1) { try config.generate(from: t) }
        let two = try Parallel.withThreads(2) { try config.generate(from: t) }
        #expect(one == two)
        var other = config
        other.seed = 43
        #expect(try other.generate(from: t).flux != one.flux)
        #expect(Set(one.labels) == Set(0..<8))
        #expect(one.mixingWeights.allSatisfy { $0 >= 0 && $0 < 0.2 })
        #expect(zip(one.labels, one.mixingPartners).allSatisfy { $0 != $1 })
    }

    @Test func withoutVariationRowsAreTheTemplates() throws {
        let t = try Self.templates.get()
        let s = try SemiSyntheticSpectra(count: 50, mixing: 0, redshiftJitter: 0, lineStrength: 0, noise: 0, seed: 1)
            .generate(from: t, as: Double.self)
        for i in 0..<50 {
            for j in 0..<t.grid.count { #expect(isClose(s.flux[i, j], t.flux[s.labels[i], j], relative: 1e-9, absolute: 1e-12)) }
        }
    }

    @Test func redshiftMixingAndLinesFollowTheirDefinition() throws {
        let t = try Self.templates.get()
        let s = try SemiSyntheticSpectra(count: 40, mixing: 0.4, redshiftJitter: 0.002, lineStrength: 0.5, noise: 0, seed: 5)
            .generate(from: t, as: Double.self)
        let grid = t.grid.wavelengths
        for i in 0..<40 {
            let (a, b, w, s_, dz) = (s.labels[i], s.mixingPartners[i], s.mixingWeights[i], s.lineFactors[i], s.redshiftOffsets[i])
            // Each template read at λ / (1 + dz), linearly between its grid points (clamped at the ends).
            func part(_ k: Int) throws -> [Double] {
                let mixed = (0..<grid.count).map { t.continuum[k, $0] + s_ * t.lines[k, $0] }
                return grid.map { lambda in
                    let pos = min(max(t.grid.position(of: lambda / (1 + dz)), 0), Double(grid.count - 1))
                    let i0 = min(Int(pos), grid.count - 2), f = pos - Double(i0)
                    return mixed[i0] + f * (mixed[i0 + 1] - mixed[i0])
                }
            }
            let pa = try part(a), pb = try part(b)
            for j in 0..<grid.count where pa[j].isFinite {
                #expect(isClose(s.flux[i, j], (1 - w) * pa[j] + w * pb[j], relative: 1e-9, absolute: 1e-12), "row \(i) pixel \(j)")
            }
        }
    }

    @Test func noiseHasTheRequestedLevelAndClassesStaySeparable() throws {
        let t = try Self.templates.get()
        let s = try SemiSyntheticSpectra(count: 400, mixing: 0, redshiftJitter: 0, lineStrength: 0, noise: 0.1, seed: 9)
            .generate(from: t)
        var residual = 0.0, n = 0.0, correct = 0
        for i in 0..<400 {
            let a = s.labels[i]
            let scale = t.flux.row(a).map(abs).sorted()[t.grid.count / 2]
            for j in 0..<t.grid.count {
                let r = (Double(s.flux[i, j]) - t.flux[a, j]) / scale
                residual += r * r; n += 1
            }
            // Nearest template by Euclidean distance.
            let d = (0..<t.count).map { k in (0..<t.grid.count).reduce(0.0) { $0 + pow(Double(s.flux[i, $1]) - t.flux[k, $1], 2) } }
            if d.firstIndex(of: d.min()!) == a { correct += 1 }
        }
        #expect(abs((residual / n).squareRoot() - 0.1) < 0.002)
        // Eight galaxies are alike: at 10% noise the nearest template still finds nearly every class
        // (396 of 400 with this seed).
        #expect(correct >= 390)
    }

    @Test func invalidSettingsAreRefused() throws {
        let t = try Self.templates.get()
        #expect(throws: FitError.self) { try SemiSyntheticSpectra(count: 0).generate(from: t) }
        #expect(throws: FitError.self) { try SemiSyntheticSpectra(mixing: 0.5).generate(from: t) }
        #expect(throws: FitError.self) { try SemiSyntheticSpectra(noise: -1).generate(from: t) }
        #expect(throws: FitError.self) { try SemiSyntheticSpectra(redshiftJitter: .nan).generate(from: t) }
        let nan = try Matrix(rows: 1, columns: 2, elements: [1, Double.nan])
        #expect(throws: DataError.self) { try SpectralTemplates(grid: WavelengthGrid(start: 1, end: 2, count: 2), flux: nan, names: ["x"]) }
    }
}

import AlmagestCore
import AlmagestData
import AlmagestTestSupport
import Foundation
import Testing

/// The FITS reader against astropy (fits_reference.json, from Tests/Reference/make_fits_reference.py):
/// every BITPIX and scaling convention and every common TFORM on a file astropy wrote, and the real
/// SDSS spectra in ../shared/datasets/sdss-spectra.
@Suite("FITS reader against astropy")
struct FITSReaderTests {
    static let fixture = Result { try FITSFixture.load() }

    @Test func headerCardsIncludingContinuedStrings() throws {
        let fixture = try Self.fixture.get()
        let fits = try FITSFile(contentsOf: FITSFixture.resource("fits_types", "fits"))
        let header = fits.hdus[0].header
        guard case let .string(long)? = fixture.types.header["LONGSTR"] else { Issue.record("no LONGSTR"); return }
        #expect(header.string("LONGSTR") == long)
        #expect(long.count > 80)
        #expect(header.real("DVALUE") == 1.25e-3)
        #expect(header.logical("LOGIC") == false)
        #expect(header.string("QUOTE") == "it's")
        #expect(header.integer("NAXIS1") == 4)
        #expect(header.card("NAXIS2")?.position == 5)
        #expect(fits.hdus.map(\.name) == ["PRIMARY"] + fixture.types.images.dropFirst().map(\.name) + ["TABLE", "ASCII"])
    }

    @Test func imagesOfEveryBitpixAndScaling() throws {
        let fixture = try Self.fixture.get()
        let fits = try FITSFile(contentsOf: FITSFixture.resource("fits_types", "fits"))
        for expected in fixture.types.images {
            let hdu = try fits.hdu(named: expected.name)
            #expect(hdu.bitpix == expected.bitpix, "\(expected.name)")
            let image = try hdu.image()
            #expect(image.axes == expected.axes, "\(expected.name)")
            if let exact = expected.exact {
                // Integers (also the unsigned conventions): the nearest Double to the exact value.
                let want = exact.map { $0.hasPrefix("-") ? Double(Int64($0)!) : Double(UInt64($0)!) }
                #expect(image.values == want, "\(expected.name)")
            } else if let values = expected.values {
                // astropy returns scaled integers as float32; the reader computes in Double.
                let tolerance = expected.bitpix > 0 ? 1e-6 : 0
                #expect(image.values.count == values.count)
                for (got, want) in zip(image.values, values) {
                    if let want { #expect(isClose(got, want, relative: tolerance), "\(expected.name): \(got) vs \(want)") }
                    else { #expect(got.isNaN, "\(expected.name): BLANK should be NaN, got \(got)") }
                }
            }
        }
        let floats = try fits.hdu(named: "FLOAT32").image(as: Float.self)
        #expect(floats.values.map(Double.init) == fixture.types.images.first { $0.name == "FLOAT32" }!.values!.map { $0! })
        let matrix = try fits.hdu(named: "INT16").image().matrix()
        #expect(matrix.rows == 4 && matrix.columns == 5)
    }

    @Test func binaryTableColumnsOfEveryType() throws {
        let fixture = try Self.fixture.get()
        let table = try FITSFile(contentsOf: FITSFixture.resource("fits_types", "fits")).hdu(named: "TABLE").binaryTable()
        #expect(table.rowCount == 6)
        for (name, expected) in fixture.types.table {
            if let strings = expected.strings { #expect(try table.strings(name) == strings, "\(name)") }
            if let logicals = expected.logicals { #expect(try table.logicals(name) == logicals.map { $0 }, "\(name)") }
            if let bits = expected.bits { #expect(try table.bits(name) == bits, "\(name)") }
            if let exact = expected.exact { #expect(try table.integers(name) == exact.map { Int64($0)! }, "\(name)") }
            if let values = expected.values {
                let got = try table.doubles(name)
                #expect(got.count == values.count, "\(name)")
                for (i, (g, w)) in zip(got, values).enumerated() {
                    if let null = expected.null, w == Double(null) { #expect(g.isNaN, "\(name)[\(i)] is TNULL"); continue }
                    #expect(isClose(g, w!, relative: name == "SCALEDI" ? 1e-12 : 0), "\(name)[\(i)]: \(g) vs \(w!)")
                }
            }
        }
        #expect(throws: DataError.self) { try table.doubles("TEXT") }
        #expect(throws: DataError.self) { try table.doubles("NO_SUCH_COLUMN") }
    }

    @Test func sdssSpectraAgreeWithAstropy() throws {
        let fixture = try Self.fixture.get()
        #expect(fixture.sdss.count == 8)
        for expected in fixture.sdss {
            let fits = try FITSFile(contentsOf: FITSFixture.sdssFolder.appendingPathComponent(expected.file))
            #expect(fits.hdus.map { $0.name ?? "" } == expected.hdus, "\(expected.file)")
            let coadd = try fits.hdu(named: "COADD").binaryTable()
            #expect(coadd.rowCount == expected.rows)
            for column in ["flux", "loglam", "ivar"] {
                let values = try coadd.doubles(column)
                #expect(expected.picks.map { values[$0] } == expected.sample[column]!, "\(expected.file) \(column)")
                #expect(isClose(values.reduce(0, +), expected.sums[column]!, relative: 1e-10), "\(expected.file) \(column) sum")
                let floats = try coadd.values(column, as: Float.self)
                #expect(floats.map(Double.init) == values)
            }
            #expect(try coadd.doubles("ivar").filter { $0 == 0 }.count == expected.zero_ivar)
            let spec = try fits.hdu(named: "SPECOBJ").binaryTable()
            #expect(try spec.doubles("Z") == [expected.Z])
            #expect(try spec.strings("CLASS") == [expected.CLASS])
            #expect(try spec.strings("SUBCLASS") == [expected.SUBCLASS])
            #expect(try spec.doubles("PLUG_RA") == [expected.PLUG_RA])
            #expect(try spec.integers("OBJID") == expected.OBJID.map(Int64.init))
            #expect(try spec.integers("SPECPRIMARY") == [Int64(expected.SPECPRIMARY)])
            #expect(try spec.integers("NSPECOBS") == [Int64(expected.NSPECOBS)])
            #expect(try spec.integers("SPECIAL_TARGET1") == [Int64(expected.SPECIAL_TARGET1)!])
            let header = fits.hdus[0].header
            #expect(expected.header["MJD"] == .number(Double(header.integer("MJD") ?? -1)))
            #expect(expected.header["PLATEID"] == .number(Double(header.integer("PLATEID") ?? -1)))
            #expect(expected.header["TELESCOP"] == .string(header.string("TELESCOP") ?? ""))
            #expect(expected.header["RADEG"] == .number(header.real("RADEG") ?? .nan))
            #expect(expected.header["VACUUM"] == .logical(header.logical("VACUUM") ?? false))
        }
    }

    @Test func asciiTableColumns() throws {
        let expected = try Self.fixture.get().types.ascii
        let table = try FITSFile(contentsOf: FITSFixture.resource("fits_types", "fits")).hdu(named: "ASCII").asciiTable()
        #expect(table.rowCount == 4)
        #expect(try table.strings("NAME") == expected.NAME.map { $0.trimmingCharacters(in: .whitespaces) })
        #expect(try table.doubles("COUNT") == expected.COUNT)
        #expect(try table.doubles("FLUX") == expected.FLUX)
        #expect(try table.doubles("RATIO") == expected.RATIO)
        #expect(try table.doubles("PRECISE") == expected.PRECISE)
        #expect(throws: DataError.self) { try table.doubles("NAME") }
    }
}

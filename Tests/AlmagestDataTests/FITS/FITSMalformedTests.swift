import AlmagestCore
import AlmagestData
import AlmagestTestSupport
import Foundation
import Testing

/// FITS bytes built card by card: each card padded to 80 bytes, each header and data part to 2880.
private struct FITSBuilder {
    var bytes = [UInt8]()

    mutating func header(_ cards: [String], end: Bool = true) {
        for card in cards + (end ? ["END"] : []) {
            var b = Array(card.utf8)
            b += [UInt8](repeating: 32, count: max(0, 80 - b.count))
            bytes += b.prefix(80)
        }
        pad(with: 32)
    }

    mutating func data(_ payload: [UInt8]) {
        bytes += payload
        pad(with: 0)
    }

    mutating func pad(with byte: UInt8) {
        while bytes.count % 2880 != 0 { bytes.append(byte) }
    }

    static func value(_ keyword: String, _ value: String) -> String {
        keyword.padding(toLength: 8, withPad: " ", startingAt: 0) + "= " + String(repeating: " ", count: max(0, 20 - value.count)) + value
    }

    /// A primary image of 2 x 3 big-endian int16 values 1...6 and a binary table of two rows
    /// with columns J and 2E.
    static func valid(bitpix: String = "16", naxis: String = "2", rowWidth: String = "12") -> [UInt8] {
        var b = FITSBuilder()
        b.header([value("SIMPLE", "T"), value("BITPIX", bitpix), value("NAXIS", naxis), value("NAXIS1", "3"), value("NAXIS2", "2")])
        b.data((1...6).flatMap { v in withUnsafeBytes(of: Int16(v).bigEndian) { Array($0) } })
        b.header([
            value("XTENSION", "'BINTABLE'"), value("BITPIX", "8"), value("NAXIS", "2"), value("NAXIS1", rowWidth),
            value("NAXIS2", "2"), value("PCOUNT", "0"), value("GCOUNT", "1"), value("TFIELDS", "2"),
            value("TTYPE1", "'ID'"), value("TFORM1", "'J'"), value("TTYPE2", "'XY'"), value("TFORM2", "'2E'"),
            value("EXTNAME", "'POINTS'"),
        ])
        var rows = [UInt8]()
        for (id, x, y) in [(Int32(7), Float(0.5), Float(-2)), (Int32(-3), Float(1e10), Float(3.25))] {
            rows += withUnsafeBytes(of: id.bigEndian) { Array($0) }
            rows += withUnsafeBytes(of: x.bitPattern.bigEndian) { Array($0) }
            rows += withUnsafeBytes(of: y.bitPattern.bigEndian) { Array($0) }
        }
        b.data(rows)
        return b.bytes
    }
}

/// Expects a `DataError.malformedFITS` whose HDU and card contain the given texts.
private func expectFITSError(_ bytes: [UInt8], hdu: String, card: String?, reason: String, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let fits = try FITSFile(data: Data(bytes), source: "test.fits")
        // Errors in a table's columns surface when the table is read.
        for h in fits.hdus where h.kind == .binaryTable { _ = try h.binaryTable() }
        for h in fits.hdus where h.kind == .primary || h.kind == .image { _ = try h.image() }
        Issue.record("expected an error about \(hdu)", sourceLocation: sourceLocation)
    } catch let DataError.malformedFITS(source, gotHDU, gotCard, gotReason) {
        #expect(source == "test.fits", sourceLocation: sourceLocation)
        #expect(gotHDU.contains(hdu), "HDU \(gotHDU) should name \(hdu)", sourceLocation: sourceLocation)
        if let card { #expect(gotCard?.contains(card) == true, "card \(gotCard ?? "nil") should name \(card)", sourceLocation: sourceLocation) }
        #expect(gotReason.contains(reason), "reason: \(gotReason)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected DataError.malformedFITS, got \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("FITS reader on malformed files")
struct FITSMalformedTests {
    @Test func theValidFileReads() throws {
        let fits = try FITSFile(data: Data(FITSBuilder.valid()), source: "test.fits")
        #expect(fits.hdus.count == 2)
        #expect(try fits.hdus[0].image().values == [1, 2, 3, 4, 5, 6])
        let table = try fits.hdu(named: "points").binaryTable()
        #expect(try table.integers("ID") == [7, -3])
        #expect(try table.doubles("XY") == [0.5, -2, 1e10, 3.25])
    }

    @Test func truncatedData() {
        let bytes = FITSBuilder.valid()
        expectFITSError(Array(bytes.prefix(3 * 2880 + 10)), hdu: "HDU 1 (POINTS)", card: nil, reason: "truncated data")
        expectFITSError(Array(bytes.prefix(2880 + 5)), hdu: "HDU 0", card: nil, reason: "truncated data")
        // Cut inside the second header: no END card.
        expectFITSError(Array(bytes.prefix(2 * 2880 + 10)), hdu: "HDU 1", card: nil, reason: "no END card")
    }

    @Test func missingEnd() {
        var b = FITSBuilder()
        b.header([FITSBuilder.value("SIMPLE", "T"), FITSBuilder.value("BITPIX", "8"), FITSBuilder.value("NAXIS", "0")], end: false)
        expectFITSError(b.bytes, hdu: "HDU 0", card: nil, reason: "no END card")
        expectFITSError([], hdu: "HDU 0", card: nil, reason: "empty")
    }

    @Test func badCards() {
        var bytes = FITSBuilder.valid()
        bytes[80 * 3 + 20] = 0xC3  // a non-ASCII byte inside card 4 of the primary header
        expectFITSError(bytes, hdu: "HDU 0", card: "card 4", reason: "not printable ASCII")
        var b = FITSBuilder()
        b.header([FITSBuilder.value("SIMPLE", "T"), FITSBuilder.value("BITPIX", "8"), FITSBuilder.value("NAXIS", "0"), "OBJECT  = 'no closing quote"])
        expectFITSError(b.bytes, hdu: "HDU 0", card: "card 4 (OBJECT)", reason: "no closing quote")
        var c = FITSBuilder()
        c.header([FITSBuilder.value("SIMPLE", "T"), FITSBuilder.value("BITPIX", "8"), FITSBuilder.value("NAXIS", "0"), "exposure= 3"])
        expectFITSError(c.bytes, hdu: "HDU 0", card: "card 4", reason: "upper-case")
        var d = FITSBuilder()
        d.header([FITSBuilder.value("SIMPLE", "T"), FITSBuilder.value("BITPIX", "8"), FITSBuilder.value("NAXIS", "zero")])
        expectFITSError(d.bytes, hdu: "HDU 0", card: "card 3 (NAXIS)", reason: "\"zero\" is not")
    }

    @Test(arguments: ["12", "-16", "0", "'16'"])
    func badBitpix(bitpix: String) {
        expectFITSError(FITSBuilder.valid(bitpix: bitpix), hdu: "HDU 0", card: "card 2 (BITPIX)", reason: "BITPIX must be")
    }

    @Test func naxisMismatch() {
        // NAXIS = 1 but NAXIS2 present; NAXIS = 3 but no NAXIS3.
        expectFITSError(FITSBuilder.valid(naxis: "1"), hdu: "HDU 0", card: "NAXIS2", reason: "does not match")
        expectFITSError(FITSBuilder.valid(naxis: "3"), hdu: "HDU 0", card: "NAXIS3", reason: "mandatory keyword NAXIS3")
        // The table's row width disagrees with its columns.
        expectFITSError(FITSBuilder.valid(rowWidth: "16"), hdu: "HDU 1 (POINTS)", card: "NAXIS1", reason: "row width does not match")
    }

    @Test func wrongFirstKeyword() {
        var bytes = FITSBuilder.valid()
        bytes.replaceSubrange(0..<6, with: Array("SIMPLX".utf8))
        expectFITSError(bytes, hdu: "HDU 0", card: "card 1", reason: "SIMPLE")
    }

    /// A real file cut anywhere throws a typed error (or, cut exactly at the end of an HDU's data,
    /// reads as the HDUs before the cut); it never crashes.
    @Test func truncatedRealFileNeverCrashes() throws {
        let url = FITSFixture.sdssFolder.appendingPathComponent("spec-0266-51602-0001.fits")
        let bytes = try [UInt8](Data(contentsOf: url))
        var rng = RandomStream(seed: 7)
        var cuts = [1, 79, 2880, 2880 * 3 + 17, bytes.count - 1]
        for _ in 0..<40 { cuts.append(1 + rng.nextInt(below: bytes.count - 1)) }
        for cut in cuts {
            do {
                let fits = try FITSFile(data: Data(bytes.prefix(cut)), source: "cut.fits")
                _ = try fits.hdus.filter { $0.kind == .binaryTable }.map { try $0.binaryTable() }
            } catch let error as DataError {
                if case .malformedFITS = error {} else { Issue.record("cut at \(cut): unexpected \(error)") }
            }
        }
        // Cut inside the COADD table's data: the error names that HDU.
        let coaddStart = 2880 * 5  // after the 122-card primary header (4 blocks) and COADD's (1 block)
        expectFITSError(Array(bytes.prefix(coaddStart + 1000)), hdu: "HDU 1 (COADD)", card: nil, reason: "truncated data")
    }

    /// Random bytes of the headers replaced (by printable characters, digits and quotes, so that
    /// cards still parse and numbers change): every file opens and reads completely or throws a
    /// `DataError`; nothing crashes.
    @Test func corruptedHeadersNeverCrash() throws {
        let original = try [UInt8](Data(contentsOf: FITSFixture.resource("fits_types", "fits")))
        // The first block of every header.
        let headerBlocks = Swift.stride(from: 0, to: original.count, by: 2880).filter { b in
            original[b..<(b + 8)].elementsEqual("SIMPLE  ".utf8) || original[b..<(b + 8)].elementsEqual("XTENSION".utf8)
        }
        var rng = RandomStream(seed: 11)
        let alphabet = Array("0123456789-+'. TFEDJKIBLAX()".utf8)
        var outcomes = [String: Int]()
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<(1 + rng.nextInt(below: 4)) {
                let i = headerBlocks[rng.nextInt(below: headerBlocks.count)] + rng.nextInt(below: 2880)
                if i < bytes.count { bytes[i] = alphabet[rng.nextInt(below: alphabet.count)] }
            }
            do {
                let fits = try FITSFile(data: Data(bytes), source: "fuzz.fits")
                for hdu in fits.hdus {
                    switch hdu.kind {
                    case .primary, .image: _ = try hdu.image()
                    case .binaryTable:
                        let table = try hdu.binaryTable()
                        for column in table.columns {
                            switch column.format.type {
                            case .character: _ = try table.strings(column.name)
                            case .logical: _ = try table.logicals(column.name)
                            case .bit: _ = try table.bits(column.name)
                            default:
                                _ = try table.doubles(column.name)
                                _ = try? table.integers(column.name)
                            }
                        }
                    case .asciiTable:
                        let table = try hdu.asciiTable()
                        for column in table.columns {
                            _ = try table.strings(column.name)
                            if column.type != "A" { _ = try table.doubles(column.name) }
                        }
                    default: break
                    }
                }
                outcomes["read", default: 0] += 1
            } catch is DataError {
                outcomes["DataError", default: 0] += 1
            }
        }
        #expect(outcomes["DataError", default: 0] > 0)
        #expect(outcomes["read", default: 0] > 0)
    }
}

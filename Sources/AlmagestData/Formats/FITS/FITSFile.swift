import Foundation

/// A FITS file (Flexible Image Transport System, FITS Standard 4.0, IAU FITS Working Group 2018):
/// its header-data units (HDUs) in order, the primary first, then the extensions.
///
/// The file is mapped, not copied (`readFile`); opening it reads only the headers and records where
/// each HDU's data lies, so a file of many HDUs opens in O(header cards) and each image or table is
/// decoded only when asked (`FITSHDU.image`, `FITSHDU.binaryTable`, `FITSHDU.asciiTable`). The structure is checked on
/// opening: 2880-byte blocks, `SIMPLE = T` first in the primary header and `XTENSION` first in each
/// extension, then `BITPIX` (8, 16, 32, 64, -32 or -64), `NAXIS` (0...999) and `NAXIS1...NAXISn`
/// in that order, and the data of every HDU inside the file (the last one may omit its padding).
/// Anything else is a `DataError.malformedFITS` naming the HDU and the card. Zero bytes after the
/// last HDU are ignored; any other bytes there must form a further HDU (so a file cut inside a
/// header is an error, not a shorter file).
///
/// ```swift
/// let fits = try FITSFile(contentsOf: URL(fileURLWithPath: "spec-0266-51602-0001.fits"))
/// let coadd = try fits.hdu(named: "COADD").binaryTable()
/// let flux = try coadd.doubles("flux")            // one value per row
/// let z = try fits.hdu(named: "SPECOBJ").binaryTable().doubles("Z")[0]
/// ```
public struct FITSFile: Sendable {
    /// The header-data units, the primary (index 0) first.
    public let hdus: [FITSHDU]
    /// The path or name used in error messages.
    public let source: String

    /// Opens (maps) and parses the FITS file at `url`.
    public init(contentsOf url: URL) throws {
        try self.init(data: readFile(url), source: url.path)
    }

    /// Parses FITS bytes; `source` names them in errors.
    public init(data: Data, source: String = "FITS data") throws {
        self.source = source
        self.hdus = try data.withUnsafeBytes { raw in try Self.parseHDUs(raw, data: data, source: source) }
    }

    /// The HDU whose `EXTNAME` is `name` (case-insensitive; "PRIMARY" names HDU 0 too).
    public func hdu(named name: String) throws -> FITSHDU {
        let wanted = name.uppercased()
        if let hdu = hdus.first(where: { $0.name?.uppercased() == wanted }) { return hdu }
        if wanted == "PRIMARY", let primary = hdus.first { return primary }
        throw DataError.malformedFITS(
            source: source, hdu: "HDU \(name)", card: nil,
            reason: "no HDU has EXTNAME = '\(name)'; the file has \(hdus.map(\.label).joined(separator: ", "))")
    }
}

/// One header-data unit: its header, its kind and its data bytes (shared with the mapped file).
public struct FITSHDU: Sendable {
    /// What the data of an HDU is.
    public enum Kind: Sendable, Equatable {
        /// The primary HDU (an image, possibly empty).
        case primary
        /// An `IMAGE` extension.
        case image
        /// A `BINTABLE` extension.
        case binaryTable
        /// A `TABLE` (ASCII table) extension, read with `asciiTable()`.
        case asciiTable
        /// Any other extension type, named by its `XTENSION` value; its data is skipped.
        case other(String)
    }

    /// The position of the HDU in the file (0 for the primary).
    public let index: Int
    public let header: FITSHeader
    public let kind: Kind
    /// Bytes of the data part, without its padding (the main data array and, for tables, the heap).
    public let data: Data
    /// The file's name for error messages.
    public let source: String

    /// The HDU's `EXTNAME`, or "PRIMARY" for HDU 0 without one.
    public var name: String? { header.string("EXTNAME") ?? (index == 0 ? "PRIMARY" : nil) }

    /// `BITPIX`: bits per value, negative for IEEE floating point.
    public var bitpix: Int { header.integer("BITPIX") ?? 8 }

    /// `NAXIS1...NAXISn`, the fastest-varying axis first as FITS orders them.
    public var axes: [Int] {
        (0..<(header.integer("NAXIS") ?? 0)).map { header.integer("NAXIS\($0 + 1)") ?? 0 }
    }

    /// How errors name this HDU: "HDU 1 (COADD)".
    public var label: String { "HDU \(index)" + (name.map { " (\($0))" } ?? "") }

    /// An error about this HDU (and optionally one of its cards).
    func error(_ reason: String, card keyword: String? = nil) -> DataError {
        let card = keyword.map { k in header.card(k)?.label ?? "card \(k)" }
        return .malformedFITS(source: source, hdu: label, card: card, reason: reason)
    }
}

// MARK: - Private

extension FITSFile {
    private static func parseHDUs(_ bytes: UnsafeRawBufferPointer, data: Data, source: String) throws -> [FITSHDU] {
        guard !bytes.isEmpty else {
            throw DataError.malformedFITS(source: source, hdu: "HDU 0", card: nil, reason: "the file is empty")
        }
        var hdus = [FITSHDU]()
        var offset = 0
        while offset < bytes.count {
            let index = hdus.count
            if index > 0 {
                let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
                if rest.allSatisfy({ $0 == 0 }) { break }
            }
            let (header, dataStart) = try FITSHeader.parse(bytes, at: offset, source: source, hdu: index)
            let (kind, size) = try structure(of: header, index: index, source: source)
            let dataEnd = dataStart + size
            guard dataEnd <= bytes.count else {
                throw DataError.malformedFITS(
                    source: source, hdu: "HDU \(index)" + (header.string("EXTNAME").map { " (\($0))" } ?? ""), card: nil,
                    reason: "truncated data: the header declares \(size) bytes of data from byte \(dataStart), but the file ends at byte \(bytes.count)")
            }
            let start = data.startIndex + dataStart
            hdus.append(FITSHDU(index: index, header: header, kind: kind, data: data[start..<(start + size)], source: source))
            offset = dataStart + (size + FITSHeader.blockLength - 1) / FITSHeader.blockLength * FITSHeader.blockLength
        }
        return hdus
    }

    /// Checks the mandatory keywords and returns the HDU kind and its data size in bytes.
    private static func structure(of header: FITSHeader, index: Int, source: String) throws -> (FITSHDU.Kind, Int) {
        let name = "HDU \(index)" + (header.string("EXTNAME").map { " (\($0))" } ?? "")
        func fail(_ card: FITSCard?, _ keyword: String, _ reason: String) -> DataError {
            .malformedFITS(source: source, hdu: name, card: card?.label ?? "card \(keyword)", reason: reason)
        }
        let cards = header.cards
        func expect(_ position: Int, _ keyword: String) throws -> FITSCard {
            guard position < cards.count, cards[position].keyword == keyword else {
                let found = position < cards.count ? cards[position].keyword : "the end of the header"
                throw fail(position < cards.count ? cards[position] : nil, keyword,
                           "expected the mandatory keyword \(keyword) as card \(position + 1), found \(found)")
            }
            return cards[position]
        }
        let kind: FITSHDU.Kind
        if index == 0 {
            let simple = try expect(0, "SIMPLE")
            guard simple.value == .logical(true) else {
                throw fail(simple, "SIMPLE", "SIMPLE must be T for a standard FITS file, got \(simple.value.map(\.description) ?? "no value")")
            }
            kind = .primary
        } else {
            let xtension = try expect(0, "XTENSION")
            guard case let .string(type)? = xtension.value else {
                throw fail(xtension, "XTENSION", "XTENSION must be a string such as 'IMAGE' or 'BINTABLE'")
            }
            switch type.uppercased() {
            case "IMAGE": kind = .image
            case "BINTABLE", "A3DTABLE": kind = .binaryTable
            case "TABLE": kind = .asciiTable
            default: kind = .other(type)
            }
        }
        let bitpixCard = try expect(1, "BITPIX")
        guard case let .integer(bitpix)? = bitpixCard.value, [8, 16, 32, 64, -32, -64].contains(bitpix) else {
            throw fail(bitpixCard, "BITPIX", "BITPIX must be 8, 16, 32, 64, -32 or -64, got \(bitpixCard.value.map(\.description) ?? "no value")")
        }
        let naxisCard = try expect(2, "NAXIS")
        guard case let .integer(naxis)? = naxisCard.value, (0...999).contains(naxis) else {
            throw fail(naxisCard, "NAXIS", "NAXIS must be an integer in 0...999, got \(naxisCard.value.map(\.description) ?? "no value")")
        }
        var axes = [Int]()
        for n in 1...max(naxis, 1) where n <= naxis {
            let card = try expect(2 + n, "NAXIS\(n)")
            guard case let .integer(length)? = card.value, length >= 0 else {
                throw fail(card, "NAXIS\(n)", "NAXIS\(n) must be a non-negative integer, got \(card.value.map(\.description) ?? "no value")")
            }
            axes.append(length)
        }
        if let extra = header.integer("NAXIS\(naxis + 1)"), naxis < 999 {
            throw fail(header.card("NAXIS\(naxis + 1)"), "NAXIS\(naxis + 1)",
                       "NAXIS = \(naxis) but the header also has NAXIS\(naxis + 1) = \(extra); the axis count does not match")
        }
        if kind == .binaryTable || kind == .asciiTable {
            guard naxis == 2 else { throw fail(naxisCard, "NAXIS", "a table extension must have NAXIS = 2, got \(naxis)") }
            if kind == .binaryTable && bitpix != 8 { throw fail(bitpixCard, "BITPIX", "a binary table must have BITPIX = 8, got \(bitpix)") }
        }
        // Random groups (NAXIS1 = 0 with GROUPS = T) count the axes after the first.
        let isGroups = index == 0 && naxis > 0 && axes[0] == 0 && header.logical("GROUPS") == true
        let pcount = header.integer("PCOUNT") ?? 0
        let gcount = header.integer("GCOUNT") ?? 1
        guard pcount >= 0 else { throw fail(header.card("PCOUNT"), "PCOUNT", "PCOUNT must not be negative, got \(pcount)") }
        guard gcount >= 0 else { throw fail(header.card("GCOUNT"), "GCOUNT", "GCOUNT must not be negative, got \(gcount)") }
        if naxis == 0 && !isGroups { return (kind, 0) }
        var values = 1
        for length in (isGroups ? Array(axes.dropFirst()) : axes) {
            let (product, overflow) = values.multipliedReportingOverflow(by: length)
            guard !overflow, product < 1 << 48 else { throw fail(naxisCard, "NAXIS", "the axis lengths \(axes) make an impossibly large data size") }
            values = product
        }
        if index > 0 || isGroups {
            let (withParameters, overflow) = (values + pcount).multipliedReportingOverflow(by: gcount)
            guard !overflow, withParameters < 1 << 48 else { throw fail(header.card("PCOUNT"), "PCOUNT", "PCOUNT and GCOUNT make an impossibly large data size") }
            values = withParameters
        }
        return (kind, values * abs(bitpix) / 8)
    }
}

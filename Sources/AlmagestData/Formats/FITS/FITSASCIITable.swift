import AlmagestCore
import Foundation

/// An ASCII table (`XTENSION = 'TABLE'`, FITS 4.0 section 7.2): `NAXIS2` rows of `NAXIS1`
/// characters; column n starts at character `TBCOLn` (1-based) and is `TFORMn` wide: `Aw`
/// (text), `Iw` (integer), `Fw.d`, `Ew.d`, `Dw.d` (reals, `D` exponents allowed).
/// `doubles` gives `TZEROn + TSCALn * value` for numeric columns, NaN where the field equals
/// `TNULLn` or is blank; `strings` gives any column's text without its surrounding blanks. A field
/// that is not a number, or a column outside the row, is a `DataError.malformedFITS` naming the
/// HDU, the column and the row. Cost O(rows x width) per column.
///
/// ```swift
/// let table = try fits.hdu(named: "CATALOG").asciiTable()
/// let magnitudes = try table.doubles("MAG")
/// ```
public struct FITSASCIITable: Sendable {
    /// One column's description.
    public struct Column: Sendable, Equatable {
        /// `TTYPEn` (or "column n").
        public let name: String
        /// The TFORM letter: A, I, F, E or D.
        public let type: Character
        /// The field width in characters.
        public let width: Int
        /// 0-based offset of the field in a row (`TBCOLn - 1`).
        public let offset: Int
        public let scale: Double
        public let zero: Double
        /// `TNULLn`: the text of a null field, when given.
        public let null: String?
    }

    public let rowCount: Int
    public let rowWidth: Int
    public let columns: [Column]

    /// The column named `name` (case-insensitive).
    public func column(named name: String) throws -> Column {
        if let column = columns.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) { return column }
        throw DataError.noSuchColumn(source: "\(source), \(hdu)", column: name, available: columns.map(\.name).joined(separator: ", "))
    }

    /// A numeric column's physical values (see the type's documentation).
    public func doubles(_ name: String) throws -> [Double] {
        let column = try column(named: name)
        guard column.type != "A" else {
            throw DataError.unsupported(source: "\(source), \(hdu)", feature: "reading text column \(column.name) as numbers")
        }
        return try (0..<rowCount).map { r in
            let text = field(column, row: r)
            if text.isEmpty || text == column.null { return .nan }
            let normal = text.replacingOccurrences(of: "D", with: "E").replacingOccurrences(of: "d", with: "e")
            guard let value = Double(normal), value.isFinite else {
                throw DataError.malformedFITS(
                    source: source, hdu: hdu, card: nil,
                    reason: "column \(column.name), row \(r + 1): \"\(text)\" is not a number (TFORM \(column.type)\(column.width))")
            }
            return column.zero + column.scale * value
        }
    }

    /// Any column's text per row, without surrounding blanks.
    public func strings(_ name: String) throws -> [String] {
        let column = try column(named: name)
        return (0..<rowCount).map { field(column, row: $0) }
    }

    let data: Data
    let source: String
    let hdu: String

    private func field(_ column: Column, row: Int) -> String {
        data.withUnsafeBytes { bytes in
            var lo = row * rowWidth + column.offset, hi = lo + column.width
            while lo < hi && bytes[lo] == 32 { lo += 1 }
            while hi > lo && (bytes[hi - 1] == 32 || bytes[hi - 1] == 0) { hi -= 1 }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[lo..<hi]), as: UTF8.self)
        }
    }
}

extension FITSHDU {
    /// This HDU as an ASCII table (it must be a `TABLE` extension).
    public func asciiTable() throws -> FITSASCIITable {
        guard kind == .asciiTable else { throw error("is not an ASCII table (XTENSION = 'TABLE')", card: index == 0 ? "SIMPLE" : "XTENSION") }
        let rowWidth = axes[0], rowCount = axes[1]
        guard let fields = header.integer("TFIELDS"), (0...999).contains(fields) else {
            throw error("an ASCII table needs TFIELDS, an integer in 0...999", card: "TFIELDS")
        }
        var columns = [FITSASCIITable.Column]()
        for n in 1...max(fields, 1) where n <= fields {
            guard let form = header.string("TFORM\(n)")?.trimmingCharacters(in: .whitespaces).uppercased(), let type = form.first,
                "AIFED".contains(type), let width = Int(form.dropFirst().prefix { $0.isNumber }), width > 0
            else {
                throw error("TFORM\(n) must be Aw, Iw, Fw.d, Ew.d or Dw.d, got \(header[("TFORM\(n)")]?.description ?? "nothing")", card: "TFORM\(n)")
            }
            guard let start = header.integer("TBCOL\(n)"), start >= 1, start - 1 + width <= rowWidth else {
                throw error("TBCOL\(n) must place the \(width)-character field inside the \(rowWidth)-character row", card: "TBCOL\(n)")
            }
            let null: String? = header.string("TNULL\(n)")?.trimmingCharacters(in: .whitespaces)
            columns.append(FITSASCIITable.Column(
                name: header.string("TTYPE\(n)") ?? "column \(n)", type: type, width: width, offset: start - 1,
                scale: header.real("TSCAL\(n)") ?? 1, zero: header.real("TZERO\(n)") ?? 0, null: null))
        }
        guard rowWidth * rowCount <= data.count else {
            throw error("the table needs \(rowWidth * rowCount) bytes but the data part has \(data.count)", card: "NAXIS2")
        }
        return FITSASCIITable(rowCount: rowCount, rowWidth: rowWidth, columns: columns, data: data, source: source, hdu: label)
    }
}

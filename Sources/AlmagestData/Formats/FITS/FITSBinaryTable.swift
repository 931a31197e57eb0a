import AlmagestCore
import Foundation

/// A binary table (`XTENSION = 'BINTABLE'`, FITS 4.0 section 7.3): `NAXIS2` rows of `NAXIS1`
/// bytes, each row holding the `TFIELDS` columns one after another, big-endian.
///
/// Columns are read by name (`TTYPEn`, case-insensitive) or index, each as a flat array of
/// `rows x repeatCount` values, row after row:
/// - numbers (`B I J K E D`): `values` / `doubles` give `TZEROn + TSCALn * stored`, integers equal
///   to `TNULLn` become NaN; `integers` gives exact `Int64`s plus an integral `TZEROn` (the
///   unsigned conventions: `I` with 32768, `J` with 2^31, `B` with -128 for signed bytes);
/// - `A` strings: `strings`, one per row, trailing blanks and anything from the first NUL dropped;
/// - `L` logicals: `logicals` (`T`, `F`, nil for a 0 byte); `X` bits: `bits`.
/// Complex columns and variable-length arrays (`P`, `Q`) are listed but reading them throws
/// `DataError.unsupported`. The column widths must add up to `NAXIS1`, otherwise the table is a
/// `DataError.malformedFITS` naming that card. Cost O(rows x repeat) per column, decoded by a
/// strided big-endian loop straight from the mapped file.
///
/// ```swift
/// let table = try fits.hdu(named: "COADD").binaryTable()
/// let loglam = try table.doubles("loglam")
/// let classes = try fits.hdu(named: "SPECOBJ").binaryTable().strings("CLASS")
/// ```
public struct FITSBinaryTable: Sendable {
    /// One column's description.
    public struct Column: Sendable, Equatable {
        /// `TTYPEn` (or "column n" when absent).
        public let name: String
        public let format: FITSColumnFormat
        /// `TUNITn`, when given.
        public let unit: String?
        /// `TSCALn` (1 when absent).
        public let scale: Double
        /// `TZEROn` (0 when absent).
        public let zero: Double
        /// `TNULLn` for integer columns, when given.
        public let null: Int64?
        /// Byte offset of the column inside a row.
        public let offset: Int
    }

    /// `NAXIS2`.
    public let rowCount: Int
    /// `NAXIS1`: bytes per row.
    public let rowWidth: Int
    public let columns: [Column]

    /// The column named `name` (case-insensitive).
    public func column(named name: String) throws -> Column {
        if let column = columns.first(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) { return column }
        throw DataError.noSuchColumn(source: "\(source), \(hdu)", column: name, available: columns.map(\.name).joined(separator: ", "))
    }

    /// A numeric column as physical values (`TZERO + TSCAL * stored`; TNULL → NaN), rows x repeat.
    public func values<Scalar: MatrixScalar>(_ name: String, as type: Scalar.Type = Double.self) throws -> [Scalar] {
        let column = try column(named: name)
        guard let storage = column.format.type.storage else {
            throw DataError.unsupported(source: "\(source), \(hdu)", feature: "reading column \(column.name) (TFORM \(column.format)) as numbers")
        }
        let perRow = column.format.repeatCount
        let count = rowCount * perRow
        return [Scalar](unsafeUninitializedCapacity: count) { out, initialized in
            guard let base = out.baseAddress else { return }
            data.withUnsafeBytes { bytes in
                if perRow == 1 {
                    FITSBigEndian.decode(
                        bytes, offset: column.offset, stride: rowWidth, count: rowCount, storage: storage,
                        scale: column.scale, zero: column.zero, null: column.null, into: base)
                } else {
                    for k in 0..<perRow {
                        // Element k of every row, written with a stride through a temporary.
                        var part = [Scalar](repeating: 0, count: rowCount)
                        part.withUnsafeMutableBufferPointer { p in
                            FITSBigEndian.decode(
                                bytes, offset: column.offset + k * storage.byteWidth, stride: rowWidth, count: rowCount,
                                storage: storage, scale: column.scale, zero: column.zero, null: column.null, into: p.baseAddress!)
                        }
                        for r in 0..<rowCount { base[r * perRow + k] = part[r] }
                    }
                }
            }
            initialized = count
        }
    }

    /// A numeric column as `Double`s (see `values`).
    public func doubles(_ name: String) throws -> [Double] { try values(name, as: Double.self) }

    /// An integer column (`B I J K`) as exact integers plus an integral `TZEROn`; TSCALn must be 1.
    public func integers(_ name: String) throws -> [Int64] {
        let column = try column(named: name)
        guard let storage = column.format.type.storage, storage.isInteger else {
            throw DataError.unsupported(source: "\(source), \(hdu)", feature: "reading column \(column.name) (TFORM \(column.format)) as integers")
        }
        guard column.scale == 1, column.zero == column.zero.rounded(),
            abs(column.zero) < 9.2e18 || column.zero == 9_223_372_036_854_775_808
        else {
            throw DataError.unsupported(source: "\(source), \(hdu)", feature: "exact integers of column \(column.name) with TSCAL \(column.scale) and TZERO \(column.zero)")
        }
        let zero = column.zero == 9_223_372_036_854_775_808 ? Int64.min : Int64(column.zero)
        let perRow = column.format.repeatCount
        var out = [Int64](repeating: 0, count: rowCount * perRow)
        data.withUnsafeBytes { bytes in
            out.withUnsafeMutableBufferPointer { p in
                for r in 0..<rowCount {
                    FITSBigEndian.decodeIntegers(
                        bytes, offset: r * rowWidth + column.offset, stride: storage.byteWidth, count: perRow, storage: storage,
                        zero: zero, into: p.baseAddress! + r * perRow)
                }
            }
        }
        return out
    }

    /// A character (`A`) column: one string per row, trailing blanks and the text from a NUL on dropped.
    public func strings(_ name: String) throws -> [String] {
        let column = try column(named: name)
        guard column.format.type == .character else {
            throw DataError.unsupported(source: "\(source), \(hdu)", feature: "reading column \(column.name) (TFORM \(column.format)) as strings")
        }
        let width = column.format.repeatCount
        return data.withUnsafeBytes { bytes in
            (0..<rowCount).map { r in
                let start = r * rowWidth + column.offset
                var end = start
                while end < start + width && bytes[end] != 0 { end += 1 }
                while end > start && bytes[end - 1] == 32 { end -= 1 }
                return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
            }
        }
    }

    /// A logical (`L`) column, rows x repeat: `T` true, `F` false, a 0 byte nil.
    public func logicals(_ name: String) throws -> [Bool?] {
        let column = try column(named: name)
        guard column.format.type == .logical else {
            throw DataError.unsupported(source: "\(source), \(hdu)", feature: "reading column \(column.name) (TFORM \(column.format)) as logicals")
        }
        let perRow = column.format.repeatCount
        return data.withUnsafeBytes { bytes in
            (0..<(rowCount * perRow)).map { i in
                switch bytes[(i / perRow) * rowWidth + column.offset + i % perRow] {
                case UInt8(ascii: "T"): return true
                case UInt8(ascii: "F"): return false
                default: return nil
                }
            }
        }
    }

    /// A bit (`X`) column, rows x repeat bits, the most significant bit of each byte first.
    public func bits(_ name: String) throws -> [Bool] {
        let column = try column(named: name)
        guard column.format.type == .bit else {
            throw DataError.unsupported(source: "\(source), \(hdu)", feature: "reading column \(column.name) (TFORM \(column.format)) as bits")
        }
        let perRow = column.format.repeatCount
        return data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) -> [Bool] in
            (0..<(rowCount * perRow)).map { (i: Int) -> Bool in
                let bit = i % perRow
                let byte: UInt8 = bytes[(i / perRow) * rowWidth + column.offset + bit / 8]
                return byte & (UInt8(0x80) >> UInt8(bit % 8)) != 0
            }
        }
    }

    let data: Data
    let source: String
    let hdu: String
}

extension FITSHDU {
    /// This HDU as a binary table (it must be a `BINTABLE` extension).
    public func binaryTable() throws -> FITSBinaryTable {
        guard kind == .binaryTable else {
            throw error("is not a binary table (XTENSION = 'BINTABLE')", card: index == 0 ? "SIMPLE" : "XTENSION")
        }
        let axes = self.axes
        let rowWidth = axes[0], rowCount = axes[1]
        guard let fields = header.integer("TFIELDS"), (0...999).contains(fields) else {
            throw error("a binary table needs TFIELDS, an integer in 0...999", card: "TFIELDS")
        }
        var columns = [FITSBinaryTable.Column]()
        var offset = 0
        for n in 1...max(fields, 1) where n <= fields {
            guard let text = header.string("TFORM\(n)") else { throw error("column \(n) has no TFORM\(n) string", card: "TFORM\(n)") }
            let format: FITSColumnFormat
            do { format = try FITSColumnFormat(parsing: text) } catch let DataError.malformed(_, reason) {
                throw error("TFORM\(n) = '\(text)' is not a column format: \(reason)", card: "TFORM\(n)")
            }
            let null: Int64? = format.type.storage?.isInteger == true ? header.integer("TNULL\(n)").map(Int64.init) : nil
            let scale = header.real("TSCAL\(n)") ?? 1, zero = header.real("TZERO\(n)") ?? 0
            guard scale.isFinite, zero.isFinite else { throw error("TSCAL\(n) and TZERO\(n) must be finite", card: "TSCAL\(n)") }
            columns.append(FITSBinaryTable.Column(
                name: header.string("TTYPE\(n)") ?? "column \(n)", format: format, unit: header.string("TUNIT\(n)"),
                scale: scale, zero: zero, null: null, offset: offset))
            offset += format.byteWidth
        }
        guard offset == rowWidth else {
            throw error(
                "the columns' TFORMs add up to \(offset) bytes per row but NAXIS1 = \(rowWidth); the row width does not match",
                card: "NAXIS1")
        }
        guard rowWidth * rowCount <= data.count else {
            throw error("the table needs \(rowWidth * rowCount) bytes but the data part has \(data.count)", card: "NAXIS2")
        }
        return FITSBinaryTable(rowCount: rowCount, rowWidth: rowWidth, columns: columns, data: data, source: source, hdu: label)
    }
}

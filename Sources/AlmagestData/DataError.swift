/// Errors of reading and writing data files. Each names the file (or input), the place and what
/// was expected.
public enum DataError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A file could not be read or written.
    case io(path: String, reason: String)
    /// The content is not in the expected format.
    case malformed(source: String, reason: String)
    /// A format feature we do not read (a dtype, Fortran order, a compression method, ...).
    case unsupported(source: String, feature: String)
    /// A CSV row whose field count differs from the header's (1-based line number).
    case raggedRow(source: String, line: Int, fields: Int, expected: Int)
    /// A cell that should be a number is not (1-based line and column numbers).
    case notANumber(source: String, line: Int, column: Int, text: String)
    /// A file would be overwritten without the caller asking for it.
    case wouldOverwrite(path: String)
    /// A required cell (a label) is empty or a missing-value token (1-based line and column).
    case missingValue(source: String, line: Int, column: Int)
    /// A column named or numbered by the caller does not exist.
    case noSuchColumn(source: String, column: String, available: String)
    /// A requested range of rows outside the rows the input has.
    case rowsOutOfRange(source: String, requested: Range<Int>, available: Int)
    /// A dataset whose parts do not fit together (label count vs rows, names vs columns, ...).
    case invalidDataset(reason: String)
    /// A FITS file that breaks the standard: `hdu` names the header-data unit (0-based index and
    /// EXTNAME, e.g. "HDU 1 (COADD)"), `card` the card (1-based position and keyword) when one is
    /// at fault.
    case malformedFITS(source: String, hdu: String, card: String?, reason: String)

    public var description: String {
        switch self {
        case let .io(path, reason): return "cannot access \(path): \(reason)"
        case let .malformed(source, reason): return "\(source) is malformed: \(reason)"
        case let .unsupported(source, feature): return "\(source) uses \(feature), which is not supported"
        case let .raggedRow(source, line, fields, expected):
            return "\(source), line \(line): \(fields) fields, expected \(expected) like the first row"
        case let .notANumber(source, line, column, text):
            return "\(source), line \(line), column \(column): \"\(text)\" is not a number"
        case let .wouldOverwrite(path): return "\(path) already exists; refusing to overwrite it (pass overwrite: true to replace it)"
        case let .missingValue(source, line, column):
            return "\(source), line \(line), column \(column): the value is missing, but this column must have one"
        case let .noSuchColumn(source, column, available):
            return "\(source) has no column \(column); available: \(available)"
        case let .rowsOutOfRange(source, requested, available):
            return "\(source) has \(available) rows; the requested rows \(requested.lowerBound)..<\(requested.upperBound) are not inside 0..<\(available)"
        case let .invalidDataset(reason): return "invalid dataset: \(reason)"
        case let .malformedFITS(source, hdu, card, reason):
            return "\(source), \(hdu)\(card.map { ", \($0)" } ?? ""): \(reason)"
        }
    }
}

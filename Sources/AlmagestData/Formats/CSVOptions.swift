/// How a CSV (or TSV) file is laid out: delimiter, header, quoting, missing-value tokens and
/// comment lines. The defaults read RFC 4180 files (comma, double quotes, CRLF or LF) and guess
/// whether the first row is a header.
///
/// ```swift
/// var options = CSVOptions.tsv
/// options.header = .absent
/// options.commentPrefix = "#"
/// let data = try CSVReader.read(from: url, options: options, target: .name("species"))
/// ```
public struct CSVOptions: Sendable, Equatable {
    /// Whether the first row names the columns.
    public enum Header: String, Sendable, Equatable, Codable, CaseIterable {
        /// The first row is a header.
        case present
        /// Every row is data.
        case absent
        /// A header when the first row has a non-numeric cell in a column whose next rows are all
        /// numbers (or missing); otherwise no header.
        case detect
    }

    /// Field separator; a single ASCII character other than the quote, CR or LF.
    public var delimiter: Character
    /// Whether the first row is a header.
    public var header: Header
    /// The quote character (RFC 4180: a quote inside a quoted field is written twice); `nil`
    /// turns quoting off.
    public var quote: Character?
    /// Cells (after trimming spaces and tabs) that mean "missing" and read as NaN.
    public var missingValues: Set<String>
    /// Lines starting with this character are skipped (`nil`: no comment lines).
    public var commentPrefix: Character?

    public init(
        delimiter: Character = ",", header: Header = .detect, quote: Character? = "\"",
        missingValues: Set<String> = CSVOptions.defaultMissingValues, commentPrefix: Character? = nil
    ) {
        self.delimiter = delimiter
        self.header = header
        self.quote = quote
        self.missingValues = missingValues
        self.commentPrefix = commentPrefix
    }

    /// `""`, `NA`, `NaN`, `nan` and `?`.
    public static let defaultMissingValues: Set<String> = ["", "NA", "NaN", "nan", "?"]
    /// Comma-separated, header detected.
    public static let csv = CSVOptions()
    /// Tab-separated, header detected.
    public static let tsv = CSVOptions(delimiter: "\t")

    /// Throws `DataError.unsupported` unless the special characters are single ASCII bytes that
    /// differ from each other and from CR/LF; returns them as bytes.
    func bytes(source: String) throws -> (delimiter: UInt8, quote: UInt8?, comment: UInt8?) {
        func ascii(_ c: Character?, _ role: String) throws -> UInt8? {
            guard let c else { return nil }
            guard let b = c.asciiValue, b != 0x0A, b != 0x0D else {
                throw DataError.unsupported(
                    source: source, feature: "the \(role) character \"\(c)\" (expected one ASCII character other than CR or LF)")
            }
            return b
        }
        let d = try ascii(delimiter, "delimiter")!
        let q = try ascii(quote, "quote"), c = try ascii(commentPrefix, "comment")
        if let q, q == d {
            throw DataError.unsupported(source: source, feature: "the same character \"\(delimiter)\" as delimiter and quote")
        }
        return (d, q, c)
    }
}

/// Names one column of a table: by header name, or by 0-based index (negative counts from the
/// end, `-1` is the last column). String and integer literals work: `"class"`, `-1`.
public enum ColumnSelector: Sendable, Equatable, Hashable, Codable, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral, CustomStringConvertible
{
    case name(String)
    case index(Int)

    public init(stringLiteral value: String) { self = .name(value) }

    /// A column given as text (command line, experiment file): an integer is an index (negative
    /// from the end), anything else a column name.
    public init(commandLine text: String) {
        self = Int(text).map { .index($0) } ?? .name(text)
    }
    public init(integerLiteral value: Int) { self = .index(value) }

    public var description: String {
        switch self {
        case let .name(name): return "\"\(name)\""
        case let .index(index): return "index \(index)"
        }
    }

    /// The 0-based column this selector names among `names` (`count` columns), or nil.
    func resolve(names: [String]?, count: Int) -> Int? {
        switch self {
        case let .name(name): return names?.firstIndex(of: name)
        case let .index(index):
            let resolved = index < 0 ? count + index : index
            return (0..<count).contains(resolved) ? resolved : nil
        }
    }
}

import AlmagestCore
import Foundation

/// Reads a CSV or TSV file (plain or gzip'd) into a `Dataset`: numeric feature columns, an
/// optional label (target) column, optional dropped columns.
///
/// Every column other than the target and the dropped ones must be numeric; cells equal to a
/// missing-value token (`""`, `NA`, `NaN`, `nan`, `?` by default) read as NaN. The target column:
/// when every cell is an integer (`3`, `-1`, `2.0`) the labels keep those values and the data set
/// has no class names; otherwise the distinct texts, **sorted** (Unicode order), become class names
/// and each label is the index of its text — so the ids do not depend on row order. A missing
/// target cell is an error. A row with a different number of fields than the first one, or a
/// non-numeric feature cell, is an error naming the 1-based line and column.
/// Cost O(n) in the bytes; the fields are parsed from UTF-8 bytes without a `String` per cell.
///
/// ```swift
/// let magic = try CSVReader.read(from: URL(fileURLWithPath: "magic04.data"),
///                                options: CSVOptions(header: .absent), target: -1)
/// magic.classNames   // ["g", "h"]
/// ```
public enum CSVReader {
    /// Reads `url` (`.csv`, `.tsv`, or either gzip'd); see the type's documentation.
    /// A plain (not gzip'd) file of `streamingThreshold` bytes or more is read in windows
    /// (`readStreaming`), so reading holds the matrix and one window rather than the whole file.
    public static func read(
        from url: URL, options: CSVOptions = .csv, target: ColumnSelector? = nil, dropping: [ColumnSelector] = [],
        categorical: [ColumnSelector] = []
    ) throws -> Dataset {
        if !categorical.isEmpty {
            return try read(readFile(url), source: url.path, options: options, target: target, dropping: dropping, categorical: categorical)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? Int) ?? nil
        if let size, size >= streamingThreshold, !Gzip.isGzip(url) {
            return try readStreaming(from: url, options: options, target: target, dropping: dropping)
        }
        return try read(readFile(url), source: url.path, options: options, target: target, dropping: dropping)
    }

    /// Files of at least this many bytes are read in windows by `read(from:)`.
    public static let streamingThreshold = 64 << 20

    /// Reads a plain CSV file through a window of whole lines of `windowBytes` (32 MB by default):
    /// the same data set as `read(from:)`, holding the matrix and one window instead of the whole
    /// file. Files with quoted fields fall back to the general reader (which holds the file).
    public static func readStreaming(
        from url: URL, options: CSVOptions = .csv, target: ColumnSelector? = nil, dropping: [ColumnSelector] = [],
        windowBytes: Int = 32 << 20
    ) throws -> Dataset {
        let special = try options.bytes(source: url.path)
        if let data = try CSVStreamingReader.read(
            url, source: url.path, options: options, special: special, target: target, dropping: dropping, windowBytes: windowBytes)
        {
            return data
        }
        return try read(readFile(url), source: url.path, options: options, target: target, dropping: dropping)
    }

    /// Reads CSV bytes (gzip'd or not); `source` names the input in errors and provenance.
    public static func read(
        _ data: Data, source: String = "CSV data", options: CSVOptions = .csv, target: ColumnSelector? = nil,
        dropping: [ColumnSelector] = [], categorical: [ColumnSelector] = []
    ) throws -> Dataset {
        let special = try options.bytes(source: source)
        let plain = try Gzip.decompressIfNeeded(data, source: source)
        let fast = !categorical.isEmpty ? nil : try plain.withUnsafeBytes { raw in
            try CSVParallelReader.read(raw.bindMemory(to: UInt8.self), source: source, options: options, special: special,
                                       target: target, dropping: dropping)
        }
        if let fast { return fast }
        let bytes = [UInt8](plain)
        let table = try CSVTokenizer.tokenize(
            bytes, source: source, delimiter: special.delimiter, quote: special.quote, comment: special.comment)
        return try CSVParser(table: table, source: source, options: options)
            .dataset(target: target, dropping: dropping, categorical: categorical)
    }

    /// Only the header decision: true when `options.header` is `.present`, or `.detect` finds one.
    public static func hasHeader(_ data: Data, options: CSVOptions = .csv) throws -> Bool {
        let special = try options.bytes(source: "CSV data")
        let bytes = [UInt8](try Gzip.decompressIfNeeded(data))
        let table = try CSVTokenizer.tokenize(
            bytes, source: "CSV data", delimiter: special.delimiter, quote: special.quote, comment: special.comment)
        return CSVParser(table: table, source: "CSV data", options: options).hasHeader()
    }
}

// MARK: - Private

/// Reads a tokenized table into a dataset: header detection, column selection, numbers, labels.
struct CSVParser {
    let table: CSVTokenizer.Table
    let source: String
    let options: CSVOptions
    let missing: [[UInt8]]

    init(table: CSVTokenizer.Table, source: String, options: CSVOptions) {
        self.table = table
        self.source = source
        self.options = options
        self.missing = options.missingValues.map { Array($0.utf8) }
    }

    func hasHeader() -> Bool {
        switch options.header {
        case .present: return table.count > 0
        case .absent: return false
        case .detect:
            guard table.count > 0 else { return false }
            let width = table.fieldCount(0)
            let following = 1..<min(table.count, 21)
            for column in 0..<width {
                let cell = table.field(0, column)
                guard table.number(cell) == nil, !table.isMissing(cell, tokens: missing) else { continue }
                // A text cell over numbers (or over nothing) names its column.
                let below = following.allSatisfy { record in
                    guard column < table.fieldCount(record) else { return false }
                    let c = table.field(record, column)
                    return table.number(c) != nil || table.isMissing(c, tokens: missing)
                }
                if below { return true }
            }
            return false
        }
    }

    func dataset(target: ColumnSelector?, dropping: [ColumnSelector], categorical: [ColumnSelector] = []) throws -> Dataset {
        guard table.count > 0 else { throw DataError.malformed(source: source, reason: "no rows (the file is empty or only comments)") }
        let width = table.fieldCount(0)
        for record in 1..<table.count where table.fieldCount(record) != width {
            throw DataError.raggedRow(source: source, line: table.lines[record], fields: table.fieldCount(record), expected: width)
        }
        let header = hasHeader()
        let names: [String] =
            header ? (0..<width).map { table.trimmedString(table.field(0, $0)) } : Dataset.defaultFeatureNames(count: width)
        let firstData = header ? 1 : 0
        let rows = table.count - firstData

        let targetColumn = try target.map { try resolve($0, names: header ? names : nil, width: width) }
        var excluded = Set(try dropping.map { try resolve($0, names: header ? names : nil, width: width) })
        if let targetColumn { excluded.insert(targetColumn) }
        let featureColumns = (0..<width).filter { !excluded.contains($0) }
        // Categorical columns: the distinct texts of their non-missing cells, sorted; a cell's value is its text's code.
        var codes = [Int: [String: Int]](), categories = [String: [String]]()
        for selector in categorical {
            let column = try resolve(selector, names: header ? names : nil, width: width)
            guard featureColumns.contains(column) else {
                throw DataError.invalidDataset(reason: "the categorical column \(selector) is also the target or dropped")
            }
            let texts = Set((firstData..<table.count).map { table.field($0, column) }
                .filter { !table.isMissing($0, tokens: missing) }.map { table.trimmedString($0) }).sorted()
            codes[column] = Dictionary(uniqueKeysWithValues: texts.enumerated().map { ($1, $0) })
            categories[names[column]] = texts
        }

        var elements = [Double]()
        elements.reserveCapacity(rows * featureColumns.count)
        for record in firstData..<table.count {
            for column in featureColumns {
                let cell = table.field(record, column)
                if let code = codes[column] {
                    elements.append(table.isMissing(cell, tokens: missing) ? .nan : Double(code[table.trimmedString(cell)]!))
                } else if let value = table.number(cell) {
                    elements.append(value)
                } else if table.isMissing(cell, tokens: missing) {
                    elements.append(.nan)
                } else {
                    throw DataError.notANumber(
                        source: source, line: table.lines[record], column: column + 1, text: table.string(cell))
                }
            }
        }
        let features = try Matrix(rows: rows, columns: featureColumns.count, elements: elements)
        var labels: [Int]? = nil
        var classNames: [String] = []
        if let targetColumn {
            (labels, classNames) = try readLabels(column: targetColumn, from: firstData)
        }
        return try Dataset(
            features: features, labels: labels, featureNames: featureColumns.map { names[$0] }, classNames: classNames,
            provenance: Dataset.Provenance(source: source), categories: categories)
    }

    /// Integer labels as they are, or text labels as indices into their sorted distinct texts.
    private func readLabels(column: Int, from firstData: Int) throws -> ([Int], [String]) {
        for record in firstData..<table.count where table.isMissing(table.field(record, column), tokens: missing) {
            throw DataError.missingValue(source: source, line: table.lines[record], column: column + 1)
        }
        return try Self.labels(count: table.count - firstData, number: { table.number(table.field($0 + firstData, column)) },
                               text: { table.trimmedString(table.field($0 + firstData, column)) })
    }

    /// Labels from `count` cells: integers as they are when every cell is one (`number`), else
    /// the indices of the cells' texts (`text`) among their sorted distinct values.
    static func labels(count: Int, number: (Int) -> Double?, text: (Int) -> String) throws -> ([Int], [String]) {
        var integers = [Int]()
        integers.reserveCapacity(count)
        for k in 0..<count {
            guard let value = number(k), value == value.rounded(), abs(value) < 9.0e15 else {
                let texts = (0..<count).map(text)
                let classNames = Array(Set(texts)).sorted()
                let index = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
                return (texts.map { index[$0]! }, classNames)
            }
            integers.append(Int(value))
        }
        return (integers, [])
    }

    func resolve(_ selector: ColumnSelector, names: [String]?, width: Int) throws -> Int {
        if let column = selector.resolve(names: names, count: width) { return column }
        let available: String
        if case .name = selector, names == nil {
            available = "the file has no header, so select columns by index 0..<\(width) (or -\(width)...-1)"
        } else if let names {
            available = names.map { "\"\($0)\"" }.joined(separator: ", ") + " (indices 0..<\(width))"
        } else {
            available = "indices 0..<\(width) or -\(width)...-1"
        }
        throw DataError.noSuchColumn(source: source, column: selector.description, available: available)
    }
}

import AlmagestCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fast path of `CSVReader` for the common case — no quoted fields, LF or CRLF line ends:
/// numbers are converted while the bytes are split (no table of fields), in parallel over blocks of
/// whole lines. A first pass counts each block's records, so every block writes its rows straight
/// into the feature matrix at their final place; the result (values, errors and the line numbers
/// they name) is the same as the general tokenizer's, whatever the thread count. Header detection
/// and column selection run on the first lines through `CSVParser`, so both paths agree.
///
/// Cost: two passes over the bytes, parallel over 2 MB blocks; memory: the matrix and, for a
/// target column, one byte range per row.
///
/// ```swift
/// if let dataset = try CSVParallelReader.read(bytes, source: path, options: options, special: special,
///                                             target: .index(-1), dropping: []) { ... }
/// ```
enum CSVParallelReader {
    /// The dataset, or nil when the bytes need the general tokenizer (a quote character occurs, a
    /// lone CR, or no data line).
    static func read(
        _ bytes: [UInt8], source: String, options: CSVOptions, special: (delimiter: UInt8, quote: UInt8?, comment: UInt8?),
        target: ColumnSelector?, dropping: [ColumnSelector]
    ) throws -> Dataset? {
        try bytes.withUnsafeBufferPointer { p in
            try read(p, source: source, options: options, special: special, target: target, dropping: dropping)
        }
    }

    /// The same, on bytes in place (a mapped file: no copy).
    static func read(
        _ p: UnsafeBufferPointer<UInt8>, source: String, options: CSVOptions,
        special: (delimiter: UInt8, quote: UInt8?, comment: UInt8?), target: ColumnSelector?, dropping: [ColumnSelector]
    ) throws -> Dataset? {
        guard isPlain(p, quote: special.quote) else { return nil }
        guard let plan = try plan(head: p, source: source, options: options, special: special, target: target, dropping: dropping)
        else { return nil }
        guard let (features, targets) = try parse(p, from: plan.start, firstLine: plan.line, layout: plan.layout) else { return nil }
        var labels: [Int]? = nil
        var classNames: [String] = []
        if let targets, let targetColumn = plan.targetColumn {
            for (k, range) in targets.enumerated() where plan.layout.isMissing(p, range) {
                throw DataError.missingValue(
                    source: source, line: lineOf(row: k, p, from: plan.start, firstLine: plan.line, layout: plan.layout),
                    column: targetColumn + 1)
            }
            (labels, classNames) = try CSVParser.labels(
                count: targets.count, number: { FastDecimal.number(p, targets[$0]) },
                text: { String(decoding: p[targets[$0]], as: UTF8.self) })
        }
        return try Dataset(
            features: features, labels: labels, featureNames: plan.names, classNames: classNames,
            provenance: Dataset.Provenance(source: source))
    }

    /// What the first records decide, as the general path decides it: the header, the columns
    /// kept (`names`), the target column, where the data start (byte and line) and the layout.
    struct Plan {
        let layout: Layout
        let names: [String]
        let targetColumn: Int?
        let start: Int
        let line: Int
    }

    /// The plan from the file's first bytes (`head` must hold its first 22 records, or all of it);
    /// nil when there is no record.
    static func plan(
        head p: UnsafeBufferPointer<UInt8>, source: String, options: CSVOptions,
        special: (delimiter: UInt8, quote: UInt8?, comment: UInt8?), target: ColumnSelector?, dropping: [ColumnSelector]
    ) throws -> Plan? {
        let begin = p.count >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF ? 3 : 0
        // The first records decide the header and the columns, as the general path does.
        let head = prefixEnd(p, from: begin, records: 21, comment: special.comment)
        let table = try CSVTokenizer.tokenize(
            Array(p[0..<head]), source: source, delimiter: special.delimiter, quote: special.quote, comment: special.comment)
        guard table.count > 0 else { return nil }
        let parser = CSVParser(table: table, source: source, options: options)
        let width = table.fieldCount(0)
        let header = parser.hasHeader()
        let names = header ? (0..<width).map { table.trimmedString(table.field(0, $0)) } : Dataset.defaultFeatureNames(count: width)
        let targetColumn = try target.map { try parser.resolve($0, names: header ? names : nil, width: width) }
        var excluded = Set(try dropping.map { try parser.resolve($0, names: header ? names : nil, width: width) })
        if let targetColumn { excluded.insert(targetColumn) }
        let featureColumns = (0..<width).filter { !excluded.contains($0) }
        var start = begin, line = 1
        if header {
            (start, line) = afterFirstRecord(p, from: begin, comment: special.comment)
        }
        let layout = Layout(
            width: width, slots: (0..<width).map { c in c == targetColumn ? -2 : featureColumns.firstIndex(of: c) ?? -1 },
            features: featureColumns.count, delimiter: special.delimiter, comment: special.comment,
            missing: options.missingValues.map { Array($0.utf8) }, source: source)
        return Plan(layout: layout, names: featureColumns.map { names[$0] }, targetColumn: targetColumn, start: start, line: line)
    }

    // MARK: - Private

    static let lf: UInt8 = 0x0A, cr: UInt8 = 0x0D, blockBytes = 1 << 21

    /// What the parser needs to know of the columns: `slots[c]` is the feature index of column c,
    /// -2 for the target, -1 for a dropped column.
    struct Layout: @unchecked Sendable {
        let width: Int
        let slots: [Int]
        let features: Int
        let delimiter: UInt8
        let comment: UInt8?
        let missing: [[UInt8]]
        let source: String

        func isMissing(_ p: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
            missing.contains { token in token.count == range.count && p[range].elementsEqual(token) }
        }
    }

    /// No quote character, and every CR followed by LF.
    static func isPlain(_ p: UnsafeBufferPointer<UInt8>, quote: UInt8?) -> Bool {
        let q = Int(quote ?? 0x0A)
        let n = p.count
        guard let base = p.baseAddress else { return false }
        if quote != nil, memchr(base, Int32(q), n) != nil { return false }
        var i = 0
        while i < n, let hit = memchr(base + i, 0x0D, n - i) {
            let k = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if k + 1 >= n || p[k + 1] != lf { return false }
            i = k + 1
        }
        return true
    }

    /// The end of the line holding the `records`-th record after `from` (the whole data when shorter).
    static func prefixEnd(_ p: UnsafeBufferPointer<UInt8>, from: Int, records: Int, comment: UInt8?) -> Int {
        var i = from, seen = 0
        while i < p.count {
            let isRecord = p[i] != lf && p[i] != cr && p[i] != comment
            while i < p.count, p[i] != lf { i += 1 }
            i = min(i + 1, p.count)
            if isRecord { seen += 1; if seen > records { return i } }
        }
        return p.count
    }

    /// The byte after the first record's line, and that line's number + 1.
    static func afterFirstRecord(_ p: UnsafeBufferPointer<UInt8>, from: Int, comment: UInt8?) -> (Int, Int) {
        var i = from, line = 1
        while i < p.count {
            let isRecord = p[i] != lf && p[i] != cr && p[i] != comment
            while i < p.count, p[i] != lf { i += 1 }
            i = min(i + 1, p.count)
            line += 1
            if isRecord { return (i, line) }
        }
        return (i, line)
    }

    /// Block boundaries after `start`: every ~2 MB, moved to the next line start.
    static func blocks(_ p: UnsafeBufferPointer<UInt8>, from start: Int) -> [Range<Int>] {
        var cuts = [start]
        var next = start + blockBytes
        while next < p.count {
            var k = next
            while k < p.count, p[k] != lf { k += 1 }
            if k + 1 >= p.count { break }
            cuts.append(k + 1)
            next = k + 1 + blockBytes
        }
        cuts.append(p.count)
        return (0..<(cuts.count - 1)).map { cuts[$0]..<cuts[$0 + 1] }
    }

    /// Records and line breaks of a block (memchr from line to line).
    static func count(_ p: UnsafeBufferPointer<UInt8>, _ block: Range<Int>, comment: UInt8?) -> (records: Int, lines: Int) {
        guard let base = p.baseAddress else { return (0, 0) }
        var records = 0, lines = 0, i = block.lowerBound
        while i < block.upperBound {
            let c = p[i]
            if c != lf && c != cr && c != comment { records += 1 }
            guard let hit = memchr(base + i, Int32(lf), block.upperBound - i) else { break }
            i = base.distance(to: hit.assumingMemoryBound(to: UInt8.self)) + 1
            lines += 1
        }
        return (records, lines)
    }

    /// Every record after `start` into the feature matrix (and the target's byte ranges).
    private static func parse(
        _ p: UnsafeBufferPointer<UInt8>, from start: Int, firstLine: Int, layout: Layout
    ) throws -> (Matrix<Double>, [Range<Int>]?)? {
        let ranges = blocks(p, from: start)
        let bytes = SendableBytes(p)
        let counts = Parallel.map(ranges.count) { count(bytes.p, ranges[$0], comment: layout.comment) }
        var rowStarts = [0], lineStarts = [firstLine]
        for c in counts {
            rowStarts.append(rowStarts.last! + c.records)
            lineStarts.append(lineStarts.last! + c.lines)
        }
        let (firstRow, lineOffset) = (rowStarts, lineStarts)
        let rows = firstRow.last!
        guard rows > 0 else { return nil }  // the general path says what is wrong
        let hasTarget = layout.slots.contains(-2)
        var targets = [Range<Int>](repeating: 0..<0, count: hasTarget ? rows : 0)
        var failures = [DataError?](repeating: nil, count: ranges.count)
        let features = try targets.withUnsafeMutableBufferPointer { targetBuffer in
            let targetOut = SendableRanges(targetBuffer)
            let matrix = Matrix<Double>(rows: rows, columns: layout.features) { out in
                let values = SendableValues(out)
                let errors = Parallel.map(ranges.count) { b -> DataError? in
                    do {
                        try parseBlock(bytes.p, ranges[b], row: firstRow[b], line: lineOffset[b], layout: layout,
                                       out: values.p, targets: targetOut.p)
                        return nil
                    } catch let error as DataError {
                        return error
                    } catch {
                        return .malformed(source: layout.source, reason: "\(error)")
                    }
                }
                failures = errors
            }
            if let first = failures.compactMap({ $0 }).first { throw first }
            return matrix
        }
        return (features, hasTarget ? targets : nil)
    }

    /// One block: split each record at the delimiter and convert its feature fields in place.
    static func parseBlock(
        _ p: UnsafeBufferPointer<UInt8>, _ block: Range<Int>, row firstRow: Int, line firstLine: Int, layout: Layout,
        out: UnsafeMutableBufferPointer<Double>, targets: UnsafeMutableBufferPointer<Range<Int>>
    ) throws {
        guard let base = p.baseAddress else { return }
        var i = block.lowerBound, row = firstRow, line = firstLine
        let end = block.upperBound, d = layout.delimiter, width = layout.width, stride = layout.features
        while i < end {
            let c = p[i]
            if c == lf { line += 1; i += 1; continue }
            if c == cr { i += 1; continue }
            if let comment = layout.comment, c == comment {
                while i < end, p[i] != lf { i += 1 }
                continue
            }
            var column = 0
            while true {
                let fieldStart = i
                // The common field, a plain number ending at a delimiter or line end: converted
                // while its end is found. Anything else takes the general route below.
                if column < width, layout.slots[column] >= 0, let (v, next) = FastDecimal.prefix(base, i, end),
                   next == end || p[next] == d || p[next] == lf || p[next] == cr {
                    out[row * stride + layout.slots[column]] = v
                    i = next
                    column += 1
                    if i < end, p[i] == d { i += 1; continue }
                    break
                }
                while i < end {
                    let b = p[i]
                    if b == d || b == lf || b == cr { break }
                    i += 1
                }
                if column < width {
                    let slot = layout.slots[column]
                    if slot >= 0 {
                        out[row * stride + slot] = try value(p, fieldStart..<i, layout: layout, line: line, column: column)
                    } else if slot == -2 {
                        targets[row] = trimmed(p, fieldStart..<i)
                    }
                }
                column += 1
                if i < end, p[i] == d { i += 1; continue }
                break
            }
            guard column == width else {
                throw DataError.raggedRow(source: layout.source, line: line, fields: column, expected: width)
            }
            row += 1
        }
    }

    @inline(__always)
    private static func value(
        _ p: UnsafeBufferPointer<UInt8>, _ field: Range<Int>, layout: Layout, line: Int, column: Int
    ) throws -> Double {
        let range = trimmed(p, field)
        if let v = FastDecimal.number(p, range) { return v }
        if layout.isMissing(p, range) { return .nan }
        throw DataError.notANumber(source: layout.source, line: line, column: column + 1,
                                   text: String(decoding: p[field], as: UTF8.self))
    }

    @inline(__always)
    private static func trimmed(_ p: UnsafeBufferPointer<UInt8>, _ field: Range<Int>) -> Range<Int> {
        var s = field.lowerBound, e = field.upperBound
        while s < e, p[s] == 0x20 || p[s] == 0x09 { s += 1 }
        while e > s, p[e - 1] == 0x20 || p[e - 1] == 0x09 { e -= 1 }
        return s..<e
    }

    /// The line number of data row `row` (only for error messages: a sequential walk).
    static func lineOf(row: Int, _ p: UnsafeBufferPointer<UInt8>, from start: Int, firstLine: Int, layout: Layout) -> Int {
        var i = start, line = firstLine, seen = -1
        while i < p.count {
            let c = p[i]
            if c != lf && c != cr && c != layout.comment { seen += 1; if seen == row { return line } }
            while i < p.count, p[i] != lf { i += 1 }
            if i < p.count { line += 1; i += 1 }
        }
        return line
    }

    struct SendableBytes: @unchecked Sendable {
        let p: UnsafeBufferPointer<UInt8>
        init(_ p: UnsafeBufferPointer<UInt8>) { self.p = p }
    }

    struct SendableValues: @unchecked Sendable {
        let p: UnsafeMutableBufferPointer<Double>
        init(_ p: UnsafeMutableBufferPointer<Double>) { self.p = p }
    }

    struct SendableRanges: @unchecked Sendable {
        let p: UnsafeMutableBufferPointer<Range<Int>>
        init(_ p: UnsafeMutableBufferPointer<Range<Int>>) { self.p = p }
    }
}

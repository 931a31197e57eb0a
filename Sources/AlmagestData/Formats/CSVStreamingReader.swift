import AlmagestCore
import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `CSVReader`'s path for files larger than memory should hold twice: the file is read through a
/// window of whole lines (32 MB by default) instead of mapped whole, so reading holds the feature
/// matrix plus one window. A first pass counts each window's records and checks the file is plain
/// (no quote, CR only before LF); a second parses every window in parallel over 2 MB blocks
/// straight into the matrix. Values, labels, errors and the line numbers they name are those of
/// the in-memory fast path (`CSVParallelReader`), whatever the window and the thread count.
///
/// Cost: the file is read twice (the second time usually from the page cache), parsing is
/// parallel; memory: the matrix, one window, and one string per row for a target column.
///
/// ```swift
/// let data = try CSVReader.readStreaming(from: URL(fileURLWithPath: "blobs_1000000x50.csv"))
/// ```
enum CSVStreamingReader {
    /// The data set, or nil when the file needs the general tokenizer (quotes, a lone CR, or a head
    /// of 22 records longer than 8 MB).
    static func read(
        _ url: URL, source: String, options: CSVOptions, special: (delimiter: UInt8, quote: UInt8?, comment: UInt8?),
        target: ColumnSelector?, dropping: [ColumnSelector], windowBytes: Int
    ) throws -> Dataset? {
        let file = try WindowedFile(url)
        defer { file.finish() }
        guard let head = try file.head(records: 22, comment: special.comment) else { return nil }
        let plan = try head.withUnsafeBufferPointer { p in
            try CSVParallelReader.plan(head: p, source: source, options: options, special: special, target: target, dropping: dropping)
        }
        guard let plan else { return nil }
        let layout = plan.layout
        let window = max(windowBytes, 1 << 12)

        // Pass 1: windows of whole lines, their records and lines; the file must be plain.
        var windows: [(offset: Int, bytes: Int, records: Int, lines: Int)] = []
        var plain = true
        try file.forEachWindow(from: plan.start, bytes: window) { offset, p in
            guard plain, CSVParallelReader.isPlain(p, quote: special.quote) else {
                plain = false
                return false
            }
            let blocks = CSVParallelReader.blocks(p, from: 0)
            let bytes = CSVParallelReader.SendableBytes(p)
            let counts = Parallel.map(blocks.count) { CSVParallelReader.count(bytes.p, blocks[$0], comment: layout.comment) }
            windows.append((offset, p.count, counts.reduce(0) { $0 + $1.records }, counts.reduce(0) { $0 + $1.lines }))
            return true
        }
        guard plain else { return nil }
        let rows = windows.reduce(0) { $0 + $1.records }
        guard rows > 0 else { return nil }

        // Pass 2: every window into its rows of the matrix.
        let hasTarget = plan.targetColumn != nil
        var targetTexts = [String](repeating: "", count: hasTarget ? rows : 0)
        var firstRow = 0, firstLine = plan.line
        var failure: DataError?
        let features = try Matrix<Double>(rows: rows, columns: layout.features) { out in
            let values = CSVParallelReader.SendableValues(out)
            for w in windows {
                try file.read(offset: w.offset, bytes: w.bytes) { p in
                    var ranges = [Range<Int>](repeating: 0..<0, count: hasTarget ? w.records : 0)
                    try ranges.withUnsafeMutableBufferPointer { rangeBuffer in
                        let targets = CSVParallelReader.SendableRanges(rangeBuffer)
                        let blocks = CSVParallelReader.blocks(p, from: 0)
                        let bytes = CSVParallelReader.SendableBytes(p)
                        let counts = Parallel.map(blocks.count) { CSVParallelReader.count(bytes.p, blocks[$0], comment: layout.comment) }
                        var rowStarts = [0], lineStarts = [firstLine]
                        for c in counts {
                            rowStarts.append(rowStarts.last! + c.records)
                            lineStarts.append(lineStarts.last! + c.lines)
                        }
                        let (rowOffset, lineOffset, base) = (rowStarts, lineStarts, firstRow)
                        let errors = Parallel.map(blocks.count) { b -> DataError? in
                            do {
                                // Rows of this window are numbered from 0 in `targets`, from `base` in the matrix.
                                let shifted = UnsafeMutableBufferPointer(start: values.p.baseAddress! + base * layout.features,
                                                                         count: w.records * layout.features)
                                try CSVParallelReader.parseBlock(
                                    bytes.p, blocks[b], row: rowOffset[b], line: lineOffset[b], layout: layout, out: shifted,
                                    targets: targets.p)
                                return nil
                            } catch let error as DataError {
                                return error
                            } catch {
                                return .malformed(source: layout.source, reason: "\(error)")
                            }
                        }
                        if let first = errors.compactMap({ $0 }).first { throw first }
                    }
                    for (k, range) in ranges.enumerated() {
                        if layout.isMissing(p, range) {
                            failure = failure ?? DataError.missingValue(
                                source: source,
                                line: CSVParallelReader.lineOf(row: k, p, from: 0, firstLine: firstLine, layout: layout),
                                column: (plan.targetColumn ?? 0) + 1)
                        }
                        targetTexts[firstRow + k] = String(decoding: p[range], as: UTF8.self)
                    }
                }
                if let failure { throw failure }
                firstRow += w.records
                firstLine += w.lines
            }
        }
        var labels: [Int]? = nil
        var classNames: [String] = []
        if hasTarget {
            (labels, classNames) = try CSVParser.labels(
                count: rows, number: { k in
                    var text = targetTexts[k]
                    return text.withUTF8 { FastDecimal.number($0, 0..<$0.count) }
                }, text: { targetTexts[$0] })
        }
        return try Dataset(
            features: features, labels: labels, featureNames: plan.names, classNames: classNames,
            provenance: Dataset.Provenance(source: source))
    }
}

// MARK: - Private

/// A file read by `pread` in windows that end at a line break.
private final class WindowedFile {
    let descriptor: Int32
    let path: String
    let size: Int
    private var buffer: UnsafeMutableBufferPointer<UInt8>

    init(_ url: URL) throws {
        path = url.path
        descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw DataError.io(path: path, reason: String(cString: strerror(errno))) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            close(descriptor)
            throw DataError.io(path: path, reason: String(cString: strerror(errno)))
        }
        size = Int(info.st_size)
        buffer = UnsafeMutableBufferPointer.allocate(capacity: 0)
    }

    func finish() {
        close(descriptor)
        buffer.deallocate()
    }

    /// The first bytes holding `records` records (cut after a line break), or the whole file when
    /// it is shorter; nil when 8 MB do not hold them.
    func head(records: Int, comment: UInt8?) throws -> [UInt8]? {
        var length = min(size, 1 << 20)
        while true {
            let bytes = try readBytes(offset: 0, count: length)
            var seen = 0, i = 0
            while i < bytes.count {
                let isRecord = bytes[i] != 0x0A && bytes[i] != 0x0D && bytes[i] != comment
                guard let end = bytes[i...].firstIndex(of: 0x0A) else { break }
                if isRecord { seen += 1 }
                i = end + 1
                if seen >= records { return Array(bytes[0..<i]) }
            }
            if length == size { return bytes }
            guard length < 8 << 20 else { return nil }
            length = min(size, length * 2)
        }
    }

    /// Calls `body(offset, bytes)` for consecutive windows of whole lines from `start` (the last
    /// window may end without a line break); stops when `body` returns false. A line longer than a
    /// window grows the window.
    func forEachWindow(from start: Int, bytes window: Int, _ body: (Int, UnsafeBufferPointer<UInt8>) throws -> Bool) throws {
        var offset = start, capacity = window
        while offset < size {
            let length = min(capacity, size - offset)
            try fill(offset: offset, count: length)
            var end = length
            if offset + length < size {
                guard let last = UnsafeBufferPointer(rebasing: buffer[0..<length]).lastIndex(of: 0x0A) else {
                    capacity *= 2  // one line longer than the window
                    continue
                }
                end = last + 1
            }
            guard try body(offset, UnsafeBufferPointer(rebasing: buffer[0..<end])) else { return }
            offset += end
        }
    }

    /// Reads `bytes` bytes at `offset` and hands them to `body`.
    func read(offset: Int, bytes: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        try fill(offset: offset, count: bytes)
        try body(UnsafeBufferPointer(rebasing: buffer[0..<bytes]))
    }

    private func readBytes(offset: Int, count: Int) throws -> [UInt8] {
        try fill(offset: offset, count: count)
        return Array(buffer[0..<count])
    }

    private func fill(offset: Int, count: Int) throws {
        if buffer.count < count {
            buffer.deallocate()
            buffer = UnsafeMutableBufferPointer.allocate(capacity: count)
        }
        var done = 0
        while done < count {
            let n = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
            guard n > 0 else {
                throw DataError.io(path: path, reason: n == 0 ? "the file ended early (it changed while read?)" : String(cString: strerror(errno)))
            }
            done += n
        }
    }
}

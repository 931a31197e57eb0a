#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits CSV bytes into records and fields (RFC 4180) without building a `String` per cell:
/// each field is a byte range into the input, so numeric cells are parsed straight from the bytes.
///
/// Quoted fields may hold delimiters, CR/LF and doubled quotes; lines end in LF, CRLF or CR; blank
/// lines and (optionally) comment lines are skipped; a UTF-8 byte-order mark is ignored. Each record
/// remembers the 1-based line on which it starts, for error messages. Cost O(n) in the bytes.
///
/// ```swift
/// let table = try CSVTokenizer.tokenize(Array("a,b\n1,\"x,y\"\n".utf8), source: "t", delimiter: 0x2C, quote: 0x22, comment: nil)
/// table.string(table.field(1, 1))   // "x,y"
/// ```
struct CSVTokenizer {
    /// A field: the bytes `start..<end` (inside the quotes when quoted); `escaped` when it holds
    /// doubled quotes that must be collapsed.
    struct Field {
        var start: Int
        var end: Int
        var escaped: Bool
        var quoted: Bool
    }

    /// The records of one input.
    struct Table {
        let bytes: [UInt8]
        let quote: UInt8?
        var fields: [Field] = []
        /// `fields[recordStarts[r]..<recordStarts[r + 1]]` are the fields of record r.
        var recordStarts: [Int] = [0]
        /// The 1-based line on which each record starts.
        var lines: [Int] = []

        var count: Int { lines.count }
        func fieldCount(_ record: Int) -> Int { recordStarts[record + 1] - recordStarts[record] }
        func field(_ record: Int, _ column: Int) -> Field { fields[recordStarts[record] + column] }

        /// The text of a field, with doubled quotes collapsed.
        func string(_ field: Field) -> String {
            let text = String(decoding: bytes[field.start..<field.end], as: UTF8.self)
            guard field.escaped, let quote else { return text }
            let q = String(UnicodeScalar(quote))
            return text.replacingOccurrences(of: q + q, with: q)
        }

        /// The text with leading and trailing spaces and tabs removed, unless it was quoted (quotes
        /// keep their spaces).
        func trimmedString(_ field: Field) -> String {
            guard !field.quoted else { return string(field) }
            let t = trimmed(field)
            return string(Field(start: t.lowerBound, end: t.upperBound, escaped: field.escaped, quoted: false))
        }

        /// The byte range without leading and trailing spaces and tabs.
        func trimmed(_ field: Field) -> Range<Int> {
            var s = field.start, e = field.end
            while s < e, bytes[s] == 0x20 || bytes[s] == 0x09 { s += 1 }
            while e > s, bytes[e - 1] == 0x20 || bytes[e - 1] == 0x09 { e -= 1 }
            return s..<e
        }

        /// The number in a field (spaces around it allowed), or nil when it is not one: plain
        /// decimals through `FastDecimal`, anything else through `strtod`, with the same value.
        func number(_ field: Field) -> Double? {
            guard !field.escaped else { return nil }
            let range = trimmed(field)
            return bytes.withUnsafeBufferPointer { FastDecimal.number($0, range) }
        }

        func isMissing(_ field: Field, tokens: [[UInt8]]) -> Bool {
            let range = trimmed(field)
            return tokens.contains { token in token.count == range.count && bytes[range].elementsEqual(token) }
        }
    }

    /// Tokenizes `bytes`; throws `DataError.malformed` for an unclosed quote or text after a
    /// closing quote, naming the line and column.
    static func tokenize(_ bytes: [UInt8], source: String, delimiter: UInt8, quote: UInt8?, comment: UInt8?) throws -> Table {
        var table = Table(bytes: bytes, quote: quote)
        let cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
        try bytes.withUnsafeBufferPointer { p in
            let n = p.count
            var i = 0, line = 1
            if n >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { i = 3 }
            // Room for every record and field up front (one counting pass, no regrowth later):
            // line breaks bound the records, delimiters plus line breaks the fields.
            var breaks = 1, delimiters = 0
            for k in 0..<n {
                let c = p[k]
                breaks &+= c == lf ? 1 : 0
                delimiters &+= c == delimiter ? 1 : 0
            }
            table.lines.reserveCapacity(breaks)
            table.recordStarts.reserveCapacity(breaks + 1)
            table.fields.reserveCapacity(breaks + delimiters)
            while i < n {
                let first = p[i]
                if first == lf { line += 1; i += 1; continue }
                if first == cr {
                    i += 1
                    if i < n, p[i] == lf { i += 1 }
                    line += 1
                    continue
                }
                if let comment, first == comment {
                    while i < n, p[i] != lf, p[i] != cr { i += 1 }
                    continue
                }
                table.lines.append(line)
                var column = 1
                fieldLoop: while true {
                    if let quote, i < n, p[i] == quote {
                        let startLine = line
                        i += 1
                        let start = i
                        var escaped = false
                        while true {
                            guard i < n else {
                                throw DataError.malformed(
                                    source: source,
                                    reason: "line \(startLine), column \(column): a quoted field is not closed before the end of the file")
                            }
                            let c = p[i]
                            if c == quote {
                                if i + 1 < n, p[i + 1] == quote { escaped = true; i += 2; continue }
                                break
                            }
                            if c == lf || (c == cr && (i + 1 >= n || p[i + 1] != lf)) { line += 1 }
                            i += 1
                        }
                        table.fields.append(Field(start: start, end: i, escaped: escaped, quoted: true))
                        i += 1  // the closing quote
                        if i >= n || p[i] == lf || p[i] == cr { break fieldLoop }
                        if p[i] == delimiter { i += 1; column += 1; continue fieldLoop }
                        throw DataError.malformed(
                            source: source,
                            reason: "line \(line), column \(column): unexpected text after a closing quote (expected a delimiter or the end of the line)")
                    } else {
                        let start = i
                        while i < n {
                            let c = p[i]
                            if c == delimiter || c == lf || c == cr { break }
                            i += 1
                        }
                        table.fields.append(Field(start: start, end: i, escaped: false, quoted: false))
                        if i < n, p[i] == delimiter { i += 1; column += 1; continue fieldLoop }
                        break fieldLoop
                    }
                }
                table.recordStarts.append(table.fields.count)
                if i < n {
                    if p[i] == cr {
                        i += 1
                        if i < n, p[i] == lf { i += 1 }
                    } else {
                        i += 1
                    }
                    line += 1
                }
            }
        }
        return table
    }
}

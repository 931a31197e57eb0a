import AlmagestCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the rows of a prediction request sent as JSON — one object, or an array of objects, whose
/// keys are the pipeline's feature names and whose values are numbers (`null` for a missing value
/// when the pipeline starts with an imputer) — straight into one row-major matrix in the pipeline's
/// column order, in a single pass over the bytes: no JSON tree, no `String` per value.
///
/// Numbers follow the JSON grammar (RFC 8259) and are converted by `strtod`, so every value is the
/// correctly rounded `Double` of its text (a number printed with Swift's `description` comes back
/// bit for bit). Errors name the byte offset of malformed JSON, or the 0-based row and the feature
/// of a bad row: unknown, missing or repeated features, strings, booleans or nested values, numbers
/// out of range, `null` that the pipeline cannot take. Cost: O(bytes), one allocation for the rows.
///
/// ```swift
/// let x = try JSONRowReader(columns: columns).read(Array(#"[{"a": 1, "b": 2.5}]"#.utf8))
/// ```
struct JSONRowReader: Sendable {
    let columns: FeatureColumns

    /// The rows of `body`; throws `ServeError.malformedJSON`, `.badRow` or `.badBody`.
    func read(_ body: [UInt8]) throws -> Matrix<Double> {
        var bytes = body
        bytes.append(0)  // strtod stops at the first byte that cannot continue a number
        return try bytes.withUnsafeBufferPointer { buffer in
            var scanner = Scanner(bytes: buffer, end: buffer.count - 1)
            return try read(&scanner)
        }
    }

    // MARK: - Private

    private func read(_ s: inout Scanner) throws -> Matrix<Double> {
        let width = columns.count
        var values = [Double]()
        var seen = [Bool](repeating: false, count: width)
        var rows = 0
        s.skipSpace()
        switch s.peek {
        case UInt8(ascii: "{"):
            values.reserveCapacity(width)
            try readObject(&s, row: 0, into: &values, seen: &seen)
            rows = 1
        case UInt8(ascii: "["):
            s.position += 1
            s.skipSpace()
            if s.peek == UInt8(ascii: "]") { throw ServeError.badBody(reason: "an empty array holds no rows; expected at least one object") }
            values.reserveCapacity(width * max(1, s.end / (12 * width + 2)))
            while true {
                guard s.peek == UInt8(ascii: "{") else {
                    if s.atEnd { throw s.malformed("the array ends early; expected an object") }
                    throw ServeError.badBody(reason: "row \(rows) is not an object; expected an object of feature names and numbers")
                }
                try readObject(&s, row: rows, into: &values, seen: &seen)
                rows += 1
                s.skipSpace()
                if s.peek == UInt8(ascii: ",") {
                    s.position += 1
                    s.skipSpace()
                } else if s.peek == UInt8(ascii: "]") {
                    s.position += 1
                    break
                } else {
                    throw s.malformed("expected ',' or ']' after row \(rows - 1)")
                }
            }
        default:
            if s.atEnd { throw ServeError.badBody(reason: "the body is empty; expected an object or an array of objects") }
            throw s.malformed("expected an object or an array of objects")
        }
        s.skipSpace()
        guard s.atEnd else { throw s.malformed("unexpected text after the rows") }
        return try Matrix(rows: rows, columns: width, elements: values)
    }

    /// One object: its values go to the next `width` slots of `values`.
    private func readObject(_ s: inout Scanner, row: Int, into values: inout [Double], seen: inout [Bool]) throws {
        let width = columns.count
        let base = values.count
        values.append(contentsOf: repeatElement(Double.nan, count: width))
        for j in 0..<width { seen[j] = false }
        var given = 0
        s.position += 1  // {
        s.skipSpace()
        if s.peek == UInt8(ascii: "}") {
            s.position += 1
        } else {
            while true {
                guard s.peek == UInt8(ascii: "\"") else { throw s.malformed("expected a feature name in double quotes") }
                let column = try readKey(&s, row: row, hint: given)
                if seen[column] {
                    throw ServeError.badRow(row: row, feature: columns.names[column], reason: "feature given twice; expected it once")
                }
                s.skipSpace()
                guard s.peek == UInt8(ascii: ":") else { throw s.malformed("expected ':' after a feature name") }
                s.position += 1
                s.skipSpace()
                values[base + column] = try readValue(&s, row: row, column: column)
                seen[column] = true
                given += 1
                s.skipSpace()
                if s.peek == UInt8(ascii: ",") {
                    s.position += 1
                    s.skipSpace()
                } else if s.peek == UInt8(ascii: "}") {
                    s.position += 1
                    break
                } else {
                    throw s.malformed("expected ',' or '}' in row \(row)")
                }
            }
        }
        if given < width, let absent = seen.firstIndex(of: false) {
            throw columns.missing(column: absent, row: row)
        }
    }

    /// A quoted key; its column (or the error for an unknown name).
    private func readKey(_ s: inout Scanner, row: Int, hint: Int) throws -> Int {
        let (range, escaped) = try s.readString()
        if !escaped, let column = columns.column(s.bytes, range, hint: hint) { return column }
        let name = escaped ? try s.unescape(range) : String(decoding: UnsafeBufferPointer(rebasing: s.bytes[range]), as: UTF8.self)
        if let column = columns.column(named: name) { return column }
        throw columns.unknown(name, row: row)
    }

    /// A value: a number, or null (NaN) when the pipeline accepts missing values.
    private func readValue(_ s: inout Scanner, row: Int, column: Int) throws -> Double {
        let c = s.peek
        let feature = columns.names[column]
        switch c {
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = s.position
            let value = try s.readNumber()
            guard value.isFinite else {
                let text = String(decoding: UnsafeBufferPointer(rebasing: s.bytes[start..<s.position]), as: UTF8.self)
                throw ServeError.badRow(row: row, feature: feature, reason: "\(text) is out of the range of a Double; expected a finite number")
            }
            return value
        case UInt8(ascii: "n"):
            try s.expectLiteral("null")
            guard columns.acceptsMissingValues else { throw columns.missingValueRefused(column: column, row: row, value: "null") }
            return .nan
        case UInt8(ascii: "\""):
            let (range, escaped) = try s.readString()
            let text = escaped ? try s.unescape(range) : String(decoding: UnsafeBufferPointer(rebasing: s.bytes[range]), as: UTF8.self)
            throw ServeError.badRow(row: row, feature: feature, reason: "non-numeric value \"\(text.prefix(40))\"; expected a number")
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            try s.expectLiteral(c == UInt8(ascii: "t") ? "true" : "false")
            throw ServeError.badRow(row: row, feature: feature, reason: "non-numeric value \(c == UInt8(ascii: "t")); expected a number")
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            throw ServeError.badRow(row: row, feature: feature, reason: "non-numeric value (a nested \(c == UInt8(ascii: "{") ? "object" : "array")); expected a number")
        default:
            throw s.malformed("expected a value for \"\(feature)\"")
        }
    }
}

/// A cursor over NUL-terminated bytes.
private struct Scanner {
    let bytes: UnsafeBufferPointer<UInt8>
    /// The index of the terminating NUL: the end of the body.
    let end: Int
    var position = 0

    var atEnd: Bool { position >= end }
    /// The byte at the cursor (0 at the end).
    var peek: UInt8 { bytes[position] }

    mutating func skipSpace() {
        while true {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    func malformed(_ reason: String) -> ServeError { .malformedJSON(offset: position, reason: reason) }

    /// A string at the cursor: the byte range of its contents and whether it holds escapes.
    mutating func readString() throws -> (Range<Int>, Bool) {
        position += 1  // "
        let start = position
        var escaped = false
        while true {
            let c = bytes[position]
            if c == UInt8(ascii: "\"") { break }
            if position >= end { throw malformed("unterminated string") }
            if c < 0x20 { throw malformed("control character in a string; expected it escaped") }
            if c == UInt8(ascii: "\\") {
                escaped = true
                position += 1
                if position >= end { throw malformed("unterminated string") }
            }
            position += 1
        }
        defer { position += 1 }
        return (start..<position, escaped)
    }

    /// The text of a string's contents with its escapes resolved.
    func unescape(_ range: Range<Int>) throws -> String {
        var scalars = String.UnicodeScalarView()
        var utf8 = [UInt8]()
        func flush() {
            scalars.append(contentsOf: String(decoding: utf8, as: UTF8.self).unicodeScalars)
            utf8.removeAll(keepingCapacity: true)
        }
        var i = range.lowerBound
        while i < range.upperBound {
            let c = bytes[i]
            guard c == UInt8(ascii: "\\") else {
                utf8.append(c)
                i += 1
                continue
            }
            let e = bytes[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(e)
            case UInt8(ascii: "b"): utf8.append(0x08)
            case UInt8(ascii: "f"): utf8.append(0x0C)
            case UInt8(ascii: "n"): utf8.append(0x0A)
            case UInt8(ascii: "r"): utf8.append(0x0D)
            case UInt8(ascii: "t"): utf8.append(0x09)
            case UInt8(ascii: "u"):
                var code = try hex4(at: i, before: range.upperBound)
                i += 4
                if (0xD800..<0xDC00).contains(code), i + 6 <= range.upperBound, bytes[i] == UInt8(ascii: "\\"),
                   bytes[i + 1] == UInt8(ascii: "u") {
                    let low = try hex4(at: i + 2, before: range.upperBound)
                    if (0xDC00..<0xE000).contains(low) {
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        i += 6
                    }
                }
                flush()
                scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            default:
                throw ServeError.malformedJSON(offset: i - 1, reason: "unknown escape \\\(Character(Unicode.Scalar(e)))")
            }
        }
        flush()
        return String(scalars)
    }

    /// A number at the cursor, checked against the JSON grammar, converted by `strtod`.
    mutating func readNumber() throws -> Double {
        let start = position
        func digits() -> Int {
            let from = position
            while bytes[position] >= UInt8(ascii: "0") && bytes[position] <= UInt8(ascii: "9") { position += 1 }
            return position - from
        }
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else if digits() == 0 {
            throw malformed("expected a digit")
        }
        if bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw malformed("expected a digit after the decimal point") }
        }
        if bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard digits() > 0 else { throw malformed("expected a digit in the exponent") }
        }
        let base = bytes.baseAddress!
        return base.withMemoryRebound(to: CChar.self, capacity: bytes.count) { text in
            strtod(text + start, nil)
        }
    }

    /// The literal `word` (`null`, `true`, `false`) at the cursor.
    mutating func expectLiteral(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        guard position + n <= end else { throw malformed("expected \(word)") }
        let w = word.utf8Start
        for k in 0..<n where bytes[position + k] != w[k] { throw malformed("expected \(word)") }
        position += n
    }

    private func hex4(at i: Int, before limit: Int) throws -> UInt32 {
        guard i + 4 <= limit else { throw ServeError.malformedJSON(offset: i, reason: "expected four hex digits after \\u") }
        var code: UInt32 = 0
        for k in 0..<4 {
            guard let digit = Character(Unicode.Scalar(bytes[i + k])).hexDigitValue else {
                throw ServeError.malformedJSON(offset: i + k, reason: "expected four hex digits after \\u")
            }
            code = code << 4 | UInt32(digit)
        }
        return code
    }
}

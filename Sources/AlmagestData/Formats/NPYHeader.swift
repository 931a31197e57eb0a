/// The header of a NumPy `.npy` file: magic `\x93NUMPY`, version, header length, and a Python
/// dict literal `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces
/// and a newline so that the data starts on a 64-byte boundary.
///
/// Reference: NumPy Enhancement Proposal 1 and `numpy.lib.format` (versions 1.0: 2-byte length;
/// 2.0 and 3.0: 4-byte length, 3.0 with a UTF-8 dict). Cost O(header length).
///
/// ```swift
/// let header = try NPYHeader(parsing: bytes, source: "x.npy")
/// header.dtype.descr   // "<f8"
/// header.shape         // [100, 3]
/// ```
public struct NPYHeader: Sendable, Equatable {
    /// The element type.
    public var dtype: NPYDtype
    /// True when the data is stored column-major.
    public var isFortranOrder: Bool
    /// The array shape (`[]` for a scalar).
    public var shape: [Int]
    /// Where the data starts, in bytes from the start of the file (0 for a header built in memory).
    public var dataOffset: Int

    public init(dtype: NPYDtype, isFortranOrder: Bool = false, shape: [Int], dataOffset: Int = 0) {
        self.dtype = dtype
        self.isFortranOrder = isFortranOrder
        self.shape = shape
        self.dataOffset = dataOffset
    }

    /// The number of elements (product of the shape; 1 for a scalar).
    public var elementCount: Int { shape.reduce(1, *) }

    /// Parses the header at the start of `bytes`; throws `DataError.malformed` for a bad magic,
    /// a truncated header or a dict it cannot read, `DataError.unsupported` for a structured or
    /// unknown dtype.
    public init(parsing bytes: [UInt8], source: String) throws {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]  // \x93NUMPY
        guard bytes.count >= 6, Array(bytes[0..<6]) == magic else {
            throw DataError.malformed(source: source, reason: "not an NPY file: it does not start with the magic \\x93NUMPY")
        }
        guard bytes.count >= 10 else { throw DataError.malformed(source: source, reason: "the NPY header is truncated") }
        let major = bytes[6]
        let lengthStart = 8, lengthSize: Int
        switch major {
        case 1: lengthSize = 2
        case 2, 3: lengthSize = 4
        default: throw DataError.unsupported(source: source, feature: "NPY format version \(major).\(bytes[7]) (expected 1.0, 2.0 or 3.0)")
        }
        guard bytes.count >= lengthStart + lengthSize else {
            throw DataError.malformed(source: source, reason: "the NPY header is truncated")
        }
        var length = 0
        for k in (0..<lengthSize).reversed() { length = length << 8 | Int(bytes[lengthStart + k]) }
        let start = lengthStart + lengthSize
        guard bytes.count >= start + length else {
            throw DataError.malformed(
                source: source, reason: "the NPY header is truncated: it declares \(length) bytes but the file has \(bytes.count - start)")
        }
        let text = String(decoding: bytes[start..<start + length], as: UTF8.self)
        var parser = DictParser(text: Array(text.unicodeScalars), source: source)
        let dict = try parser.parseDict()

        guard case let .string(descr)? = dict["descr"] else {
            if dict["descr"] != nil { throw DataError.unsupported(source: source, feature: "a structured dtype") }
            throw DataError.malformed(source: source, reason: "the header dict has no 'descr' string")
        }
        guard let dtype = NPYDtype(descr: descr) else {
            throw DataError.unsupported(
                source: source, feature: "the dtype '\(descr)' (expected f4, f8, i1, i2, i4, i8, u1, u2, u4 or u8 in either byte order)")
        }
        guard case let .bool(fortran)? = dict["fortran_order"] else {
            throw DataError.malformed(source: source, reason: "the header dict has no 'fortran_order' True/False")
        }
        guard case let .tuple(items)? = dict["shape"] else {
            throw DataError.malformed(source: source, reason: "the header dict has no 'shape' tuple")
        }
        var shape = [Int]()
        for item in items {
            guard case let .int(n) = item, n >= 0 else {
                throw DataError.malformed(source: source, reason: "the shape holds something other than a non-negative integer")
            }
            shape.append(n)
        }
        var total = 1
        for n in shape {
            let (product, overflow) = total.multipliedReportingOverflow(by: n)
            guard !overflow else { throw DataError.malformed(source: source, reason: "the shape \(shape) is too large") }
            total = product
        }
        self.init(dtype: dtype, isFortranOrder: fortran, shape: shape, dataOffset: start + length)
    }

    /// The header bytes (magic to newline) for version 1.0, or 2.0 when the dict is longer than
    /// 65535 bytes; the total length is a multiple of 64.
    public func encoded() -> [UInt8] {
        let dims = shape.map(String.init).joined(separator: ", ") + (shape.count == 1 ? "," : "")
        let dict = "{'descr': '\(dtype.descr)', 'fortran_order': \(isFortranOrder ? "True" : "False"), 'shape': (\(dims)), }"
        var body = Array(dict.utf8)
        func paddedLength(prefix: Int) -> Int { (prefix + body.count + 1 + 63) / 64 * 64 - prefix }
        let lengthSize = paddedLength(prefix: 10) <= 65535 ? 2 : 4
        body += [UInt8](repeating: 0x20, count: paddedLength(prefix: 8 + lengthSize) - body.count - 1) + [0x0A]
        var out: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, lengthSize == 2 ? 1 : 2, 0]
        for k in 0..<lengthSize { out.append(UInt8(truncatingIfNeeded: body.count >> (8 * k))) }
        return out + body
    }
}

/// An NPY element type: floating point, signed or unsigned integer, its size in bytes and its byte
/// order. `descr` is NumPy's spelling (`<f8`, `>i2`, `|u1`).
public struct NPYDtype: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable { case float, signed, unsigned }

    public var kind: Kind
    /// Bytes per element: 4 or 8 for floats; 1, 2, 4 or 8 for integers.
    public var size: Int
    /// Big-endian storage (meaningless for one-byte types).
    public var isBigEndian: Bool

    public static let float64 = NPYDtype(kind: .float, size: 8)!
    public static let float32 = NPYDtype(kind: .float, size: 4)!

    /// A dtype; nil for a combination NPY files do not use (e.g. a 2-byte float here).
    public init?(kind: Kind, size: Int, isBigEndian: Bool = false) {
        let sizes = kind == .float ? [4, 8] : [1, 2, 4, 8]
        guard sizes.contains(size) else { return nil }
        self.kind = kind
        self.size = size
        self.isBigEndian = size == 1 ? false : isBigEndian
    }

    /// Parses `<f8`, `>i4`, `|u1`, `=f4` (native, little-endian here); nil for anything else.
    public init?(descr: String) {
        let chars = Array(descr)
        guard chars.count == 3, let size = Int(String(chars[2])) else { return nil }
        let big: Bool
        switch chars[0] {
        case "<", "=": big = false
        case ">": big = true
        case "|": guard size == 1 else { return nil }; big = false
        default: return nil
        }
        let kind: Kind
        switch chars[1] {
        case "f": kind = .float
        case "i": kind = .signed
        case "u": kind = .unsigned
        default: return nil
        }
        self.init(kind: kind, size: size, isBigEndian: big)
    }

    /// NumPy's spelling, e.g. `<f8`, `>i2`, `|u1`.
    public var descr: String {
        let order = size == 1 ? "|" : isBigEndian ? ">" : "<"
        let letter = kind == .float ? "f" : kind == .signed ? "i" : "u"
        return "\(order)\(letter)\(size)"
    }

    public var description: String { descr }
}

// MARK: - Private

/// A reader for the small subset of Python literals NPY headers use: a dict of string keys to
/// strings, True/False, integers and tuples (lists are read too, to report structured dtypes).
private struct DictParser {
    enum Value: Equatable { case string(String), bool(Bool), int(Int), tuple([Value]), list([Value]) }

    let text: [Unicode.Scalar]
    let source: String
    var i = 0

    init(text: [Unicode.Scalar], source: String) {
        self.text = text
        self.source = source
    }

    mutating func parseDict() throws -> [String: Value] {
        try expect("{")
        var dict = [String: Value]()
        while true {
            skipSpace()
            if peek == "}" { i += 1; return dict }
            guard case let .string(key) = try value() else { throw fail("a dict key is not a string") }
            try expect(":")
            dict[key] = try value()
            skipSpace()
            if peek == "," { i += 1; continue }
            try expect("}")
            return dict
        }
    }

    private var peek: Unicode.Scalar? { i < text.count ? text[i] : nil }

    private mutating func skipSpace() { while let c = peek, c == " " || c == "\n" || c == "\t" || c == "\r" { i += 1 } }

    private mutating func expect(_ c: Unicode.Scalar) throws {
        skipSpace()
        guard peek == c else { throw fail("expected '\(c)' at character \(i + 1)") }
        i += 1
    }

    private func fail(_ reason: String) -> DataError {
        DataError.malformed(source: source, reason: "the NPY header dict cannot be parsed: \(reason)")
    }

    private mutating func value() throws -> Value {
        skipSpace()
        guard let c = peek else { throw fail("it ends early") }
        switch c {
        case "'", "\"":
            i += 1
            var s = ""
            while let d = peek, d != c { s.unicodeScalars.append(d); i += 1 }
            guard peek == c else { throw fail("a string is not closed") }
            i += 1
            return .string(s)
        case "(", "[":
            i += 1
            let close: Unicode.Scalar = c == "(" ? ")" : "]"
            var items = [Value]()
            while true {
                skipSpace()
                if peek == close { i += 1; break }
                items.append(try value())
                skipSpace()
                if peek == "," { i += 1 } else if peek != close { throw fail("expected ',' or '\(close)' at character \(i + 1)") }
            }
            return c == "(" ? .tuple(items) : .list(items)
        default:
            var word = ""
            while let d = peek, d.properties.isAlphabetic || ("0"..."9").contains(d) || d == "-" { word.unicodeScalars.append(d); i += 1 }
            if word == "True" { return .bool(true) }
            if word == "False" { return .bool(false) }
            if word.hasSuffix("L") { word.removeLast() }  // Python 2 long integers
            if let n = Int(word) { return .int(n) }
            throw fail(word.isEmpty ? "unexpected character '\(c)' at character \(i + 1)" : "unexpected word '\(word)'")
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fast path of decimal parsing (Clinger 1990): a number with at most 15 significant digits
/// — the mantissa then fits a Double exactly — and a decimal exponent within ±22 — so the power of
/// ten is exact too — is the correctly rounded quotient or product of two exact Doubles, the same
/// value `strtod` gives. That covers the numbers of almost every data file ("28.7967", "-3.1e-05",
/// "1200"); everything else (more digits, large exponents, "inf", "nan", hex) returns nil so the
/// caller falls back to `strtod`. Cost: O(length), no allocation.
///
/// Reference: W. D. Clinger, "How to read floating point numbers accurately" (PLDI 1990).
///
/// ```swift
/// let value = bytes.withUnsafeBufferPointer { FastDecimal.parse($0, 0..<bytes.count) }
/// ```
enum FastDecimal {
    /// The value of `bytes[range]` when it is a plain decimal the fast path handles exactly, else nil.
    @inline(__always)
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        var i = range.lowerBound
        let end = range.upperBound
        guard i < end else { return nil }
        var negative = false
        if bytes[i] == 0x2D || bytes[i] == 0x2B {  // - +
            negative = bytes[i] == 0x2D
            i += 1
        }
        var mantissa: UInt64 = 0
        var significant = 0, digits = 0, exponent = 0
        var seenDot = false
        while i < end {
            let c = bytes[i]
            if c >= 0x30 && c <= 0x39 {
                digits += 1
                if mantissa > 0 || c != 0x30 { significant += 1 }
                guard significant <= 15 else { return nil }
                mantissa = mantissa &* 10 &+ UInt64(c &- 0x30)
                if seenDot { exponent -= 1 }
            } else if c == 0x2E && !seenDot {  // .
                seenDot = true
            } else {
                break
            }
            i += 1
        }
        guard digits > 0 else { return nil }
        if i < end {
            guard bytes[i] == 0x65 || bytes[i] == 0x45 else { return nil }  // e E
            i += 1
            var exponentNegative = false
            if i < end, bytes[i] == 0x2D || bytes[i] == 0x2B {
                exponentNegative = bytes[i] == 0x2D
                i += 1
            }
            var written = 0, value = 0
            while i < end, bytes[i] >= 0x30 && bytes[i] <= 0x39 {
                guard written < 4 else { return nil }
                value = value * 10 + Int(bytes[i] - 0x30)
                written += 1
                i += 1
            }
            guard written > 0, i == end else { return nil }
            exponent += exponentNegative ? -value : value
        }
        var result = Double(mantissa)
        if mantissa != 0 {
            guard exponent >= -22 && exponent <= 22 else { return nil }
            result = exponent < 0 ? result / powers[-exponent] : result * powers[exponent]
        }
        return negative ? -result : result
    }

    /// 10^0 ... 10^22, every one exactly representable.
    private static let powers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]
}

extension FastDecimal {
    /// A CSV cell's number: the exact fast path, else strtod on the whole range (which must be
    /// consumed entirely); nil for an empty, over-long (512 bytes or more) or non-numeric cell.
    static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Double? {
        let length = range.count
        guard length > 0, length < 512 else { return nil }
        if let fast = parse(bytes, range) { return fast }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: length + 1) { buffer in
            for k in 0..<length { buffer[k] = CChar(bitPattern: bytes[range.lowerBound + k]) }
            buffer[length] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            let value = strtod(buffer.baseAddress!, &end)
            guard let end, end == buffer.baseAddress! + length else { return nil }
            return value
        }
    }
}

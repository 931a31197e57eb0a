#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The fast path of decimal parsing (Clinger 1990): a number whose digits, as an integer, are at
/// most 2⁵³ — the mantissa then is a Double exactly — and a decimal exponent within ±22 — so the power of
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
        guard let base = bytes.baseAddress, let (value, next) = prefix(base, range.lowerBound, range.upperBound),
              next == range.upperBound else { return nil }
        return value
    }

    /// 10^0 ... 10^22, every one exactly representable.
    private static let powers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
        1e20, 1e21, 1e22,
    ]
}

extension FastDecimal {
    /// The plain decimal that starts at `start` (sign, digits, point, digits, exponent), read until
    /// the first byte that cannot continue it or `end`: its value and the index after it, or nil
    /// when there is no such number or it is outside the exact fast path (then the caller takes
    /// the general route). Digits are taken eight at a time (SWAR: one 64-bit load, a mask of the
    /// non-digit bytes, three multiply-adds), so a CSV reader converts a field while it finds its
    /// end. The value is exact under the same condition as `parse` (mantissa ≤ 2⁵³, |exponent| ≤ 22):
    /// the correctly rounded value, as `strtod` gives.
    @inline(__always)
    static func prefix(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> (value: Double, next: Int)? {
        var i = start
        var negative = false
        if i < end, base[i] == 0x2D || base[i] == 0x2B {
            negative = base[i] == 0x2D
            i += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0
        guard digitRun(base, &i, end, &mantissa, &digits) else { return nil }
        let integerDigits = digits
        var exponent = 0
        if i < end, base[i] == 0x2E {
            i += 1
            guard digitRun(base, &i, end, &mantissa, &digits) else { return nil }
            exponent = integerDigits - digits
        }
        guard digits > 0 else { return nil }
        if i < end, base[i] | 0x20 == 0x65 {  // e E
            i += 1
            var exponentNegative = false
            if i < end, base[i] == 0x2D || base[i] == 0x2B {
                exponentNegative = base[i] == 0x2D
                i += 1
            }
            var written = 0, value = 0
            while i < end, base[i] &- 0x30 < 10 {
                guard written < 4 else { return nil }
                value = value * 10 + Int(base[i] &- 0x30)
                written += 1
                i += 1
            }
            guard written > 0 else { return nil }
            exponent += exponentNegative ? -value : value
        }
        var result = Double(mantissa)
        if mantissa != 0 {
            guard mantissa <= 1 << 53, exponent >= -22 && exponent <= 22 else { return nil }
            result = exponent < 0 ? result / powers[-exponent] : result * powers[exponent]
        }
        return (negative ? -result : result, i)
    }

    /// Appends the digits at `i` to `mantissa` (advancing `i` and `digits`); false when more than
    /// 19 digits in all (the mantissa could overflow).
    @inline(__always)
    private static func digitRun(
        _ base: UnsafePointer<UInt8>, _ i: inout Int, _ end: Int, _ mantissa: inout UInt64, _ digits: inout Int
    ) -> Bool {
        #if _endian(little)
        while end - i >= 8 {
            let word = UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)
            let values = word &- 0x3030_3030_3030_3030
            // A byte's high bit is set when it is below '0' (borrow) or above '9' (+0x46 carries);
            // lanes after the first non-digit may be wrong, and are not used.
            let nonDigits = (values | (word &+ 0x4646_4646_4646_4646)) & 0x8080_8080_8080_8080
            let count = nonDigits == 0 ? 8 : nonDigits.trailingZeroBitCount >> 3
            if count == 0 { return true }
            digits += count
            guard digits <= 19 else { return false }
            // The first `count` digits, moved to the high lanes, as one number.
            var v = values << UInt64(64 - 8 * count)
            v = (v &* 10 &+ (v >> 8)) & 0x00FF_00FF_00FF_00FF
            v = (v &* 100 &+ (v >> 16)) & 0x0000_FFFF_0000_FFFF
            v = (v &* 10_000 &+ (v >> 32)) & 0x0000_0000_FFFF_FFFF
            mantissa = mantissa &* tenPowers[count] &+ v
            i += count
            if count < 8 { return true }
        }
        #endif
        while i < end, base[i] &- 0x30 < 10 {
            digits += 1
            guard digits <= 19 else { return false }
            mantissa = mantissa &* 10 &+ UInt64(base[i] &- 0x30)
            i += 1
        }
        return true
    }

    /// 10^0 ... 10^8 as integers.
    private static let tenPowers: [UInt64] = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000]

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

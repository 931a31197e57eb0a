import Foundation

/// A binary-table column's `TFORMn`: a repeat count and a data type (FITS 4.0, table 18), e.g.
/// `E` (one 32-bit float), `5J` (five 32-bit integers), `22A` (a 22-character string), `16X`
/// (16 bits), `1PE(100)` (a variable-length array descriptor).
///
/// ```swift
/// let format = try FITSColumnFormat(parsing: "10E")   // repeatCount 10, type .float32, 40 bytes
/// ```
public struct FITSColumnFormat: Sendable, Equatable, CustomStringConvertible {
    /// The data types of binary-table columns, by their TFORM letter.
    public enum ElementType: Character, Sendable, CaseIterable {
        /// `L`: logical, one byte `T`, `F` or 0 (null).
        case logical = "L"
        /// `X`: bits, packed 8 to a byte, most significant first.
        case bit = "X"
        /// `B`: unsigned byte.
        case uint8 = "B"
        /// `I`: 16-bit signed integer.
        case int16 = "I"
        /// `J`: 32-bit signed integer.
        case int32 = "J"
        /// `K`: 64-bit signed integer.
        case int64 = "K"
        /// `A`: character (the repeat count is the string length).
        case character = "A"
        /// `E`: 32-bit IEEE float.
        case float32 = "E"
        /// `D`: 64-bit IEEE float.
        case float64 = "D"
        /// `C`: complex pair of 32-bit floats (not decoded).
        case complex64 = "C"
        /// `M`: complex pair of 64-bit floats (not decoded).
        case complex128 = "M"
        /// `P`: 32-bit variable-length array descriptor (not decoded).
        case arrayDescriptor32 = "P"
        /// `Q`: 64-bit variable-length array descriptor (not decoded).
        case arrayDescriptor64 = "Q"

        /// Bytes per element (bits count as 0; see `FITSColumnFormat.byteWidth`).
        var elementWidth: Int {
            switch self {
            case .logical, .uint8, .character: return 1
            case .bit: return 0
            case .int16: return 2
            case .int32, .float32: return 4
            case .int64, .float64, .complex64, .arrayDescriptor32: return 8
            case .complex128, .arrayDescriptor64: return 16
            }
        }

        /// The numeric storage of the type, when it is a plain number.
        var storage: FITSBigEndian.Storage? {
            switch self {
            case .uint8: return .uint8
            case .int16: return .int16
            case .int32: return .int32
            case .int64: return .int64
            case .float32: return .float32
            case .float64: return .float64
            default: return nil
            }
        }
    }

    /// How many elements each row holds (characters for `A`, bits for `X`).
    public let repeatCount: Int
    public let type: ElementType
    /// The TFORM text as written.
    public let text: String

    /// Parses a TFORM value; an unknown letter or a bad repeat count throws `DataError.malformed`.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces).uppercased()
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        let rest = trimmed.dropFirst(digits.count)
        guard let letter = rest.first, let type = ElementType(rawValue: letter) else {
            throw DataError.malformed(source: "TFORM '\(text)'", reason: "expected a repeat count and one of \(ElementType.allCases.map { String($0.rawValue) }.joined())")
        }
        let count = digits.isEmpty ? 1 : Int(digits)
        guard let count, count >= 0, count < 1 << 40 else {
            throw DataError.malformed(source: "TFORM '\(text)'", reason: "the repeat count \(digits) is not a non-negative integer")
        }
        // Only P and Q may carry more after the letter: a type and a maximum, e.g. 1PE(100).
        if rest.count > 1 && type != .arrayDescriptor32 && type != .arrayDescriptor64 {
            throw DataError.malformed(source: "TFORM '\(text)'", reason: "unexpected text after the type letter \(letter)")
        }
        self.repeatCount = count
        self.type = type
        self.text = text
    }

    /// Bytes the column takes in each row.
    public var byteWidth: Int {
        switch type {
        case .bit: return (repeatCount + 7) / 8
        default: return repeatCount * type.elementWidth
        }
    }

    public var description: String { text }
}

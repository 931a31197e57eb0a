import Foundation

/// The header of one FITS header-data unit: its 80-character cards in file order, up to `END`.
///
/// Each card is `KEYWORD = value / comment` (FITS 4.0, section 4): keywords of up to 8 characters
/// from `A-Z 0-9 - _`, a value indicator `= ` in columns 9-10, then a logical (`T`, `F`), an integer,
/// a real (`E` or `D` exponent), a complex `(re, im)` or a quoted string (`''` is a quote; trailing
/// blanks are not significant). Commentary cards (`COMMENT`, `HISTORY`, blank keyword, any card
/// without `= `) have no value. Long strings follow the `CONTINUE` convention: a string ending in
/// `&` continues in the next `CONTINUE` card's string, and the parser joins them into one value on
/// the first card. A card with bytes outside printable ASCII, a bad keyword, an unterminated string
/// or an unreadable value is a `DataError.malformedFITS` naming the card. Cost O(cards).
///
/// ```swift
/// let fits = try FITSFile(contentsOf: url)
/// let header = fits.hdus[0].header
/// let mjd = header.integer("MJD")            // 51602
/// let telescope = header.string("TELESCOP")   // "SDSS 2.5-M"
/// ```
public struct FITSHeader: Sendable, Equatable {
    /// The cards, `CONTINUE` cards folded into the string they continue, `END` not included.
    public let cards: [FITSCard]

    /// A header from its cards (the reader builds it; tests and writers may too).
    public init(cards: [FITSCard]) {
        self.cards = cards
        var first = [String: Int]()
        for (i, card) in cards.enumerated() where card.value != nil && first[card.keyword] == nil { first[card.keyword] = i }
        firstIndex = first
    }

    /// The first card with a value under `keyword` (keywords are upper case), or nil.
    public func card(_ keyword: String) -> FITSCard? { firstIndex[keyword].map { cards[$0] } }

    /// The value of `keyword`, or nil when it is absent or has no value.
    public subscript(keyword: String) -> FITSValue? { card(keyword)?.value }

    /// The value of `keyword` as an integer (nil when absent or not an integer).
    public func integer(_ keyword: String) -> Int? {
        if case let .integer(v)? = self[keyword] { return v }
        return nil
    }

    /// The value of `keyword` as a real number (integers are converted; nil otherwise).
    public func real(_ keyword: String) -> Double? {
        switch self[keyword] {
        case let .real(v)?: return v
        case let .integer(v)?: return Double(v)
        default: return nil
        }
    }

    /// The value of `keyword` as a string (nil when absent or not a string).
    public func string(_ keyword: String) -> String? {
        if case let .string(v)? = self[keyword] { return v }
        return nil
    }

    /// The value of `keyword` as a logical (nil when absent or not a logical).
    public func logical(_ keyword: String) -> Bool? {
        if case let .logical(v)? = self[keyword] { return v }
        return nil
    }

    private let firstIndex: [String: Int]

    public static func == (a: FITSHeader, b: FITSHeader) -> Bool { a.cards == b.cards }
}

/// One header card: its keyword, its value (nil for commentary cards), its comment, and its
/// 1-based position among the header's 80-byte cards (so errors can point at it).
public struct FITSCard: Sendable, Equatable {
    public var keyword: String
    public var value: FITSValue?
    public var comment: String?
    public var position: Int

    public init(keyword: String, value: FITSValue?, comment: String? = nil, position: Int) {
        self.keyword = keyword
        self.value = value
        self.comment = comment
        self.position = position
    }

    /// How errors name this card: "card 5 (NAXIS2)".
    public var label: String { "card \(position) (\(keyword.isEmpty ? "blank keyword" : keyword))" }
}

/// The value of a header card.
public enum FITSValue: Sendable, Equatable, CustomStringConvertible {
    case logical(Bool)
    case integer(Int)
    case real(Double)
    case complex(Double, Double)
    case string(String)

    public var description: String {
        switch self {
        case let .logical(v): return v ? "T" : "F"
        case let .integer(v): return String(v)
        case let .real(v): return String(v)
        case let .complex(re, im): return "(\(re), \(im))"
        case let .string(v): return "'\(v)'"
        }
    }
}

// MARK: - Private

extension FITSHeader {
    static let cardLength = 80
    static let blockLength = 2880

    /// Parses the header starting at `offset` (a block boundary) up to its `END` card. Returns the
    /// header and the offset of the first byte after the header's last block.
    static func parse(_ bytes: UnsafeRawBufferPointer, at offset: Int, source: String, hdu: Int) throws -> (FITSHeader, Int) {
        var cards = [FITSCard]()
        var position = 0
        var cursor = offset
        var pendingContinuation: Int?  // index in `cards` of a string ending in "&"
        let hduName = "HDU \(hdu)"
        while true {
            guard cursor + cardLength <= bytes.count else {
                throw DataError.malformedFITS(
                    source: source, hdu: hduName, card: nil,
                    reason: "the header has no END card before the end of the file (after \(position) cards); the file is truncated or not FITS")
            }
            position += 1
            let card = UnsafeRawBufferPointer(rebasing: bytes[cursor..<(cursor + cardLength)])
            cursor += cardLength
            for b in card where b < 32 || b > 126 {
                throw DataError.malformedFITS(
                    source: source, hdu: hduName, card: "card \(position)",
                    reason: "byte \(b) is not printable ASCII; header cards hold only characters 32...126")
            }
            let keyword = try parseKeyword(card, source: source, hdu: hduName, position: position)
            if keyword == "END" {
                guard card[3...].allSatisfy({ $0 == 32 }) else {
                    throw DataError.malformedFITS(
                        source: source, hdu: hduName, card: "card \(position) (END)", reason: "the END card must be blank after END")
                }
                break
            }
            if keyword == "CONTINUE" {
                let text = UnsafeRawBufferPointer(rebasing: card[8...])
                if let target = pendingContinuation, case let .string(head)? = cards[target].value {
                    let label = "card \(position) (CONTINUE)"
                    let (piece, comment) = try parseValue(text, source: source, hdu: hduName, card: label)
                    guard case let .string(tail)? = piece else {
                        throw DataError.malformedFITS(
                            source: source, hdu: hduName, card: label, reason: "a CONTINUE card must hold a quoted string")
                    }
                    cards[target].value = .string(String(head.dropLast()) + tail)
                    if let comment { cards[target].comment = (cards[target].comment.map { $0 + " " } ?? "") + comment }
                    pendingContinuation = tail.hasSuffix("&") ? target : nil
                    continue
                }
                // A CONTINUE without a long string before it is commentary.
                cards.append(FITSCard(keyword: keyword, value: nil, comment: String(decoding: text, as: UTF8.self), position: position))
                pendingContinuation = nil
                continue
            }
            pendingContinuation = nil
            let hasValue = card[8] == UInt8(ascii: "=") && card[9] == 32 && keyword != "COMMENT" && keyword != "HISTORY"
                && !keyword.isEmpty
            if hasValue {
                let (value, comment) = try parseValue(
                    UnsafeRawBufferPointer(rebasing: card[10...]), source: source, hdu: hduName, card: "card \(position) (\(keyword))")
                cards.append(FITSCard(keyword: keyword, value: value, comment: comment, position: position))
                if case let .string(s)? = value, s.hasSuffix("&") { pendingContinuation = cards.count - 1 }
            } else {
                cards.append(FITSCard(keyword: keyword, value: nil, comment: String(decoding: card[8...], as: UTF8.self), position: position))
            }
        }
        // The header fills whole 2880-byte blocks.
        let used = cursor - offset
        let end = offset + (used + blockLength - 1) / blockLength * blockLength
        return (FITSHeader(cards: cards), end)
    }

    private static func parseKeyword(_ card: UnsafeRawBufferPointer, source: String, hdu: String, position: Int) throws -> String {
        var end = 8
        while end > 0 && card[end - 1] == 32 { end -= 1 }
        var sawBlank = false
        for i in 0..<end {
            let b = card[i]
            let ok = (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == 45 || b == 95
            if b == 32 { sawBlank = true; continue }
            if !ok || sawBlank {
                let text = String(decoding: card[0..<8], as: UTF8.self)
                throw DataError.malformedFITS(
                    source: source, hdu: hdu, card: "card \(position) (\"\(text)\")",
                    reason: "the keyword may hold only upper-case letters, digits, '-' and '_', left-justified")
            }
        }
        return String(decoding: card[0..<end], as: UTF8.self)
    }

    /// Parses the value field (columns 11-80): a value (nil when blank) and an optional comment.
    /// Works on the card's bytes; only the token and the comment become strings.
    private static func parseValue(_ chars: UnsafeRawBufferPointer, source: String, hdu: String, card: @autoclosure () -> String) throws -> (FITSValue?, String?) {
        func trimmed(_ a: Int, _ b: Int) -> String {
            var lo = a, hi = b
            while lo < hi && chars[lo] == 32 { lo += 1 }
            while hi > lo && chars[hi - 1] == 32 { hi -= 1 }
            return String(decoding: UnsafeRawBufferPointer(rebasing: chars[lo..<hi]), as: UTF8.self)
        }
        var i = 0
        while i < chars.count && chars[i] == 32 { i += 1 }
        func comment(from j: Int) -> String? {
            var k = j
            while k < chars.count && chars[k] == 32 { k += 1 }
            guard k < chars.count, chars[k] == UInt8(ascii: "/") else { return nil }
            return trimmed(k + 1, chars.count)
        }
        guard i < chars.count else { return (nil, nil) }
        if chars[i] == UInt8(ascii: "'") {
            var value = [UInt8]()
            var j = i + 1
            while true {
                guard j < chars.count else {
                    throw DataError.malformedFITS(source: source, hdu: hdu, card: card(), reason: "the string value has no closing quote")
                }
                if chars[j] == UInt8(ascii: "'") {
                    if j + 1 < chars.count && chars[j + 1] == UInt8(ascii: "'") {
                        value.append(chars[j]); j += 2; continue
                    }
                    break
                }
                value.append(chars[j]); j += 1
            }
            while let last = value.last, last == 32 { value.removeLast() }
            return (.string(String(decoding: value, as: UTF8.self)), comment(from: j + 1))
        }
        var j = i
        while j < chars.count && chars[j] != UInt8(ascii: "/") { j += 1 }
        let token = trimmed(i, j)
        let note = j < chars.count ? trimmed(j + 1, chars.count) : nil
        if token.isEmpty { return (nil, note) }
        if token == "T" { return (.logical(true), note) }
        if token == "F" { return (.logical(false), note) }
        if let v = Int(token.hasPrefix("+") ? String(token.dropFirst()) : token) { return (.integer(v), note) }
        if let v = parseReal(token) { return (.real(v), note) }
        if token.hasPrefix("("), token.hasSuffix(")") {
            let parts = token.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, let re = parseReal(parts[0]), let im = parseReal(parts[1]) { return (.complex(re, im), note) }
        }
        throw DataError.malformedFITS(
            source: source, hdu: hdu, card: card(),
            reason: "the value \"\(token)\" is not a logical (T or F), a number, a complex number or a quoted string")
    }

    private static func parseReal(_ token: String) -> Double? {
        let normal = token.contains("D") || token.contains("d")
            ? token.replacingOccurrences(of: "D", with: "E").replacingOccurrences(of: "d", with: "e") : token
        guard let first = normal.first, first.isNumber || first == "-" || first == "+" || first == "." else { return nil }
        guard let v = Double(normal), v.isFinite else { return nil }
        return v
    }
}

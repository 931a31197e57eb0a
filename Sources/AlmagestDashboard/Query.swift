import Foundation

/// The query string of a request (`?experiment=digits&ids=a&ids=b`), decoded: `+` is a space,
/// `%XX` a byte; a key may repeat. Malformed escapes leave the value as it was written.
///
/// ```swift
/// let q = Query("ids=a,b&ids=c&sort=ami")
/// q["sort"]          // "ami"
/// q.list("ids")      // ["a", "b", "c"]
/// ```
public struct Query: Sendable, Equatable {
    public private(set) var pairs: [(String, String)]

    public init(_ raw: String?) {
        pairs = []
        for part in (raw ?? "").split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(String(kv[0]))
            let value = kv.count > 1 ? Self.decode(String(kv[1])) : ""
            if !key.isEmpty { pairs.append((key, value)) }
        }
    }

    /// The first value of `key`, nil when absent or empty.
    public subscript(_ key: String) -> String? {
        pairs.first { $0.0 == key && !$0.1.isEmpty }?.1
    }

    /// Every value of `key`, comma-separated values split, empty ones dropped.
    public func list(_ key: String) -> [String] {
        pairs.filter { $0.0 == key }.flatMap { $0.1.split(separator: ",").map(String.init) }
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// An integer value, or `fallback` when absent or not a number.
    public func int(_ key: String, default fallback: Int) -> Int {
        self[key].flatMap { Int($0) } ?? fallback
    }

    /// Percent-encodes a value for a URL path segment or query value.
    public static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// `key=value&...` from pairs, encoded.
    public static func string(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }

    public static func == (a: Query, b: Query) -> Bool {
        a.pairs.count == b.pairs.count && zip(a.pairs, b.pairs).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    // MARK: - Private

    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    private static func decode(_ text: String) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }
}

import Foundation

/// Access to the shared golden fixtures and data sets in `../shared/` beside the checkout
/// (override with `ALMAGEST_SHARED=/path/to/shared`).
public enum Reference {
    /// The `shared/` folder.
    public static var sharedDirectory: URL {
        if let override = ProcessInfo.processInfo.environment["ALMAGEST_SHARED"] {
            return URL(fileURLWithPath: override)
        }
        // This file is <package>/Tests/AlmagestTestSupport/Reference.swift.
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return package.deletingLastPathComponent().appendingPathComponent("shared")
    }

    /// A file under `shared/`, e.g. `datasets/digits/digits.csv.gz`.
    public static func url(_ relativePath: String) -> URL { sharedDirectory.appendingPathComponent(relativePath) }

    /// A fixture from `shared/reference/` parsed as JSON (dictionaries, arrays, numbers, strings).
    public static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: url("reference/" + name))
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw ReferenceError.malformed(name)
        }
        return object
    }

    /// A fixture decoded into a `Decodable` type.
    public static func decode<T: Decodable>(_ type: T.Type, from name: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: url("reference/" + name)))
    }

    public enum ReferenceError: Error { case malformed(String) }
}

/// JSON value helpers for fixtures read with `JSONSerialization`.
extension Dictionary where Key == String, Value == Any {
    public func double(_ key: String) -> Double? { (self[key] as? NSNumber)?.doubleValue }
    public func int(_ key: String) -> Int? { (self[key] as? NSNumber)?.intValue }
    public func doubles(_ key: String) -> [Double]? { (self[key] as? [Any])?.compactMap { ($0 as? NSNumber)?.doubleValue } }
    public func ints(_ key: String) -> [Int]? { (self[key] as? [Any])?.compactMap { ($0 as? NSNumber)?.intValue } }
    public func rows(_ key: String) -> [[Double]]? {
        (self[key] as? [Any])?.map { ($0 as? [Any] ?? []).compactMap { ($0 as? NSNumber)?.doubleValue } }
    }
    public func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    public func objects(_ key: String) -> [[String: Any]]? { self[key] as? [[String: Any]] }
}

/// True when `a` and `b` agree to a relative tolerance (or an absolute one near zero).
public func isClose(_ a: Double, _ b: Double, relative: Double = 1e-12, absolute: Double = 0) -> Bool {
    if a == b { return true }
    return abs(a - b) <= max(absolute, relative * max(abs(a), abs(b)))
}

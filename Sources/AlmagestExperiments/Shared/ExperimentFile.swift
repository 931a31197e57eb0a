import AlmagestData
import Foundation
import Yams

/// Reads an experiment file into a `Decodable` value: JSON (`.json`, through `JSONDecoder`, which
/// reads numbers exactly) or YAML (`.yaml`, `.yml`, through Yams' decoder). A file that does not
/// read, or does not decode, is a `DataError` naming the file and, for a bad field, its path
/// (`models[1].search.space`).
///
/// ```swift
/// let plan = try ExperimentFile.decode(ClassificationPlan.self, from: URL(fileURLWithPath: "magic.yaml"))
/// ```
public enum ExperimentFile {
    public static func decode<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataError.io(path: url.path, reason: error.localizedDescription)
        }
        do {
            switch url.pathExtension.lowercased() {
            case "yaml", "yml":
                guard let text = String(data: data, encoding: .utf8) else {
                    throw DataError.malformed(source: url.path, reason: "expected UTF-8 text")
                }
                return try YAMLDecoder().decode(T.self, from: text)
            case "json":
                return try JSONDecoder().decode(T.self, from: data)
            default:
                throw DataError.malformed(source: url.path, reason: "expected a .json, .yaml or .yml experiment file")
            }
        } catch let error as DecodingError {
            throw DataError.malformed(source: url.path, reason: Self.describe(error))
        } catch let error as YamlError {
            throw DataError.malformed(source: url.path, reason: "not valid YAML: \(error)")
        }
    }

    /// "at models[1].search: expected ..." from a decoding error.
    static func describe(_ error: DecodingError) -> String {
        func path(_ keys: [CodingKey]) -> String {
            keys.reduce("") { text, key in
                if let i = key.intValue { return text + "[\(i)]" }
                return text.isEmpty ? key.stringValue : text + "." + key.stringValue
            }
        }
        switch error {
        case let .keyNotFound(key, context):
            return "missing field \"\(key.stringValue)\"" + (context.codingPath.isEmpty ? "" : " in \(path(context.codingPath))")
        case let .typeMismatch(type, context):
            return "at \(path(context.codingPath)): expected \(type): \(context.debugDescription)"
        case let .valueNotFound(type, context):
            return "at \(path(context.codingPath)): expected a \(type) value"
        case let .dataCorrupted(context):
            return (context.codingPath.isEmpty ? "" : "at \(path(context.codingPath)): ") + context.debugDescription
        @unknown default:
            return "\(error)"
        }
    }
}

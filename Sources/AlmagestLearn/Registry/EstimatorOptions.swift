import AlmagestCore
import Foundation

/// The options of a registered estimator: its configuration flattened into named values, and
/// back. `flatten` encodes the configuration with snake_case keys and joins nested keys with dots;
/// `configure` starts from the defaults, replaces the options given, and decodes the result, so
/// that the configuration type's own `Codable` conformance is the only description of its options.
///
/// A given value is read in the type of the default it replaces: a string `"95,95"` becomes a list
/// where the default is a list, `"0.5"` a number where it is a number, `"true"` a Boolean. Unknown
/// options and values the configuration does not decode are refused with a `FitError` naming the
/// option and what was expected. Cost: O(options) (one JSON round trip).
///
/// ```swift
/// let options = try EstimatorOptions.flatten(KMeans(clusters: 10))   // ["clusters": 10, "max_iterations": 300, ...]
/// let kmeans = try EstimatorOptions.configure(KMeans.self, estimator: "kmeans", defaults: options,
///                                             options: ["clusters": "4"])
/// ```
public enum EstimatorOptions {
    /// The configuration as flat options (snake_case keys, nested keys joined by dots).
    public static func flatten<T: Encodable>(_ configuration: T) throws -> [String: ParameterValue] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let tree = try JSONDecoder().decode(JSONTree.self, from: encoder.encode(configuration))
        var options = [String: ParameterValue]()
        tree.flatten(prefix: "", into: &options)
        return options
    }

    /// `defaults` with `options` replacing their keys, decoded as `T`. Throws
    /// `FitError.invalidParameter` for an unknown key or a value `T` does not accept.
    public static func configure<T: Decodable>(
        _ type: T.Type, estimator: String, defaults: [String: ParameterValue], options: [String: ParameterValue]
    ) throws -> T {
        var merged = defaults
        for (key, value) in options.sorted(by: { $0.key < $1.key }) {
            guard let old = defaults[key] else {
                throw FitError.invalidParameter(
                    name: "option \(key) of \(estimator)", value: value.description,
                    expected: "one of its options: " + defaults.keys.sorted().joined(separator: ", "))
            }
            merged[key] = value.converted(like: old)
        }
        let data = try JSONEncoder().encode(JSONTree(flat: merged))
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(T.self, from: data)
        } catch let error as DecodingError {
            let (path, reason) = Self.describe(error)
            throw FitError.invalidParameter(
                name: "option \(path) of \(estimator)", value: path.isEmpty ? "" : (merged[path]?.description ?? "?"),
                expected: reason)
        }
    }

    /// Parses `key=value` words (`--option clusters=10`) into options; a value stays a string
    /// until `configure` reads it in the type of its default.
    public static func parse(_ words: [String]) throws -> [String: ParameterValue] {
        var options = [String: ParameterValue]()
        for word in words {
            guard let equals = word.firstIndex(of: "="), equals != word.startIndex else {
                throw FitError.invalidParameter(name: "option", value: word, expected: "KEY=VALUE, like clusters=10")
            }
            let key = word[..<equals].trimmingCharacters(in: .whitespaces).replacingOccurrences(of: "-", with: "_")
            options[key] = .string(String(word[word.index(after: equals)...]))
        }
        return options
    }

    // MARK: - Private

    private static func describe(_ error: DecodingError) -> (String, String) {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }
                .map(Self.snakeCase).joined(separator: ".")
        }
        switch error {
        case let .typeMismatch(type, context): return (path(context), "a value of type \(type)")
        case let .valueNotFound(type, context): return (path(context), "a value of type \(type)")
        case let .keyNotFound(key, context): return (path(context), "a value for \(Self.snakeCase(key.stringValue))")
        case let .dataCorrupted(context): return (path(context), context.debugDescription)
        @unknown default: return ("", "\(error)")
        }
    }

    private static func snakeCase(_ key: String) -> String {
        var out = ""
        for c in key {
            if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
        }
        return out
    }
}

extension ParameterValue {
    /// This value read in the type of `model` (a string given on the command line becomes a
    /// number, Boolean or list where the default is one); values that do not read are kept as
    /// they are, for the decoder to refuse with a precise message.
    func converted(like model: ParameterValue) -> ParameterValue {
        guard case let .string(text) = self else {
            if case .double = model, case let .int(i) = self { return .double(Double(i)) }
            return self
        }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        switch model {
        case .int, .double:
            if let i = Int(trimmed) { return .int(i) }
            if let d = Double(trimmed) { return .double(d) }
            return self
        case .bool:
            switch trimmed.lowercased() {
            case "true", "yes", "1", "on": return .bool(true)
            case "false", "no", "0", "off": return .bool(false)
            default: return self
            }
        case let .list(items):
            let inner = trimmed.hasPrefix("[") && trimmed.hasSuffix("]") ? String(trimmed.dropFirst().dropLast()) : trimmed
            let element = items.first ?? .double(0)
            let parts = inner.split(separator: ",").map { ParameterValue.string(String($0)).converted(like: element) }
            return .list(parts)
        case .string:
            return self
        }
    }
}

/// Any JSON value; objects keep their keys sorted when encoded.
enum JSONTree: Codable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONTree])
    case object([String: JSONTree])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? c.decode(Int.self) {
            self = .int(i)
        } else if let d = try? c.decode(Double.self) {
            self = .double(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONTree].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONTree].self))
        }
    }

    func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case let .bool(v): try c.encode(v)
        case let .int(v): try c.encode(v)
        case let .double(v): try c.encode(v)
        case let .string(v): try c.encode(v)
        case let .array(v): try c.encode(v)
        case let .object(v): try c.encode(v)
        }
    }

    /// Leaves as options: objects are walked with dotted keys, arrays of scalars become lists.
    func flatten(prefix: String, into options: inout [String: ParameterValue]) {
        switch self {
        case let .object(members):
            for (key, value) in members { value.flatten(prefix: prefix.isEmpty ? key : prefix + "." + key, into: &options) }
        default:
            if let value = parameterValue { options[prefix] = value }
        }
    }

    /// Rebuilds the nested object from dotted keys.
    init(flat: [String: ParameterValue]) {
        var root = [String: JSONTree]()
        for (key, value) in flat {
            Self.insert(JSONTree(value), at: key.split(separator: ".").map(String.init)[...], into: &root)
        }
        self = .object(root)
    }

    private static func insert(_ value: JSONTree, at path: ArraySlice<String>, into object: inout [String: JSONTree]) {
        guard let head = path.first else { return }
        if path.count == 1 { object[head] = value; return }
        var child: [String: JSONTree]
        if case let .object(existing)? = object[head] { child = existing } else { child = [:] }
        insert(value, at: path.dropFirst(), into: &child)
        object[head] = .object(child)
    }

    private init(_ value: ParameterValue) {
        switch value {
        case let .int(v): self = .int(v)
        case let .double(v): self = .double(v)
        case let .string(v): self = .string(v)
        case let .bool(v): self = .bool(v)
        case let .list(v): self = .array(v.map(JSONTree.init))
        }
    }

    private var parameterValue: ParameterValue? {
        switch self {
        case .null, .object: return nil
        case let .bool(v): return .bool(v)
        case let .int(v): return .int(v)
        case let .double(v): return .double(v)
        case let .string(v): return .string(v)
        case let .array(items):
            let values = items.compactMap(\.parameterValue)
            return values.count == items.count ? .list(values) : nil
        }
    }
}

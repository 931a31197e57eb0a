import AlmagestCore
import Foundation

/// The options a model search varies, by option key (`learning_rate`, `hidden_layer_sizes`, or
/// `standard-scaler.with_mean` for a pipeline step): lists of values for a grid, and for a random
/// search also distributions. As JSON (the `--space FILE` of `almagest classify`):
///
/// ```json
/// {"learning_rate": {"logUniform": [1e-4, 1e-1]}, "hidden_layer_sizes": ["32", "95,95"],
///  "epochs": {"integers": [10, 40]}, "solver": ["adam", "sgd"]}
/// ```
/// ```swift
/// let space = try SearchSpace.load(from: URL(fileURLWithPath: "space.json"))
/// let grid = try space.grid()                       // every combination of the lists
/// ```
public struct SearchSpace: Codable, Sendable, Equatable {
    /// What one option takes: a list, or (random search only) a distribution.
    public enum Values: Codable, Sendable, Equatable {
        case list([ParameterValue])
        /// Uniform on [low, high].
        case uniform(Double, Double)
        /// Log-uniform on [low, high], both > 0.
        case logUniform(Double, Double)
        /// Integers low...high, each equally likely.
        case integers(Int, Int)

        public init(from decoder: Decoder) throws {
            if let list = try? decoder.singleValueContainer().decode([ParameterValue].self) {
                self = .list(list)
                return
            }
            let c = try decoder.container(keyedBy: Keys.self)
            if let b = try c.decodeIfPresent([Double].self, forKey: .uniform), b.count == 2 {
                self = .uniform(b[0], b[1])
            } else if let b = try c.decodeIfPresent([Double].self, forKey: .logUniform), b.count == 2 {
                self = .logUniform(b[0], b[1])
            } else if let b = try c.decodeIfPresent([Int].self, forKey: .integers), b.count == 2 {
                self = .integers(b[0], b[1])
            } else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath,
                    debugDescription: "expected a list of values or {\"uniform\"|\"logUniform\"|\"integers\": [low, high]}"))
            }
        }

        public func encode(to encoder: Encoder) throws {
            switch self {
            case let .list(values):
                var c = encoder.singleValueContainer()
                try c.encode(values)
            case let .uniform(a, b):
                var c = encoder.container(keyedBy: Keys.self)
                try c.encode([a, b], forKey: .uniform)
            case let .logUniform(a, b):
                var c = encoder.container(keyedBy: Keys.self)
                try c.encode([a, b], forKey: .logUniform)
            case let .integers(a, b):
                var c = encoder.container(keyedBy: Keys.self)
                try c.encode([a, b], forKey: .integers)
            }
        }

        private enum Keys: String, CodingKey { case uniform, logUniform, integers }
    }

    public var options: [String: Values]

    public init(_ options: [String: Values]) { self.options = options }

    public init(from decoder: Decoder) throws {
        options = try decoder.singleValueContainer().decode([String: Values].self)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(options)
    }

    /// Reads a space file; throws `DataError` naming the file and what is wrong.
    public static func load(from url: URL) throws -> SearchSpace {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw FitError.invalidParameter(name: "search space file", value: url.path, expected: "a readable JSON file")
        }
        do {
            return try JSONDecoder().decode(SearchSpace.self, from: data)
        } catch {
            throw FitError.invalidParameter(name: "search space \(url.path)", value: "\(error)",
                                            expected: "an object of option -> list or distribution")
        }
    }

    /// Every combination of the lists, options in key order (the last varies fastest). Throws
    /// `FitError.invalidParameter` for a distribution (a grid takes lists) or an empty list.
    public func grid() throws -> [[String: ParameterValue]] {
        var combinations: [[String: ParameterValue]] = [[:]]
        for key in options.keys.sorted() {
            guard case let .list(values) = options[key]! else {
                throw FitError.invalidParameter(name: "grid option \(key)", value: "a distribution",
                                                expected: "a list of values (distributions are for a random search)")
            }
            try require(!values.isEmpty, "grid option \(key)", "[]", expected: "at least one value")
            combinations = combinations.flatMap { partial in values.map { partial.merging([key: $0]) { $1 } } }
        }
        return combinations
    }

    /// `count` seeded draws: a list gives each value with equal chance, a distribution a value
    /// from it. Throws `FitError.invalidParameter` for an empty list or bad bounds.
    public func random(count: Int, seed: Int) throws -> [[String: ParameterValue]] {
        try require(count >= 1, "random search candidates", count, expected: "at least 1")
        for (key, values) in options {
            switch values {
            case let .list(v): try require(!v.isEmpty, "option \(key)", "[]", expected: "at least one value")
            case let .uniform(a, b): try require(a <= b && a.isFinite && b.isFinite, "option \(key)", "[\(a), \(b)]", expected: "low <= high")
            case let .logUniform(a, b): try require(a > 0 && a <= b && b.isFinite, "option \(key)", "[\(a), \(b)]", expected: "0 < low <= high")
            case let .integers(a, b): try require(a <= b, "option \(key)", "[\(a), \(b)]", expected: "low <= high")
            }
        }
        var rng = RandomStream(seed: seed)
        return (0..<count).map { _ in
            var candidate = [String: ParameterValue]()
            for key in options.keys.sorted() {
                switch options[key]! {
                case let .list(v): candidate[key] = v[rng.nextInt(below: v.count)]
                case let .uniform(a, b): candidate[key] = .double(a + (b - a) * rng.nextDouble())
                case let .logUniform(a, b): candidate[key] = .double(exp(log(a) + (log(b) - log(a)) * rng.nextDouble()))
                case let .integers(a, b): candidate[key] = .int(a + rng.nextInt(below: b - a + 1))
                }
            }
            return candidate
        }
    }
}

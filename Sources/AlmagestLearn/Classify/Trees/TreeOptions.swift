import AlmagestCore
import Foundation

/// The closed choices of tree growing shared by `DecisionTreeClassifier`, `RandomForestClassifier`
/// and `ExtraTreesClassifier`: how a node's impurity is measured and how many features a split
/// looks at (scikit-learn's `criterion` and `max_features`).
///
/// ```swift
/// let tree = DecisionTreeClassifier(criterion: .entropy, maxFeatures: .sqrt)
/// MaxFeatures.count(3).resolved(features: 10)     // 3
/// MaxFeatures.log2.resolved(features: 10)         // 3
/// ```
public enum SplitCriterion: String, Codable, Sendable, CaseIterable {
    /// Gini impurity 1 − Σ pₖ² (Breiman et al., 1984).
    case gini
    /// Shannon entropy −Σ pₖ log₂ pₖ.
    case entropy
    /// The same as `entropy` (scikit-learn's other name for it: the mean log loss of the leaf
    /// frequencies, in bits).
    case logLoss = "log_loss"

    /// Impurity of weighted class counts `counts[0..<classes]` whose sum is `total` (> 0).
    func impurity(_ counts: UnsafePointer<Double>, classes: Int, total: Double) -> Double {
        switch self {
        case .gini:
            var squares = 0.0
            for k in 0..<classes { squares += counts[k] * counts[k] }
            return 1 - squares / (total * total)
        case .entropy, .logLoss:
            var entropy = 0.0
            for k in 0..<classes where counts[k] > 0 {
                let p = counts[k] / total
                entropy -= p * Foundation.log2(p)
            }
            return entropy
        }
    }
}

/// How many features each split draws and searches: all of them, √d, log₂ d (each at least 1),
/// or a fixed count. Encodes as a string (`"all"`, `"sqrt"`, `"log2"`, `"3"`), so that it is one
/// option, `max_features=sqrt` or `max_features=3`; decodes a JSON integer as a count too.
public enum MaxFeatures: Codable, Sendable, Equatable, CustomStringConvertible {
    case all, sqrt, log2
    case count(Int)

    /// The number of features a split searches among `features`: never below 1 nor above
    /// `features` (a count above it is refused by `validate(features:)`).
    public func resolved(features: Int) -> Int {
        switch self {
        case .all: return features
        case .sqrt: return Swift.max(1, Int(Double(features).squareRoot()))
        case .log2: return Swift.max(1, Int(Foundation.log2(Double(features))))
        case let .count(k): return Swift.min(Swift.max(1, k), features)
        }
    }

    public var description: String {
        switch self {
        case .all: return "all"
        case .sqrt: return "sqrt"
        case .log2: return "log2"
        case let .count(k): return String(k)
        }
    }

    /// Throws `FitError.invalidParameter` for a count below 1.
    public func validate() throws {
        if case let .count(k) = self { try require(k >= 1, "max features", k, expected: "all, sqrt, log2 or a count >= 1") }
    }

    /// Throws `FitError.invalidParameter` when a count exceeds the data's `features`.
    public func validate(features: Int) throws {
        if case let .count(k) = self {
            try require(k <= features, "max features", k,
                        expected: "at most the \(features) features of the data (or all, sqrt, log2)")
        }
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let k = try? container.decode(Int.self) {
            self = .count(k)
            return
        }
        let text = try container.decode(String.self).trimmingCharacters(in: .whitespaces).lowercased()
        switch text {
        case "all", "none": self = .all
        case "sqrt", "auto": self = .sqrt
        case "log2": self = .log2
        default:
            guard let k = Int(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "all, sqrt, log2 or a count of features, not \"\(text)\"")
            }
            self = .count(k)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

import AlmagestCore

/// Precision, recall and F1 per class and averaged (binary, macro, weighted, micro), with
/// zero_division = 0: a precision without predicted samples, a recall without true samples, or an
/// F1 with precision + recall = 0 is 0. Macro-F1 is the mean of the per-class F1 scores.
/// Reference: Sokolova & Lapalme (2009); van Rijsbergen, "Information Retrieval" (1979) for F.
/// Cost O(K) given the confusion matrix.
///
/// ```swift
/// let cm = try ConfusionMatrix(truth: truth, predicted: predicted)
/// cm.perClass.f1                 // one value per label
/// cm.averaged(.macro).f1
/// ```

/// Per-label scores, in `ConfusionMatrix.labels` order.
public struct PerClassScores: Sendable, Equatable, Codable {
    public let precision: [Double]
    public let recall: [Double]
    public let f1: [Double]
    /// True count per label.
    public let support: [Int]
}

/// Precision, recall and F1 combined into one number each.
public struct AveragedScores: Sendable, Equatable, Codable {
    public let precision: Double
    public let recall: Double
    public let f1: Double
}

/// How per-class scores are combined.
public enum ScoreAverage: String, Sendable, CaseIterable, Codable {
    /// The scores of the positive class 1 (only for labels within {0, 1}).
    case binary
    /// Unweighted mean over labels.
    case macro
    /// Mean weighted by support.
    case weighted
    /// From the global true-positive, false-positive and false-negative counts.
    case micro
}

extension ConfusionMatrix {
    /// Precision, recall, F1 and support for every label.
    public var perClass: PerClassScores {
        let tp = truePositives, predicted = predictedCounts, truth = support
        let precision = (0..<labels.count).map { Self.ratio(tp[$0], predicted[$0]) }
        let recall = (0..<labels.count).map { Self.ratio(tp[$0], truth[$0]) }
        let f1 = (0..<labels.count).map { Self.ratio(2 * tp[$0], predicted[$0] + truth[$0]) }
        return PerClassScores(precision: precision, recall: recall, f1: f1, support: truth)
    }

    /// Averaged scores; nil for `.binary` when some label lies outside {0, 1}.
    public func averaged(_ average: ScoreAverage) -> AveragedScores? {
        let scores = perClass
        switch average {
        case .binary:
            guard labels.allSatisfy({ $0 == 0 || $0 == 1 }) else { return nil }
            guard let positive = labels.firstIndex(of: 1) else { return AveragedScores(precision: 0, recall: 0, f1: 0) }
            return AveragedScores(
                precision: scores.precision[positive], recall: scores.recall[positive], f1: scores.f1[positive])
        case .macro:
            let k = Double(labels.count)
            return AveragedScores(
                precision: scores.precision.reduce(0, +) / k, recall: scores.recall.reduce(0, +) / k,
                f1: scores.f1.reduce(0, +) / k)
        case .weighted:
            let weights = scores.support.map(Double.init)
            let total = weights.reduce(0, +)
            func mean(_ values: [Double]) -> Double { zip(values, weights).reduce(0) { $0 + $1.0 * $1.1 } / total }
            return AveragedScores(precision: mean(scores.precision), recall: mean(scores.recall), f1: mean(scores.f1))
        case .micro:
            let tp = truePositives.reduce(0, +)
            let predicted = predictedCounts.reduce(0, +), truth = support.reduce(0, +)
            return AveragedScores(
                precision: Self.ratio(tp, predicted), recall: Self.ratio(tp, truth),
                f1: Self.ratio(2 * tp, predicted + truth))
        }
    }

    // MARK: - Private

    /// `numerator / denominator`, 0 when the denominator is 0 (zero_division = 0).
    private static func ratio(_ numerator: Int, _ denominator: Int) -> Double {
        denominator == 0 ? 0 : Double(numerator) / Double(denominator)
    }
}

/// Per-class precision, recall, F1 and support of `predicted` against `truth`.
public func precisionRecallF1(truth: [Int], predicted: [Int]) throws -> PerClassScores {
    try ConfusionMatrix(truth: truth, predicted: predicted).perClass
}

/// Averaged precision, recall and F1; throws `FitError.invalidParameter` for `.binary` when a
/// label lies outside {0, 1}.
public func precisionRecallF1(truth: [Int], predicted: [Int], average: ScoreAverage) throws -> AveragedScores {
    let matrix = try ConfusionMatrix(truth: truth, predicted: predicted)
    guard let scores = matrix.averaged(average) else {
        throw FitError.invalidParameter(
            name: "average", value: "binary", expected: "labels within {0, 1}, got labels \(matrix.labels)")
    }
    return scores
}

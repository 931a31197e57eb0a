import AlmagestCore

/// The confusion matrix of a single-label classification: `counts[i][j]` is the number of samples
/// whose true label is `labels[i]` and predicted label is `labels[j]`, with `labels` the sorted
/// union of the labels in the truth and the predictions. Accuracy, per-class precision / recall /
/// F1, balanced accuracy, Matthews correlation and Cohen's kappa all derive from it.
/// Reference: Sokolova & Lapalme, "A systematic analysis of performance measures for
/// classification tasks" (2009). Cost O(n + K²) time, O(K²) memory for K labels.
///
/// ```swift
/// let cm = try ConfusionMatrix(truth: [0, 1, 1, 2], predicted: [0, 1, 2, 2])
/// cm.counts        // [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
/// cm.accuracy      // 0.75
/// ```
public struct ConfusionMatrix: Sendable, Equatable, Codable {
    /// Sorted labels; the order of rows and columns.
    public let labels: [Int]
    /// Rows = true label, columns = predicted label.
    public let counts: [[Int]]

    /// Counts `truth` against `predicted`. Throws `FitError.invalidLabels` when the arrays are
    /// empty or differ in length, or when `labels` is given and misses a label that occurs.
    public init(truth: [Int], predicted: [Int], labels: [Int]? = nil) throws {
        try Self.validate(truth, predicted)
        let order = labels ?? Array(Set(truth).union(predicted)).sorted()
        var position: [Int: Int] = [:]
        for (i, label) in order.enumerated() { position[label] = i }
        var counts = [[Int]](repeating: [Int](repeating: 0, count: order.count), count: order.count)
        for (t, p) in zip(truth, predicted) {
            guard let i = position[t], let j = position[p] else {
                throw FitError.invalidLabels(
                    reason: "label \(position[t] == nil ? t : p) occurs but is not among the given labels \(order)")
            }
            counts[i][j] += 1
        }
        self.labels = order
        self.counts = counts
    }

    /// Number of samples.
    public var sampleCount: Int { counts.reduce(0) { $0 + $1.reduce(0, +) } }
    /// True count per label (row sums).
    public var support: [Int] { counts.map { $0.reduce(0, +) } }
    /// Predicted count per label (column sums).
    public var predictedCounts: [Int] {
        (0..<labels.count).map { j in counts.reduce(0) { $0 + $1[j] } }
    }
    /// Correct predictions per label (the diagonal).
    public var truePositives: [Int] { (0..<labels.count).map { counts[$0][$0] } }

    /// Fraction of exact matches.
    public var accuracy: Double { Double(truePositives.reduce(0, +)) / Double(sampleCount) }

    /// Mean recall over the labels that occur in the truth.
    public var balancedAccuracy: Double {
        let recalls = zip(truePositives, support).filter { $0.1 > 0 }.map { Double($0.0) / Double($0.1) }
        return recalls.reduce(0, +) / Double(recalls.count)
    }

    /// Throws `FitError.invalidLabels` naming both lengths unless the arrays are non-empty and
    /// of equal length.
    public static func validate(_ truth: [Int], _ predicted: [Int]) throws {
        guard truth.count == predicted.count, !truth.isEmpty else {
            throw FitError.invalidLabels(
                reason: "got \(truth.count) true labels and \(predicted.count) predicted labels; "
                    + "expected two non-empty label arrays of the same length")
        }
    }
}

/// Confusion matrix of `truth` against `predicted` (see `ConfusionMatrix`).
public func confusionMatrix(truth: [Int], predicted: [Int]) throws -> ConfusionMatrix {
    try ConfusionMatrix(truth: truth, predicted: predicted)
}

/// Fraction of samples whose prediction equals the truth.
public func accuracy(truth: [Int], predicted: [Int]) throws -> Double {
    try ConfusionMatrix(truth: truth, predicted: predicted).accuracy
}

/// Mean per-class recall over the classes that occur in the truth.
public func balancedAccuracy(truth: [Int], predicted: [Int]) throws -> Double {
    try ConfusionMatrix(truth: truth, predicted: predicted).balancedAccuracy
}

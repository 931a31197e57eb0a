import AlmagestCore
import Foundation

/// Logarithmic loss (cross-entropy): the mean of `−ln p(true class)` with probabilities clipped
/// to `[ε, 1 − ε]`, ε the Double machine epsilon, so a confident mistake costs about 36 nats
/// rather than infinity. For binary scores p(1) = score and p(0) = 1 − score.
/// Reference: Good, "Rational decisions" (1952); Bishop, "Pattern Recognition and Machine
/// Learning" (2006), sec. 4.3.4. Cost O(n).
///
/// ```swift
/// let loss = try logLoss(truth: [0, 1], scores: [0.2, 0.9])        // (−ln 0.8 − ln 0.9) / 2
/// let multi = try logLoss(truth: y, probabilities: p)              // p: n x K rows summing to 1
/// ```
public func logLoss(truth: [Int], scores: [Double]) throws -> Double {
    guard truth.count == scores.count, !truth.isEmpty else {
        throw FitError.invalidLabels(
            reason: "got \(truth.count) labels and \(scores.count) scores; expected two non-empty arrays of the same length")
    }
    if let bad = truth.first(where: { $0 != 0 && $0 != 1 }) {
        throw FitError.invalidLabels(reason: "binary log loss needs labels 0 or 1, got \(bad)")
    }
    if let i = scores.firstIndex(where: { !$0.isFinite }) {
        throw FitError.nonFinite(what: "log-loss scores", row: i, column: 0, value: scores[i])
    }
    let total = zip(truth, scores).reduce(0.0) { sum, pair in
        sum - log(clipped(pair.0 == 1 ? pair.1 : 1 - pair.1))
    }
    return total / Double(truth.count)
}

/// Multiclass log loss from probabilities (n x K, column j = class j, labels 0..<K).
public func logLoss(truth: [Int], probabilities: Matrix<Double>) throws -> Double {
    try validateProbabilities(truth: truth, probabilities, what: "log loss")
    var total = 0.0
    for (i, label) in truth.enumerated() { total -= log(clipped(probabilities[i, label])) }
    return total / Double(truth.count)
}

// MARK: - Private

private func clipped(_ p: Double) -> Double { Swift.min(Swift.max(p, .ulpOfOne), 1 - .ulpOfOne) }

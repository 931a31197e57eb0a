import AlmagestCore

/// Receiver operating characteristic of a binary score: the curve of (false-positive rate,
/// true-positive rate) as the decision threshold falls through the distinct scores, and the area
/// under it. Tied scores form one step, so the area equals the Mann-Whitney statistic with ties
/// counted 1/2; it is computed from integer counts, exactly up to one final division.
/// Multiclass AUC: one-vs-rest (macro or support-weighted mean over classes) and Hand & Till's
/// one-vs-one mean over class pairs.
/// References: Fawcett, "An introduction to ROC analysis" (2006); Hand & Till, "A simple
/// generalisation of the area under the ROC curve for multiple class classification problems"
/// (2001). Cost O(n log n) per binary curve; O(K n log n) one-vs-rest, O(K² n log n) one-vs-one.
///
/// ```swift
/// let roc = try ROCCurve(truth: [0, 0, 1, 1], scores: [0.1, 0.4, 0.35, 0.8])
/// roc.area                                  // 0.75
/// let auc = try rocAUC(truth: y, probabilities: p, multiclass: .oneVsOneMacro)
/// ```
public struct ROCCurve: Sendable, Equatable {
    /// False-positive rate at each threshold, from 0 to 1.
    public let falsePositiveRates: [Double]
    /// True-positive rate at each threshold, from 0 to 1.
    public let truePositiveRates: [Double]
    /// Thresholds, descending: a sample is called positive when its score >= threshold. The
    /// first is +infinity (nothing called positive).
    public let thresholds: [Double]
    /// Area under the curve.
    public let area: Double

    /// The curve of `scores` (higher = more likely class 1) against `truth` in {0, 1}.
    /// Throws unless lengths match, scores are finite, labels are 0/1 and both classes occur.
    public init(truth: [Int], scores: [Double]) throws {
        let counts = try ThresholdCounts(truth: truth, scores: scores, needsNegatives: true)
        let p = Double(counts.positives), n = Double(counts.negatives)
        falsePositiveRates = [0] + counts.falsePositives.map { Double($0) / n }
        truePositiveRates = [0] + counts.truePositives.map { Double($0) / p }
        thresholds = [.infinity] + counts.thresholds
        area = counts.area
    }
}

/// How a multiclass ROC AUC combines its binary AUCs.
public enum MulticlassAUC: String, Sendable, CaseIterable, Codable {
    /// Each class against the rest, unweighted mean.
    case oneVsRestMacro
    /// Each class against the rest, weighted by class support.
    case oneVsRestWeighted
    /// Hand & Till: mean over class pairs of the two directed pairwise AUCs' average.
    case oneVsOneMacro
}

/// Binary ROC AUC of `scores` against `truth` in {0, 1} (ties count 1/2).
public func rocAUC(truth: [Int], scores: [Double]) throws -> Double {
    try ThresholdCounts(truth: truth, scores: scores, needsNegatives: true).area
}

/// Multiclass ROC AUC from class probabilities (n x K, column j = class j, labels 0..<K, every
/// class present in `truth`).
public func rocAUC(truth: [Int], probabilities: Matrix<Double>, multiclass: MulticlassAUC) throws -> Double {
    try validateProbabilities(truth: truth, probabilities, what: "multiclass ROC AUC")
    let k = probabilities.columns
    var support = [Int](repeating: 0, count: k)
    for label in truth { support[label] += 1 }
    if let missing = support.firstIndex(of: 0) {
        throw FitError.invalidLabels(
            reason: "multiclass ROC AUC needs every one of the \(k) classes in the truth; class \(missing) never occurs")
    }
    let columns = (0..<k).map { probabilities.column($0) }
    switch multiclass {
    case .oneVsRestMacro, .oneVsRestWeighted:
        let areas = try (0..<k).map { c in try rocAUC(truth: truth.map { $0 == c ? 1 : 0 }, scores: columns[c]) }
        if multiclass == .oneVsRestMacro { return areas.reduce(0, +) / Double(k) }
        let total = Double(support.reduce(0, +))
        return zip(areas, support).reduce(0) { $0 + $1.0 * Double($1.1) } / total
    case .oneVsOneMacro:
        var sum = 0.0, pairs = 0
        for a in 0..<k {
            for b in (a + 1)..<k {
                let members = truth.indices.filter { truth[$0] == a || truth[$0] == b }
                let aFirst = try rocAUC(truth: members.map { truth[$0] == a ? 1 : 0 }, scores: members.map { columns[a][$0] })
                let bFirst = try rocAUC(truth: members.map { truth[$0] == b ? 1 : 0 }, scores: members.map { columns[b][$0] })
                sum += (aFirst + bFirst) / 2
                pairs += 1
            }
        }
        return sum / Double(pairs)
    }
}

/// Cumulative true- and false-positive counts at each distinct score, in descending score order;
/// shared by the ROC curve and average precision.
struct ThresholdCounts {
    let thresholds: [Double]
    let truePositives: [Int]
    let falsePositives: [Int]
    let positives: Int
    let negatives: Int

    init(truth: [Int], scores: [Double], needsNegatives: Bool) throws {
        guard truth.count == scores.count, !truth.isEmpty else {
            throw FitError.invalidLabels(
                reason: "got \(truth.count) labels and \(scores.count) scores; expected two non-empty arrays of the same length")
        }
        if let bad = truth.first(where: { $0 != 0 && $0 != 1 }) {
            throw FitError.invalidLabels(reason: "binary scores need labels 0 or 1, got \(bad)")
        }
        if let i = scores.firstIndex(where: { !$0.isFinite }) {
            throw FitError.nonFinite(what: "scores", row: i, column: 0, value: scores[i])
        }
        let positives = truth.reduce(0, +), negatives = truth.count - positives
        guard positives > 0, !needsNegatives || negatives > 0 else {
            throw FitError.invalidLabels(
                reason: "got \(positives) positive and \(negatives) negative samples; the score is undefined "
                    + "unless both classes occur")
        }
        let order = scores.indices.sorted { scores[$0] > scores[$1] }
        var thresholds: [Double] = [], tps: [Int] = [], fps: [Int] = []
        var tp = 0, fp = 0
        for (rank, i) in order.enumerated() {
            if truth[i] == 1 { tp += 1 } else { fp += 1 }
            let isLastOfTie = rank + 1 == order.count || scores[order[rank + 1]] != scores[i]
            if isLastOfTie {
                thresholds.append(scores[i])
                tps.append(tp)
                fps.append(fp)
            }
        }
        self.thresholds = thresholds
        self.truePositives = tps
        self.falsePositives = fps
        self.positives = positives
        self.negatives = negatives
    }

    /// Trapezoidal area, from integer counts: sum of (Δfp)(tp + tp_prev) / (2 P N).
    var area: Double {
        var doubled = 0, previousTP = 0, previousFP = 0
        for (tp, fp) in zip(truePositives, falsePositives) {
            doubled += (fp - previousFP) * (tp + previousTP)
            previousTP = tp
            previousFP = fp
        }
        return Double(doubled) / (2 * Double(positives) * Double(negatives))
    }
}

/// Checks class probabilities: rows = samples, at least 2 columns, finite, labels in 0..<columns.
func validateProbabilities(truth: [Int], _ probabilities: Matrix<Double>, what: String) throws {
    guard truth.count == probabilities.rows, !truth.isEmpty else {
        throw FitError.invalidLabels(
            reason: "\(what) got \(truth.count) labels for \(probabilities.rows) probability rows; expected one row per label")
    }
    try require(probabilities.columns >= 2, "probability columns", probabilities.columns, expected: "at least 2 classes")
    try probabilities.validateForFit("\(what) probabilities")
    if let bad = truth.first(where: { $0 < 0 || $0 >= probabilities.columns }) {
        throw FitError.invalidLabels(
            reason: "\(what) got label \(bad); expected labels 0..<\(probabilities.columns), one per probability column")
    }
}

import AlmagestCore

/// Average precision of a binary score: `sum_n (R_n − R_{n−1}) P_n` over the distinct score
/// thresholds in descending order, with precision P_n and recall R_n at threshold n and R_0 = 0.
/// No interpolation: this is the step-wise area under the precision-recall curve.
/// Reference: Zhu, "Recall, precision and average precision" (2004); Manning, Raghavan &
/// Schütze, "Introduction to Information Retrieval" (2008), ch. 8. Cost O(n log n).
///
/// ```swift
/// let ap = try averagePrecision(truth: [0, 0, 1, 1], scores: [0.1, 0.4, 0.35, 0.8])   // 0.8333...
/// ```
public func averagePrecision(truth: [Int], scores: [Double]) throws -> Double {
    let counts = try ThresholdCounts(truth: truth, scores: scores, needsNegatives: false)
    var sum = 0.0, previousTP = 0
    for (tp, fp) in zip(counts.truePositives, counts.falsePositives) {
        let recallStep = Double(tp - previousTP) / Double(counts.positives)
        sum += recallStep * (Double(tp) / Double(tp + fp))
        previousTP = tp
    }
    return sum
}

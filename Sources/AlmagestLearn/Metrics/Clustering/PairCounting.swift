import AlmagestCore
import Foundation

/// Pair-counting comparison of two labelings: every unordered pair of distinct points is
/// "positive" when both points share a predicted cluster and "true" when they share a true class.
/// From the four counts follow the Rand index, its chance-adjusted form (ARI), the
/// Fowlkes-Mallows index and the pair Jaccard index.
/// References: Rand (1971); Hubert & Arabie, "Comparing partitions" (1985) for ARI;
/// Fowlkes & Mallows (1983). Cost O(cells) once the contingency table exists.
///
/// ```swift
/// let ari = try adjustedRandIndex([0, 0, 1, 1], [1, 1, 0, 0])     // 1.0
/// let counts = try Contingency(labelsTrue: a, labelsPredicted: b).pairCounts
/// ```
public struct PairCounts: Sendable, Equatable {
    /// Pairs apart in both labelings.
    public let trueNegatives: Int
    /// Pairs together in the prediction but apart in the truth.
    public let falsePositives: Int
    /// Pairs together in the truth but apart in the prediction.
    public let falseNegatives: Int
    /// Pairs together in both labelings.
    public let truePositives: Int

    /// Number of unordered pairs, n (n - 1) / 2.
    public var total: Int { trueNegatives + falsePositives + falseNegatives + truePositives }

    /// scikit-learn's `pair_confusion_matrix`: `[[TN, FP], [FN, TP]]` over ORDERED pairs, so
    /// every entry is twice the unordered count.
    public var orderedConfusionMatrix: [[Int]] {
        [[2 * trueNegatives, 2 * falsePositives], [2 * falseNegatives, 2 * truePositives]]
    }
}

extension Contingency {
    /// The four pair counts, from sums of squared cell, class and cluster sizes.
    public var pairCounts: PairCounts {
        let n = sampleCount
        let cellSquares = cells.reduce(0) { $0 + $1.count * $1.count }
        let clusterSquares = clusterSizes.reduce(0) { $0 + $1 * $1 }
        let classSquares = classSizes.reduce(0) { $0 + $1 * $1 }
        let tp = (cellSquares - n) / 2
        let fp = (clusterSquares - cellSquares) / 2
        let fn = (classSquares - cellSquares) / 2
        let tn = n * (n - 1) / 2 - tp - fp - fn
        return PairCounts(trueNegatives: tn, falsePositives: fp, falseNegatives: fn, truePositives: tp)
    }

    /// Adjusted Rand index: `2 (TP TN - FN FP) / ((TP + FN)(FN + TN) + (TP + FP)(FP + TN))`;
    /// 1 when FP = FN = 0 (identical partitions, including both degenerate ones).
    public var adjustedRandIndex: Double {
        let p = pairCounts
        if p.falsePositives == 0 && p.falseNegatives == 0 { return 1 }
        let (tp, tn, fp, fn) = (p.truePositives, p.trueNegatives, p.falsePositives, p.falseNegatives)
        let numerator = Double(tp * tn - fn * fp)
        let denominator = Double((tp + fn) * (fn + tn) + (tp + fp) * (fp + tn))
        return 2.0 * numerator / denominator
    }

    /// Rand index: fraction of pairs on which both labelings agree; 1 when there are no pairs.
    public var randIndex: Double {
        let p = pairCounts
        let agree = p.truePositives + p.trueNegatives
        if agree == p.total || p.total == 0 { return 1 }
        return Double(agree) / Double(p.total)
    }

    /// Fowlkes-Mallows index `TP / sqrt((TP + FP)(TP + FN))`; 0 whenever TP = 0 (as scikit-learn,
    /// even for two identical all-singleton labelings).
    public var fowlkesMallows: Double {
        let p = pairCounts
        guard p.truePositives != 0 else { return 0 }
        let tp = Double(p.truePositives)
        let predictedTogether = Double(p.truePositives + p.falsePositives)
        let trulyTogether = Double(p.truePositives + p.falseNegatives)
        return (tp / predictedTogether).squareRoot() * (tp / trulyTogether).squareRoot()
    }

    /// Pair Jaccard index `TP / (TP + FP + FN)`; nil when undefined (both labelings all singletons).
    public var pairJaccardIndex: Double? {
        let p = pairCounts
        let denominator = p.truePositives + p.falsePositives + p.falseNegatives
        guard denominator > 0 else { return nil }
        return Double(p.truePositives) / Double(denominator)
    }
}

/// Adjusted Rand index of two labelings (see `Contingency.adjustedRandIndex`).
public func adjustedRandIndex(_ labelsTrue: [Int], _ labelsPredicted: [Int]) throws -> Double {
    try Contingency(labelsTrue: labelsTrue, labelsPredicted: labelsPredicted).adjustedRandIndex
}

/// Rand index of two labelings (see `Contingency.randIndex`).
public func randIndex(_ labelsTrue: [Int], _ labelsPredicted: [Int]) throws -> Double {
    try Contingency(labelsTrue: labelsTrue, labelsPredicted: labelsPredicted).randIndex
}

/// Fowlkes-Mallows index of two labelings (see `Contingency.fowlkesMallows`).
public func fowlkesMallows(_ labelsTrue: [Int], _ labelsPredicted: [Int]) throws -> Double {
    try Contingency(labelsTrue: labelsTrue, labelsPredicted: labelsPredicted).fowlkesMallows
}

/// Pair Jaccard index of two labelings, nil when undefined (see `Contingency.pairJaccardIndex`).
public func pairJaccardIndex(_ labelsTrue: [Int], _ labelsPredicted: [Int]) throws -> Double? {
    try Contingency(labelsTrue: labelsTrue, labelsPredicted: labelsPredicted).pairJaccardIndex
}

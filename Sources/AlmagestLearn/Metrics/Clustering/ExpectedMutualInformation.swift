import AlmagestCore
import Foundation

/// Expected mutual information E[MI] of two labelings under the permutation (hypergeometric)
/// model with the class and cluster sizes fixed, and the adjusted mutual information
/// `AMI = (MI - E[MI]) / (average(H(C), H(K)) - E[MI])` that it corrects.
/// Reference: Vinh, Epps & Bailey, "Information theoretic measures for clusterings comparison"
/// (JMLR 2010). Each hypergeometric weight is evaluated in log space with log-gamma, so nothing
/// overflows. Classes (clusters) of equal size share their terms, so the cost is
/// O(sum over pairs of DISTINCT sizes (s, t) of min(s, t)) — O(1) for all-singleton labelings —
/// plus O(k log k) to group the sizes; O(max size) memory.
///
/// ```swift
/// let table = try Contingency(labelsTrue: truth, labelsPredicted: clusters)
/// let emi = table.expectedMutualInformation
/// let ami = try adjustedMutualInformation(truth, clusters, average: .max)
/// ```
extension Contingency {
    /// E[MI] in nats; 0 when either labeling has a single cluster.
    public var expectedMutualInformation: Double {
        guard classSizes.count > 1, clusterSizes.count > 1 else { return 0 }
        // E[MI] depends only on the multiset of sizes: pairs of equal sizes share one inner sum.
        let (a, aCount) = Self.distinctWithMultiplicity(classSizes)
        let (b, bCount) = Self.distinctWithMultiplicity(clusterSizes)
        let n = sampleCount
        let nD = Double(n)
        let largest = Swift.max(a.last!, b.last!)
        // Tables indexed by the cell count nij = 0...largest (index 0 is never used as nij >= 1).
        var termFraction = [Double](repeating: 0, count: largest + 1)
        var logNnij = [Double](repeating: 0, count: largest + 1)
        var lgammaNnij = [Double](repeating: 0, count: largest + 1)
        let lgammaN1 = logGamma(nD + 1)
        for nij in 0...largest {
            let v = Double(Swift.max(nij, 1))
            termFraction[nij] = v / nD
            logNnij[nij] = log(nD) + log(v)
            lgammaNnij[nij] = logGamma(v + 1) + lgammaN1
        }
        let logA = a.map { log(Double($0)) }, logB = b.map { log(Double($0)) }
        let lgA = a.map { logGamma(Double($0) + 1) }, lgB = b.map { logGamma(Double($0) + 1) }
        let lgNA = a.map { logGamma(nD - Double($0) + 1) }, lgNB = b.map { logGamma(nD - Double($0) + 1) }
        var emi = 0.0
        for i in 0..<a.count {
            for j in 0..<b.count {
                let start = Swift.max(a[i] - n + b[j], 1)
                let end = Swift.min(a[i], b[j])
                guard start <= end else { continue }
                let fixed = lgA[i] + lgB[j] + lgNA[i] + lgNB[j]
                var pairSum = 0.0
                for nij in start...end {
                    let term2 = logNnij[nij] - logA[i] - logB[j]
                    let logWeight = fixed - lgammaNnij[nij] - logGamma(Double(a[i] - nij + 1))
                        - logGamma(Double(b[j] - nij + 1)) - logGamma(Double(n - a[i] - b[j] + nij + 1))
                    pairSum += termFraction[nij] * term2 * exp(logWeight)
                }
                emi += Double(aCount[i] * bCount[j]) * pairSum
            }
        }
        return emi
    }

    /// Adjusted mutual information. 1 when both labelings have one cluster, 0 when exactly one
    /// of them has; otherwise numerator and denominator are each kept at least machine epsilon
    /// away from 0 (keeping their signs), so a perfect match of all-singleton labelings gives 1.
    public func adjustedMutualInformation(average: AverageMethod = .arithmetic) -> Double {
        return adjustedMutualInformation(
            average: average, mutualInformation: mutualInformation, expected: expectedMutualInformation,
            entropyTrue: entropyTrue, entropyPredicted: entropyPredicted)
    }

    /// AMI from already computed parts (used by `ClusteringComparison` to avoid recomputing E[MI]).
    func adjustedMutualInformation(
        average: AverageMethod, mutualInformation mi: Double, expected emi: Double,
        entropyTrue: Double, entropyPredicted: Double
    ) -> Double {
        if classCount == 1 && clusterCount == 1 { return 1 }
        if classCount == 1 || clusterCount == 1 { return 0 }
        let numerator = Self.awayFromZero(mi - emi)
        let denominator = Self.awayFromZero(average.average(entropyTrue, entropyPredicted) - emi)
        return numerator / denominator
    }

    // MARK: - Private

    /// Sorted distinct values and how often each occurs.
    private static func distinctWithMultiplicity(_ values: [Int]) -> (values: [Int], counts: [Int]) {
        var counts: [Int: Int] = [:]
        for v in values { counts[v, default: 0] += 1 }
        let distinct = counts.keys.sorted()
        return (distinct, distinct.map { counts[$0]! })
    }

    private static func awayFromZero(_ x: Double) -> Double {
        x < 0 ? Swift.min(x, -Double.ulpOfOne) : Swift.max(x, Double.ulpOfOne)
    }
}

/// Expected mutual information of two labelings under the permutation model, in nats.
public func expectedMutualInformation(_ labelsTrue: [Int], _ labelsPredicted: [Int]) throws -> Double {
    try Contingency(labelsTrue: labelsTrue, labelsPredicted: labelsPredicted).expectedMutualInformation
}

/// Adjusted mutual information of two labelings (see `Contingency.adjustedMutualInformation`).
public func adjustedMutualInformation(
    _ labelsTrue: [Int], _ labelsPredicted: [Int], average: AverageMethod = .arithmetic
) throws -> Double {
    try Contingency(labelsTrue: labelsTrue, labelsPredicted: labelsPredicted).adjustedMutualInformation(average: average)
}

/// ln Γ(x) for x > 0 (picks libm's `lgamma` over Foundation's tuple-returning overload).
@inline(__always)
private func logGamma(_ x: Double) -> Double {
    let value: Double = lgamma(x)
    return value
}

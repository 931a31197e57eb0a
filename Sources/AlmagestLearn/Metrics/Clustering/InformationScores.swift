import AlmagestCore
import Foundation

/// Information-theoretic comparison of two labelings, in nats: entropies H(C), H(K), mutual
/// information MI, its normalised form (NMI), homogeneity, completeness, V-measure, the two
/// conditional entropies, and purity / inverse purity.
/// References: Strehl & Ghosh (2002) for NMI; Rosenberg & Hirschberg, "V-Measure" (2007);
/// Vinh, Epps & Bailey (2010) for the averaging choices. Cost O(cells) given the contingency table.
///
/// ```swift
/// let table = try Contingency(labelsTrue: truth, labelsPredicted: clusters)
/// let nmi = table.normalizedMutualInformation(average: .geometric)
/// let v = try vMeasure(truth, clusters)
/// ```

/// How two entropies are averaged into the normaliser of NMI and AMI.
public enum AverageMethod: String, Sendable, CaseIterable, Codable {
    /// min(H(C), H(K)).
    case min
    /// sqrt(H(C) H(K)).
    case geometric
    /// (H(C) + H(K)) / 2, the default.
    case arithmetic
    /// max(H(C), H(K)).
    case max

    /// The average of two entropies.
    public func average(_ u: Double, _ v: Double) -> Double {
        switch self {
        case .min: return Swift.min(u, v)
        case .geometric: return (u * v).squareRoot()
        case .arithmetic: return (u + v) / 2
        case .max: return Swift.max(u, v)
        }
    }
}

extension Contingency {
    /// Entropy H(C) of the true labeling.
    public var entropyTrue: Double { Self.entropy(ofSizes: classSizes) }
    /// Entropy H(K) of the predicted labeling.
    public var entropyPredicted: Double { Self.entropy(ofSizes: clusterSizes) }

    /// Mutual information `sum (n_ck/n) ln(n n_ck / (n_c n_k))`; 0 when either side has one cluster.
    public var mutualInformation: Double {
        guard classCount > 1, clusterCount > 1 else { return 0 }
        let n = Double(sampleCount)
        let logN = log(n)
        var total = 0.0
        for cell in cells {
            let count = Double(cell.count)
            let fraction = count / n
            let outer = Double(classSizes[cell.row] * clusterSizes[cell.column])
            let term = fraction * (log(count) - logN) + fraction * (-log(outer) + logN + logN)
            total += abs(term) < Double.ulpOfOne ? 0 : term
        }
        return Swift.max(total, 0)
    }

    /// NMI `MI / average(H(C), H(K))`; 1 when both labelings have one cluster, 0 when MI = 0.
    public func normalizedMutualInformation(average: AverageMethod = .arithmetic) -> Double {
        if classCount == 1 && clusterCount == 1 { return 1 }
        let mi = mutualInformation
        if mi == 0 { return 0 }
        return mi / average.average(entropyTrue, entropyPredicted)
    }

    /// Homogeneity `MI / H(C)` (each cluster holds one class); 1 when H(C) = 0.
    public var homogeneity: Double {
        let h = entropyTrue
        return h == 0 ? 1 : mutualInformation / h
    }

    /// Completeness `MI / H(K)` (each class sits in one cluster); 1 when H(K) = 0.
    public var completeness: Double {
        let h = entropyPredicted
        return h == 0 ? 1 : mutualInformation / h
    }

    /// V-measure `(1 + beta) h c / (beta h + c)`; 0 when h + c = 0. beta = 1 is the harmonic mean.
    public func vMeasure(beta: Double = 1) -> Double {
        let h = homogeneity, c = completeness
        guard h + c != 0 else { return 0 }
        return (1 + beta) * h * c / (beta * h + c)
    }

    /// H(C|K) = `- sum (n_ck/n) ln(n_ck/n_k)`.
    public var conditionalEntropyTrueGivenPredicted: Double {
        conditionalEntropy(given: clusterSizes) { $0.column }
    }

    /// H(K|C) = `- sum (n_ck/n) ln(n_ck/n_c)`.
    public var conditionalEntropyPredictedGivenTrue: Double {
        conditionalEntropy(given: classSizes) { $0.row }
    }

    /// Purity `(1/n) sum_k max_c n_ck`: the accuracy of labeling each cluster by its majority class.
    public var purity: Double {
        var best = [Int](repeating: 0, count: clusterCount)
        for cell in cells { best[cell.column] = Swift.max(best[cell.column], cell.count) }
        return Double(best.reduce(0, +)) / Double(sampleCount)
    }

    /// Inverse purity `(1/n) sum_c max_k n_ck`.
    public var inversePurity: Double {
        var best = [Int](repeating: 0, count: classCount)
        for cell in cells { best[cell.row] = Swift.max(best[cell.row], cell.count) }
        return Double(best.reduce(0, +)) / Double(sampleCount)
    }

    /// Entropy `- sum (s/n) ln(s/n)` of a list of positive group sizes; 0 for a single group.
    public static func entropy(ofSizes sizes: [Int]) -> Double {
        guard sizes.count > 1 else { return 0 }
        let total = Double(sizes.reduce(0, +))
        let logTotal = log(total)
        var sum = 0.0
        for size in sizes where size > 0 {
            let s = Double(size)
            sum += (s / total) * (log(s) - logTotal)
        }
        return -sum
    }

    // MARK: - Private

    private func conditionalEntropy(given sizes: [Int], _ group: (Cell) -> Int) -> Double {
        let n = Double(sampleCount)
        var sum = 0.0
        for cell in cells {
            let count = Double(cell.count)
            sum += (count / n) * (log(count) - log(Double(sizes[group(cell)])))
        }
        return sum == 0 ? 0 : -sum
    }
}

/// Entropy in nats of one labeling (arbitrary integer labels); throws on an empty labeling.
public func labelEntropy(_ labels: [Int]) throws -> Double {
    try Contingency(labelsTrue: labels, labelsPredicted: labels).entropyTrue
}

/// Mutual information of two labelings, in nats.
public func mutualInformation(_ labelsTrue: [Int], _ labelsPredicted: [Int]) throws -> Double {
    try Contingency(labelsTrue: labelsTrue, labelsPredicted: labelsPredicted).mutualInformation
}

/// Normalised mutual information of two labelings.
public func normalizedMutualInformation(
    _ labelsTrue: [Int], _ labelsPredicted: [Int], average: AverageMethod = .arithmetic
) throws -> Double {
    try Contingency(labelsTrue: labelsTrue, labelsPredicted: labelsPredicted).normalizedMutualInformation(average: average)
}

/// Homogeneity of a clustering with respect to true classes.
public func homogeneity(_ labelsTrue: [Int], _ labelsPredicted: [Int]) throws -> Double {
    try Contingency(labelsTrue: labelsTrue, labelsPredicted: labelsPredicted).homogeneity
}

/// Completeness of a clustering with respect to true classes.
public func completeness(_ labelsTrue: [Int], _ labelsPredicted: [Int]) throws -> Double {
    try Contingency(labelsTrue: labelsTrue, labelsPredicted: labelsPredicted).completeness
}

/// V-measure (beta = 1: harmonic mean of homogeneity and completeness).
public func vMeasure(_ labelsTrue: [Int], _ labelsPredicted: [Int], beta: Double = 1) throws -> Double {
    try Contingency(labelsTrue: labelsTrue, labelsPredicted: labelsPredicted).vMeasure(beta: beta)
}

/// Purity of a clustering with respect to true classes.
public func purity(_ labelsTrue: [Int], _ labelsPredicted: [Int]) throws -> Double {
    try Contingency(labelsTrue: labelsTrue, labelsPredicted: labelsPredicted).purity
}

/// Inverse purity of a clustering with respect to true classes.
public func inversePurity(_ labelsTrue: [Int], _ labelsPredicted: [Int]) throws -> Double {
    try Contingency(labelsTrue: labelsTrue, labelsPredicted: labelsPredicted).inversePurity
}

/// Conditional entropy H(labels | given), in nats.
public func conditionalEntropy(_ labels: [Int], given: [Int]) throws -> Double {
    try Contingency(labelsTrue: labels, labelsPredicted: given).conditionalEntropyTrueGivenPredicted
}

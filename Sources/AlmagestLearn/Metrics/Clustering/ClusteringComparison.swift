import AlmagestCore

/// Every external score of a clustering against true classes, computed from one contingency
/// table: pair counting (ARI, Rand, Fowlkes-Mallows, Jaccard), information (MI, AMI, NMI,
/// homogeneity, completeness, V-measure, entropies), and purity. E[MI], the costly part of AMI,
/// is computed once and shared by the four AMI averages.
/// References: Hubert & Arabie (1985); Vinh, Epps & Bailey (2010); Rosenberg & Hirschberg (2007).
/// Cost O(n log n) for the table plus O(sum_{c,k} min(n_c, n_k)) for E[MI].
///
/// ```swift
/// let scores = try ClusteringComparison(labelsTrue: digits.labels, labelsPredicted: model.labels)
/// print(scores.adjustedRandIndex, scores.adjustedMutualInformation)
/// run.log(metrics: scores.dictionary)          // "adjusted_rand_index": 0.66, ...
/// ```
public struct ClusteringComparison: Sendable, Equatable {
    /// The shared table.
    public let contingency: Contingency
    /// TN, FP, FN, TP over unordered pairs.
    public let pairCounts: PairCounts
    public let adjustedRandIndex: Double
    public let randIndex: Double
    public let fowlkesMallows: Double
    /// nil when undefined (both labelings all singletons).
    public let pairJaccardIndex: Double?
    public let entropyTrue: Double
    public let entropyPredicted: Double
    public let mutualInformation: Double
    public let expectedMutualInformation: Double
    /// AMI with the arithmetic average (scikit-learn's default).
    public let adjustedMutualInformation: Double
    /// NMI with the arithmetic average.
    public let normalizedMutualInformation: Double
    public let homogeneity: Double
    public let completeness: Double
    /// V-measure with beta = 1.
    public let vMeasure: Double
    public let conditionalEntropyTrueGivenPredicted: Double
    public let conditionalEntropyPredictedGivenTrue: Double
    public let purity: Double
    public let inversePurity: Double

    /// Computes all scores; throws `FitError.invalidLabels` for empty or unequal-length labelings.
    public init(labelsTrue: [Int], labelsPredicted: [Int]) throws {
        self.init(contingency: try Contingency(labelsTrue: labelsTrue, labelsPredicted: labelsPredicted))
    }

    /// Computes all scores from an existing table.
    public init(contingency table: Contingency) {
        contingency = table
        pairCounts = table.pairCounts
        adjustedRandIndex = table.adjustedRandIndex
        randIndex = table.randIndex
        fowlkesMallows = table.fowlkesMallows
        pairJaccardIndex = table.pairJaccardIndex
        entropyTrue = table.entropyTrue
        entropyPredicted = table.entropyPredicted
        mutualInformation = table.mutualInformation
        expectedMutualInformation = table.expectedMutualInformation
        homogeneity = table.homogeneity
        completeness = table.completeness
        vMeasure = table.vMeasure()
        conditionalEntropyTrueGivenPredicted = table.conditionalEntropyTrueGivenPredicted
        conditionalEntropyPredictedGivenTrue = table.conditionalEntropyPredictedGivenTrue
        purity = table.purity
        inversePurity = table.inversePurity
        normalizedMutualInformation = table.normalizedMutualInformation(average: .arithmetic)
        adjustedMutualInformation = table.adjustedMutualInformation(
            average: .arithmetic, mutualInformation: mutualInformation, expected: expectedMutualInformation,
            entropyTrue: entropyTrue, entropyPredicted: entropyPredicted)
    }

    /// AMI with a chosen average of the two entropies (reuses the stored E[MI]).
    public func adjustedMutualInformation(average: AverageMethod) -> Double {
        contingency.adjustedMutualInformation(
            average: average, mutualInformation: mutualInformation, expected: expectedMutualInformation,
            entropyTrue: entropyTrue, entropyPredicted: entropyPredicted)
    }

    /// NMI with a chosen average of the two entropies.
    public func normalizedMutualInformation(average: AverageMethod) -> Double {
        contingency.normalizedMutualInformation(average: average)
    }

    /// Name -> value for logging (snake_case names; the undefined Jaccard index is left out).
    public var dictionary: [String: Double] {
        var values: [String: Double] = [
            "adjusted_rand_index": adjustedRandIndex,
            "rand_index": randIndex,
            "fowlkes_mallows": fowlkesMallows,
            "entropy_true": entropyTrue,
            "entropy_predicted": entropyPredicted,
            "mutual_information": mutualInformation,
            "expected_mutual_information": expectedMutualInformation,
            "adjusted_mutual_information": adjustedMutualInformation,
            "normalized_mutual_information": normalizedMutualInformation,
            "homogeneity": homogeneity,
            "completeness": completeness,
            "v_measure": vMeasure,
            "conditional_entropy_true_given_predicted": conditionalEntropyTrueGivenPredicted,
            "conditional_entropy_predicted_given_true": conditionalEntropyPredictedGivenTrue,
            "purity": purity,
            "inverse_purity": inversePurity,
        ]
        if let jaccard = pairJaccardIndex { values["pair_jaccard_index"] = jaccard }
        return values
    }
}

import AlmagestCore

/// Chance-corrected agreement between truth and prediction: Matthews correlation coefficient in
/// its multiclass form and Cohen's kappa, plain or with linear / quadratic disagreement weights.
/// References: Matthews (1975) and Gorodkin, "Comparing two K-category assignments by a
/// K-category correlation coefficient" (2004); Cohen (1960, 1968) for (weighted) kappa.
/// Cost O(K²) given the confusion matrix.
///
/// ```swift
/// let cm = try ConfusionMatrix(truth: truth, predicted: predicted)
/// cm.matthewsCorrelation
/// cm.cohenKappa(weighting: .quadratic)
/// ```

/// Disagreement weights of Cohen's kappa, on the positions of the labels.
public enum KappaWeighting: String, Sendable, CaseIterable, Codable {
    /// Every disagreement weighs 1.
    case unweighted
    /// |i - j|.
    case linear
    /// (i - j)².
    case quadratic
}

extension ConfusionMatrix {
    /// `(c s - sum_k p_k t_k) / sqrt((s² - sum p_k²)(s² - sum t_k²))`; 0 when a factor is 0.
    public var matthewsCorrelation: Double {
        let t = support.map(Double.init), p = predictedCounts.map(Double.init)
        let correct = Double(truePositives.reduce(0, +))
        let s = p.reduce(0, +)
        let covTruePredicted = correct * s - zip(t, p).reduce(0) { $0 + $1.0 * $1.1 }
        let covPredicted = s * s - p.reduce(0) { $0 + $1 * $1 }
        let covTrue = s * s - t.reduce(0) { $0 + $1 * $1 }
        guard covPredicted * covTrue != 0 else { return 0 }
        return covTruePredicted / (covTrue * covPredicted).squareRoot()
    }

    /// Cohen's kappa `1 - sum w_ij O_ij / sum w_ij E_ij`, E the counts expected by chance from the
    /// marginals; with `.unweighted` this is `(p_o - p_e) / (1 - p_e)`.
    public func cohenKappa(weighting: KappaWeighting = .unweighted) -> Double {
        let k = labels.count
        let t = support.map(Double.init), p = predictedCounts.map(Double.init)
        let total = p.reduce(0, +)
        var observed = 0.0, expected = 0.0
        for i in 0..<k {
            for j in 0..<k {
                let w: Double
                switch weighting {
                case .unweighted: w = i == j ? 0 : 1
                case .linear: w = Double(abs(i - j))
                case .quadratic: w = Double((i - j) * (i - j))
                }
                observed += w * Double(counts[i][j])
                expected += w * (t[i] * p[j] / total)
            }
        }
        return 1 - observed / expected
    }
}

/// Matthews correlation coefficient (multiclass form) of `predicted` against `truth`.
public func matthewsCorrelation(truth: [Int], predicted: [Int]) throws -> Double {
    try ConfusionMatrix(truth: truth, predicted: predicted).matthewsCorrelation
}

/// Cohen's kappa of `predicted` against `truth`.
public func cohenKappa(truth: [Int], predicted: [Int], weighting: KappaWeighting = .unweighted) throws -> Double {
    try ConfusionMatrix(truth: truth, predicted: predicted).cohenKappa(weighting: weighting)
}

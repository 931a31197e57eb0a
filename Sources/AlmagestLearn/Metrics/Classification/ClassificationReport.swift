import AlmagestCore

/// Every classification metric of one set of predictions, computed once: the confusion matrix,
/// accuracy, per-class and averaged precision / recall / F1, balanced accuracy, Matthews
/// correlation, Cohen's kappa (plain, linear, quadratic), and, when scores are given, ROC AUC,
/// the ROC curve, average precision and log loss.
/// References: see `ConfusionMatrix`, `PrecisionRecall`, `Agreement`, `ROCCurve`.
/// Cost O(n log n + K²) for binary scores, O(K² n log n) for multiclass probabilities (one-vs-one).
///
/// ```swift
/// let report = try ClassificationReport(truth: y, predicted: model.predict(x), probabilities: p)
/// print(report.macro.f1, report.rocAUC ?? .nan)
/// run.log(metrics: report.dictionary)
/// ```
public struct ClassificationReport: Sendable, Equatable {
    public let confusion: ConfusionMatrix
    public let accuracy: Double
    public let perClass: PerClassScores
    /// Scores of class 1; nil unless every label is 0 or 1.
    public let binary: AveragedScores?
    public let macro: AveragedScores
    public let weighted: AveragedScores
    public let micro: AveragedScores
    public let balancedAccuracy: Double
    public let matthewsCorrelation: Double
    public let cohenKappa: Double
    public let cohenKappaLinear: Double
    public let cohenKappaQuadratic: Double
    /// Binary: AUC of the scores; multiclass: one-vs-rest macro AUC. nil without scores.
    public let rocAUC: Double?
    /// Multiclass one-vs-rest AUC weighted by support (nil for binary scores).
    public let rocAUCOneVsRestWeighted: Double?
    /// Multiclass Hand & Till one-vs-one AUC (nil for binary scores).
    public let rocAUCOneVsOne: Double?
    /// Binary only: the ROC curve, for plots.
    public let rocCurve: ROCCurve?
    /// Binary only.
    public let averagePrecision: Double?
    public let logLoss: Double?

    /// Binary or multiclass report from labels, with optional binary `scores` (p(class 1)) or
    /// multiclass `probabilities` (n x K, column j = class j). Throws `FitError` on bad input.
    public init(
        truth: [Int], predicted: [Int], scores: [Double]? = nil, probabilities: Matrix<Double>? = nil
    ) throws {
        try require(
            scores == nil || probabilities == nil, "scores and probabilities", "both given",
            expected: "binary scores or multiclass probabilities, not both")
        let matrix = try ConfusionMatrix(truth: truth, predicted: predicted)
        confusion = matrix
        accuracy = matrix.accuracy
        perClass = matrix.perClass
        binary = matrix.averaged(.binary)
        macro = matrix.averaged(.macro)!
        weighted = matrix.averaged(.weighted)!
        micro = matrix.averaged(.micro)!
        balancedAccuracy = matrix.balancedAccuracy
        matthewsCorrelation = matrix.matthewsCorrelation
        cohenKappa = matrix.cohenKappa()
        cohenKappaLinear = matrix.cohenKappa(weighting: .linear)
        cohenKappaQuadratic = matrix.cohenKappa(weighting: .quadratic)
        if let scores {
            let curve = try ROCCurve(truth: truth, scores: scores)
            rocCurve = curve
            rocAUC = curve.area
            averagePrecision = try AlmagestLearn.averagePrecision(truth: truth, scores: scores)
            logLoss = try AlmagestLearn.logLoss(truth: truth, scores: scores)
            rocAUCOneVsRestWeighted = nil
            rocAUCOneVsOne = nil
        } else if let probabilities {
            rocAUC = try AlmagestLearn.rocAUC(truth: truth, probabilities: probabilities, multiclass: .oneVsRestMacro)
            rocAUCOneVsRestWeighted = try AlmagestLearn.rocAUC(
                truth: truth, probabilities: probabilities, multiclass: .oneVsRestWeighted)
            rocAUCOneVsOne = try AlmagestLearn.rocAUC(truth: truth, probabilities: probabilities, multiclass: .oneVsOneMacro)
            logLoss = try AlmagestLearn.logLoss(truth: truth, probabilities: probabilities)
            rocCurve = nil
            averagePrecision = nil
        } else {
            (rocAUC, rocAUCOneVsRestWeighted, rocAUCOneVsOne, rocCurve, averagePrecision, logLoss) =
                (nil, nil, nil, nil, nil, nil)
        }
    }

    /// Name -> value for logging (snake_case; values that do not apply are left out).
    public var dictionary: [String: Double] {
        var values: [String: Double] = [
            "accuracy": accuracy,
            "balanced_accuracy": balancedAccuracy,
            "matthews_corrcoef": matthewsCorrelation,
            "cohen_kappa": cohenKappa,
            "cohen_kappa_linear": cohenKappaLinear,
            "cohen_kappa_quadratic": cohenKappaQuadratic,
        ]
        for (name, scores) in [("macro", macro), ("weighted", weighted), ("micro", micro)] + (binary.map { [("binary", $0)] } ?? []) {
            values["precision_\(name)"] = scores.precision
            values["recall_\(name)"] = scores.recall
            values["f1_\(name)"] = scores.f1
        }
        let optional: [(String, Double?)] = [
            ("roc_auc", rocAUC), ("roc_auc_ovr_weighted", rocAUCOneVsRestWeighted), ("roc_auc_ovo", rocAUCOneVsOne),
            ("average_precision", averagePrecision), ("log_loss", logLoss),
        ]
        for case let (name, value?) in optional { values[name] = value }
        return values
    }
}

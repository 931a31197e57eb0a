import AlmagestCore

/// The scores of a fitted classifier on one cross-validation fold's test rows, by name:
/// `accuracy`, `f1_macro`, and `roc_auc` (binary: of class 1's probability; multiclass: one-vs-rest
/// macro average) when the fold holds every class. What searches and curves tabulate.
public enum FoldScores {
    /// The names, in table order.
    public static let names = ["accuracy", "f1_macro", "roc_auc"]

    /// Scores of `model` on `x` with `truth`.
    public static func of<M: FittedClassifier>(_ model: M, _ x: M.Input, truth: [Int]) throws -> [String: Double] {
        let predicted = try model.predict(x)
        let probabilities = try model.predictProbabilities(x)
        let accuracy = Double(zip(predicted, truth).filter { $0 == $1 }.count) / Double(max(truth.count, 1))
        var scores = ["accuracy": accuracy]
        let classes = model.classes
        let column = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        guard truth.allSatisfy({ column[$0] != nil }) else { return scores }
        let truthIndex = truth.map { column[$0]! }, predictedIndex = predicted.map { column[$0]! }
        // A fold without some class has no multiclass ROC AUC: it then reports what it has.
        guard let report = try? (classes.count == 2
            ? ClassificationReport(truth: truthIndex, predicted: predictedIndex,
                                   scores: (0..<probabilities.rows).map { probabilities[$0, 1] })
            : ClassificationReport(truth: truthIndex, predicted: predictedIndex, probabilities: probabilities))
        else { return scores }
        scores["f1_macro"] = report.macro.f1
        if let auc = report.rocAUC, auc.isFinite { scores["roc_auc"] = auc }
        return scores
    }
}

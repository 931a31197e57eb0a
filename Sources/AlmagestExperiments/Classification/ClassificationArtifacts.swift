import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestTracking
import Foundation

/// The files of a classification run, written into its directory: metrics, the fitted pipeline,
/// split, predictions, and the typed artifacts — confusion matrix (`ConfusionArtifact`: JSON, CSV,
/// SVG), ROC curve of a binary target (`ROCArtifact`), per-epoch curves of iteratively trained
/// models (`TrainingCurveArtifact`) — and the weights of models that have tensors (safetensors).
/// Cost: O(test rows x classes) plus the charts.
///
/// ```swift
/// try ClassificationArtifacts(result: result, dataset: dataset, trueIndices: y).write(to: run)
/// ```
struct ClassificationArtifacts {
    let result: ClassificationResult
    let dataset: Dataset
    /// Class index (0..<K) of every row of `dataset`.
    let trueIndices: [Int]

    func write(to run: ActiveRun) throws {
        let model = result.model
        let names = model.classNames
        try run.writeJSON("metrics.json", result.metrics)
        try run.writeJSON("model.json", model)
        try run.writeJSON("split.json", result.split)
        // The texts behind the codes of categorical columns: a client of the model sends codes.
        if !dataset.categories.isEmpty { try run.writeJSON("categories.json", dataset.categories) }
        try run.writeArtifact("predictions.csv", contents: Data(predictionsCSV().utf8))
        try run.write(ConfusionArtifact(classes: names, counts: result.report.confusion.counts))
        if let roc = result.report.rocCurve {
            try run.write(ROCArtifact(
                name: "\(model.final.estimator): \(names[1]) vs \(names[0])", thresholds: roc.thresholds,
                falsePositiveRates: roc.falsePositiveRates, truePositiveRates: roc.truePositiveRates))
        }
        if let curves = model.trainingCurves { try run.write(TrainingCurveArtifact(curves)) }
        if let importance = result.importance { try run.write(importance) }
        let metadata = ["classes": names.joined(separator: ","), "features": dataset.featureNames.joined(separator: ",")]
        if let weights = try model.safetensorsFile(metadata: metadata) {
            try run.writeArtifact("weights.safetensors", contents: weights)
        }
    }

    // MARK: - Private

    /// One line per test row: its row in the input, true and predicted class names, and the
    /// probability of each class.
    private func predictionsCSV() -> String {
        let names = result.model.classNames
        var text = "row,true_class,predicted_class," + names.map { CSVWriter.field("p_" + $0) }.joined(separator: ",") + "\n"
        for (k, row) in result.split.test.enumerated() {
            let p = (0..<names.count).map { "\(result.probabilities[k, $0])" }
            text += "\(row),\(CSVWriter.field(names[trueIndices[row]])),\(CSVWriter.field(names[result.predicted[k]])),"
                + p.joined(separator: ",") + "\n"
        }
        return text
    }
}

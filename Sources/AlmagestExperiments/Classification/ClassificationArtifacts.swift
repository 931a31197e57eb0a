import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestPlot
import AlmagestTracking
import Foundation

/// The files of a classification run, written into its directory: metrics, model, split,
/// predictions, confusion matrix (JSON, CSV, SVG), ROC curve of a binary target (CSV, SVG), and
/// for networks the per-epoch curves (CSV, SVG, PNG) and the weights (safetensors).
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
        let names = result.model.classNames
        try run.writeJSON("metrics.json", result.metrics)
        try run.writeJSON("model.json", result.model)
        try run.writeJSON("split.json", result.split)
        try run.writeArtifact("predictions.csv", contents: Data(predictionsCSV().utf8))
        let confusion = result.report.confusion
        try run.writeJSON("confusion_matrix.json", ConfusionFile(classes: names, counts: confusion.counts))
        try run.writeArtifact("confusion_matrix.csv", contents: Data(confusionCSV(confusion.counts, names: names).utf8))
        let chart = ConfusionMatrixChart(counts: confusion.counts, classNames: names, titles: "Confusion matrix (test part)")
        try run.writeArtifact("confusion_matrix.svg", contents: Data(try chart.svg().utf8))
        if let roc = result.report.rocCurve {
            try run.writeArtifact("roc.csv", contents: Data(rocCSV(roc).utf8))
            let curve = AlmagestPlot.ROCCurve(
                "\(result.model.classifier.kind.rawValue): \(names[1]) vs \(names[0])",
                falsePositiveRates: roc.falsePositiveRates, truePositiveRates: roc.truePositiveRates)
            try run.writeArtifact("roc.svg", contents: Data(try ROCChart(curves: [curve], titles: "ROC (test part)").svg().utf8))
        }
        if let curves = result.model.classifier.trainingCurves {
            try run.writeArtifact("training_curve.csv", contents: Data(curves.csv().utf8))
            if let chart = curveChart(curves) {
                try run.writeArtifact("training_curve.svg", contents: Data(try chart.svg().utf8))
                try run.writeArtifact("training_curve.png", contents: try chart.png())
            }
        }
        let metadata = ["classes": names.joined(separator: ","), "features": dataset.featureNames.joined(separator: ",")]
        if let weights = try result.model.classifier.safetensors(metadata: metadata) {
            try run.writeArtifact("weights.safetensors", contents: weights)
        }
    }

    // MARK: - Private

    /// `confusion_matrix.json`: class names and counts[true][predicted].
    private struct ConfusionFile: Encodable {
        let classes: [String]
        let counts: [[Int]]
    }

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

    private func confusionCSV(_ counts: [[Int]], names: [String]) -> String {
        var text = "true\\predicted," + names.map { CSVWriter.field($0) }.joined(separator: ",") + "\n"
        for (t, row) in counts.enumerated() {
            text += CSVWriter.field(names[t]) + "," + row.map(String.init).joined(separator: ",") + "\n"
        }
        return text
    }

    private func rocCSV(_ roc: AlmagestLearn.ROCCurve) -> String {
        var text = "threshold,false_positive_rate,true_positive_rate\n"
        for i in roc.thresholds.indices {
            text += "\(roc.thresholds[i]),\(roc.falsePositiveRates[i]),\(roc.truePositiveRates[i])\n"
        }
        return text
    }

    /// Training and validation loss per epoch, with the kept epoch marked; nil below two epochs.
    private func curveChart(_ curves: TrainingCurves) -> LineChart? {
        guard curves.trainingLoss.count >= 2 else { return nil }
        let epochs = (1...curves.trainingLoss.count).map(Double.init)
        var series = [LineSeries("training loss", x: epochs, y: curves.trainingLoss)]
        if curves.validationLoss.count == epochs.count {
            series.append(LineSeries("validation loss", x: epochs, y: curves.validationLoss, isDashed: true))
        }
        if curves.validationAccuracy.count == epochs.count {
            series.append(LineSeries("validation accuracy", x: epochs, y: curves.validationAccuracy, isDashed: true))
        }
        return LineChart(series: series, markers: [VerticalMarker(x: Double(curves.bestEpoch), label: "kept")],
                         titles: ChartTitles("Training curve", x: "epoch", y: "loss / accuracy"))
    }
}

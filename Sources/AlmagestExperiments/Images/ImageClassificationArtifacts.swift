import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestNeural
import AlmagestPlot
import AlmagestTracking
import Foundation

/// The files of an image-classification run (see `ImageClassificationExperiment` for the list):
/// metrics, the model card, split, curves, best and last weights, predictions, confusion matrix,
/// one-vs-rest ROC per class, misclassified test images, what the network looks at
/// (`ActivationViews`: Grad-CAM, feature maps, filters), and a figure of augmented training images.
///
/// Cost: one forward and backward pass of `gradCAMImages` test images, plus O(test x classes).
///
/// ```swift
/// try ImageClassificationArtifacts(result: r, folder: f, net: net, settings: s, lastState: last).write(to: run)
/// ```
struct ImageClassificationArtifacts {
    let result: ImageClassificationResult
    let folder: ImageFolder
    let net: VGG
    let settings: ImageClassificationExperiment
    let lastState: [[Float]]

    func write(to run: ActiveRun) throws {
        let classes = result.card.classes
        try run.writeJSON("metrics.json", result.metrics)
        try run.writeJSON("model.json", result.card)
        try run.writeJSON("split.json", result.split)
        try run.writeJSON("trained_parameters.json", result.trainedParameters)
        try run.write(TrainingCurveArtifact(result.curves))
        let metadata = try result.card.metadata()
        try run.writeArtifact("best.safetensors", contents: try Safetensors.encode(net.namedState(), metadata: metadata))
        let best = net.namedState().map(\.tensor.data)
        for (t, values) in zip(net.namedState().map(\.tensor), lastState) { try t.assign(values) }
        try run.writeArtifact("last.safetensors", contents: try Safetensors.encode(net.namedState(), metadata: metadata))
        for (t, values) in zip(net.namedState().map(\.tensor), best) { try t.assign(values) }
        try run.writeArtifact("predictions.csv", contents: Data(predictionsCSV().utf8))
        try run.write(ConfusionArtifact(classes: classes, counts: result.report.confusion.counts))
        try writeROC(to: run)
        try writeMisclassified(to: run)
        try ActivationViews(folder: folder, net: net, classes: classes, test: result.split.test, predicted: result.testPredicted,
                            probabilities: result.testProbabilities, count: settings.gradCAMImages).write(to: run)
        if !settings.augmentation.isIdentity, let first = result.split.train.first {
            let figure = try settings.augmentation.figure(of: try folder.image(at: first), count: 8, columns: 4, seed: settings.seed)
            try run.writeArtifact("augmentation.png", contents: try figure.png())
        }
    }

    // MARK: - Private

    private func predictionsCSV() -> String {
        let classes = result.card.classes
        var text = "file,true_class,predicted_class," + classes.map { CSVWriter.field("p_" + $0) }.joined(separator: ",") + "\n"
        for (k, index) in result.split.test.enumerated() {
            text += [CSVWriter.field(relativePath(index)), CSVWriter.field(classes[folder.labels[index]]),
                     CSVWriter.field(classes[result.testPredicted[k]])].joined(separator: ",") + ","
                + result.testProbabilities[k].map { "\($0)" }.joined(separator: ",") + "\n"
        }
        return text
    }

    private func relativePath(_ index: Int) -> String {
        let file = folder.files[index]
        return file.deletingLastPathComponent().lastPathComponent + "/" + file.lastPathComponent
    }

    /// `roc_per_class.csv` (class, threshold, false and true positive rate) and its chart.
    private func writeROC(to run: ActiveRun) throws {
        let classes = result.card.classes
        let truth = result.split.test.map { folder.labels[$0] }
        var csv = "class,threshold,false_positive_rate,true_positive_rate,auc\n"
        var curves: [AlmagestPlot.ROCCurve] = []
        for (k, name) in classes.enumerated() {
            let positives = truth.map { $0 == k ? 1 : 0 }
            guard positives.contains(1), positives.contains(0) else { continue }
            let roc = try AlmagestLearn.ROCCurve(truth: positives, scores: result.testProbabilities.map { $0[k] })
            for i in roc.thresholds.indices {
                csv += "\(CSVWriter.field(name)),\(roc.thresholds[i]),\(roc.falsePositiveRates[i]),\(roc.truePositiveRates[i]),\(roc.area)\n"
            }
            curves.append(AlmagestPlot.ROCCurve(name,
                                                falsePositiveRates: roc.falsePositiveRates, truePositiveRates: roc.truePositiveRates))
        }
        try run.writeArtifact("roc_per_class.csv", contents: Data(csv.utf8))
        if !curves.isEmpty {
            let chart = ROCChart(curves: curves, titles: ChartTitles("ROC per class, one vs rest (test part)"))
            try run.writeArtifact("roc_per_class.svg", contents: Data(try chart.svg().utf8))
        }
    }

    /// `misclassified.csv` and a grid of up to 24 misclassified test images ("true > predicted").
    private func writeMisclassified(to run: ActiveRun) throws {
        let classes = result.card.classes
        var csv = "file,true_class,predicted_class,probability\n"
        var images: [[Double]] = [], captions: [String] = [], size = (0, 0)
        for (k, index) in result.split.test.enumerated() where result.testPredicted[k] != folder.labels[index] {
            let (t, p) = (folder.labels[index], result.testPredicted[k])
            csv += "\(CSVWriter.field(relativePath(index))),\(CSVWriter.field(classes[t])),\(CSVWriter.field(classes[p])),"
                + "\(result.testProbabilities[k][p])\n"
            if images.count < 24 {
                let image = try folder.image(at: index).toGrey()
                size = (image.height, image.width)
                images.append(image.pixels.map(Double.init))
                captions.append("\(classes[t]) > \(classes[p])")
            }
        }
        try run.writeArtifact("misclassified.csv", contents: Data(csv.utf8))
        if !images.isEmpty {
            let grid = ImageGrid(images: images, imageWidth: size.1, imageHeight: size.0, columns: min(6, images.count),
                                 captions: captions, colorMap: .grey, range: 0...1, cellSize: 150,
                                 titles: ChartTitles("Misclassified test images (true > predicted)"))
            try run.writeArtifact("misclassified.png", contents: try grid.png())
        }
    }
}

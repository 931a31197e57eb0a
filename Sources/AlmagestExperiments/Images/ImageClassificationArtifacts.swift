import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestNeural
import AlmagestPlot
import AlmagestTracking
import Foundation

/// The files of an image-classification run (see `ImageClassificationExperiment` for the list):
/// metrics, the model card, split, curves, best and last weights, predictions, confusion matrix,
/// one-vs-rest ROC per class, misclassified test images, Grad-CAM overlays of the last
/// convolution for the predicted class, and a figure of augmented training images.
///
/// A Grad-CAM overlay is the image (grey) blended half and half with the viridis colour of the
/// map, upsampled to the image and divided by its maximum.
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
        try writeGradCAM(to: run)
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
            curves.append(AlmagestPlot.ROCCurve(String(format: "%@ (AUC %.3f)", name, roc.area),
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

    /// Grad-CAM of the last convolution for the predicted class of the first test images.
    private func writeGradCAM(to run: ActiveRun) throws {
        let count = min(settings.gradCAMImages, result.split.test.count)
        guard count > 0, let layer = net.convolutionIndices.last else { return }
        let classes = result.card.classes
        let indices = Array(result.split.test.prefix(count))
        let batch = try folder.batch(indices)
        let predicted = Array(result.testPredicted.prefix(count))
        let cam = try GradCAM.compute(net, images: try Tensor(shape: batch.shape, values: batch.values), layer: layer, classes: predicted)
        let (h, w) = (batch.shape[2], batch.shape[3])
        let maps = cam.upsampled(to: (h, w))
        var csv = "file,true_class,predicted_class,overlay\n"
        var tiles: [[UInt8]] = []
        for (n, index) in indices.enumerated() {
            let grey = try folder.image(at: index).toGrey().pixels
            let peak = max(maps[n].max() ?? 0, 1e-12)
            var rgba = [UInt8](repeating: 255, count: h * w * 4)
            for i in 0..<(h * w) {
                let colour = ColorMap.viridis.color(at: Double(maps[n][i] / peak))
                let g = Double(grey[i]) * 255
                rgba[i * 4] = UInt8(max(0, min(255, (0.5 * g + 0.5 * Double(colour.red)).rounded())))
                rgba[i * 4 + 1] = UInt8(max(0, min(255, (0.5 * g + 0.5 * Double(colour.green)).rounded())))
                rgba[i * 4 + 2] = UInt8(max(0, min(255, (0.5 * g + 0.5 * Double(colour.blue)).rounded())))
            }
            let name = String(format: "gradcam/%02d.png", n)
            try run.writeArtifact(name, contents: try PNGWriter.encode(width: w, height: h, rgba: rgba))
            csv += "\(CSVWriter.field(relativePath(index))),\(CSVWriter.field(classes[folder.labels[index]])),"
                + "\(CSVWriter.field(classes[predicted[n]])),\(name)\n"
            var pair = [UInt8](repeating: 255, count: h * 2 * w * 4)
            for y in 0..<h {
                for x in 0..<w {
                    let v = UInt8(max(0, min(255, (grey[y * w + x] * 255).rounded())))
                    let left = (y * 2 * w + x) * 4, right = (y * 2 * w + w + x) * 4
                    (pair[left], pair[left + 1], pair[left + 2]) = (v, v, v)
                    for c in 0..<3 { pair[right + c] = rgba[(y * w + x) * 4 + c] }
                }
            }
            tiles.append(pair)
        }
        try run.writeArtifact("gradcam.csv", contents: Data(csv.utf8))
        // All pairs (image | overlay) stacked, a 2-pixel white gap between them.
        let gap = 2, height = count * h + (count - 1) * gap
        var sheet = [UInt8](repeating: 255, count: height * 2 * w * 4)
        for (n, tile) in tiles.enumerated() {
            let top = n * (h + gap) * 2 * w * 4
            sheet.replaceSubrange(top..<(top + tile.count), with: tile)
        }
        try run.writeArtifact("gradcam.png", contents: try PNGWriter.encode(width: 2 * w, height: height, rgba: sheet))
    }
}

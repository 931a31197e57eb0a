import AlmagestCore
import AlmagestData
import AlmagestNeural
import AlmagestPlot
import AlmagestTracking
import Foundation

/// What a trained image classifier looks at, written into its run (`ActivationViewsArtifact`):
///
/// - Grad-CAM of the last convolution for the predicted class of the first `count` test images:
///   `gradcam/NN-image.png` (the image as the network saw it, grey), `gradcam/NN.png` (the image
///   blended half and half with the viridis colour of the map, upsampled bilinearly and divided by
///   its maximum), `gradcam.csv` and `gradcam.png` (every image beside its overlay, stacked);
/// - the rectified feature maps of every convolution for the first test image,
///   `feature_maps/features.N.png` (up to 32 channels captioned by number, each stretched over its own range);
/// - the first convolution's filters, `filters.png` (RGB when the input has three channels, each
///   filter stretched symmetrically around zero, grey otherwise).
///
/// Cost: one forward and backward pass of `count` images, and one forward pass per convolution
/// of one image.
///
/// ```swift
/// try ActivationViews(folder: folder, net: net, classes: names, test: split.test, predicted: p,
///                     probabilities: probs, count: 8).write(to: run)
/// ```
struct ActivationViews {
    let folder: ImageFolder
    let net: VGG
    let classes: [String]
    /// Test image indices into `folder`, with their predicted class and class probabilities.
    let test: [Int]
    let predicted: [Int]
    let probabilities: [[Double]]
    /// Test images drawn with their Grad-CAM map.
    let count: Int

    /// Channels drawn per feature-map grid.
    static let maximumChannels = 32

    func write(to run: ActiveRun) throws {
        guard let last = net.convolutionIndices.last, !test.isEmpty else { return }
        let examples = try writeGradCAM(layer: last, to: run)
        let maps = try writeFeatureMaps(to: run)
        let filters = try writeFilters(to: run)
        try run.write(ActivationViewsArtifact(
            gradCAMLayer: "features.\(last)", gradCAM: examples, featureMapImage: relativePath(test[0]), featureMaps: maps,
            filters: filters?.file, filterLayer: filters?.layer, filterCount: filters?.count ?? 0))
    }

    // MARK: - Private

    private func writeGradCAM(layer: Int, to run: ActiveRun) throws -> [ActivationViewsArtifact.GradCAMExample] {
        let n = min(count, test.count)
        guard n > 0 else { return [] }
        let indices = Array(test.prefix(n))
        let batch = try folder.batch(indices)
        let cam = try GradCAM.compute(net, images: try Tensor(shape: batch.shape, values: batch.values), layer: layer,
                                      classes: Array(predicted.prefix(n)))
        let (h, w) = (batch.shape[2], batch.shape[3])
        let maps = cam.upsampled(to: (h, w))
        var csv = "file,true_class,predicted_class,overlay\n"
        var examples: [ActivationViewsArtifact.GradCAMExample] = []
        // Every image beside its overlay, stacked with 2-pixel white gaps.
        var sheet = Canvas(width: 2 * w, height: n * (h + Self.gap) - Self.gap)
        for (k, index) in indices.enumerated() {
            let grey = try folder.image(at: index).toGrey().pixels
            let peak = max(maps[k].max() ?? 0, 1e-12)
            var image = [Color](), overlay = [Color]()
            for i in 0..<(h * w) {
                let g = Double(grey[i]) * 255
                let colour = ColorMap.viridis.color(at: Double(maps[k][i] / peak))
                image.append(Color(red: Self.byte(g), green: Self.byte(g), blue: Self.byte(g)))
                overlay.append(Color(red: Self.byte(0.5 * g + 0.5 * Double(colour.red)), green: Self.byte(0.5 * g + 0.5 * Double(colour.green)),
                                     blue: Self.byte(0.5 * g + 0.5 * Double(colour.blue))))
            }
            let (imageName, overlayName) = (String(format: "gradcam/%02d-image.png", k), String(format: "gradcam/%02d.png", k))
            try run.writeArtifact(imageName, contents: try Self.canvas(image, width: w).png())
            try run.writeArtifact(overlayName, contents: try Self.canvas(overlay, width: w).png())
            Self.draw(image, width: w, on: &sheet, left: 0, top: k * (h + Self.gap))
            Self.draw(overlay, width: w, on: &sheet, left: w, top: k * (h + Self.gap))
            let (t, p) = (classes[folder.labels[index]], classes[predicted[k]])
            csv += "\(CSVWriter.field(relativePath(index))),\(CSVWriter.field(t)),\(CSVWriter.field(p)),\(overlayName)\n"
            examples.append(.init(file: relativePath(index), trueClass: t, predictedClass: p,
                                  probability: probabilities[k][predicted[k]], image: imageName, overlay: overlayName))
        }
        try run.writeArtifact("gradcam.csv", contents: Data(csv.utf8))
        try run.writeArtifact("gradcam.png", contents: try sheet.png())
        return examples
    }

    private func writeFeatureMaps(to run: ActiveRun) throws -> [ActivationViewsArtifact.FeatureMaps] {
        let batch = try folder.batch([test[0]])
        let input = try Tensor(shape: batch.shape, values: batch.values)
        return try net.convolutionIndices.map { layer in
            let maps = try GradCAM.featureMaps(net, images: input, layer: layer)
            let (channels, h, w) = (maps.shape[1], maps.shape[2], maps.shape[3])
            let shown = min(channels, Self.maximumChannels)
            let images = (0..<shown).map { c in maps.data[(c * h * w)..<((c + 1) * h * w)].map(Double.init) }
            let cell = Double(max(48, min(120, 4 * w)))
            let grid = ImageGrid(images: images, imageWidth: w, imageHeight: h, columns: min(8, shown),
                                 captions: (0..<shown).map { "\($0)" }, colorMap: .viridis, scaling: .perImage,
                                 cellSize: cell, titles: ChartTitles("Feature maps of features.\(layer) (\(shown) of \(channels) channels)"))
            let name = "feature_maps/features.\(layer).png"
            try run.writeArtifact(name, contents: try grid.png())
            return .init(layer: "features.\(layer)", channels: channels, shown: shown, height: h, width: w, grid: name)
        }
    }

    /// The first convolution's filters, each scaled to 12 pixels per weight, 2-pixel white gaps.
    private func writeFilters(to run: ActiveRun) throws -> (file: String, layer: String, count: Int)? {
        guard let first = net.convolutionIndices.first, let conv = net.features.layers[first] as? Conv2d else { return nil }
        let shape = conv.weight.shape
        let (out, inputs, kh, kw) = (shape[0], shape[1], shape[2], shape[3])
        let (scale, columns) = (12, min(16, out))
        let rows = (out + columns - 1) / columns
        var sheet = Canvas(width: columns * (kw * scale + Self.gap) - Self.gap, height: rows * (kh * scale + Self.gap) - Self.gap)
        let weights = conv.weight.data
        for f in 0..<out {
            let filter = weights[(f * inputs * kh * kw)..<((f + 1) * inputs * kh * kw)]
            let peak = max(filter.map { abs($0) }.max() ?? 0, 1e-12)
            /// Weight (channel, i, j) of this filter as a byte, 128 for zero.
            func level(_ channel: Int, _ i: Int, _ j: Int) -> UInt8 {
                let v = inputs == 3 || inputs == 1
                    ? filter[filter.startIndex + (channel * kh + i) * kw + j]
                    : (0..<inputs).map { filter[filter.startIndex + ($0 * kh + i) * kw + j] }.reduce(0, +) / Float(inputs)
                return Self.byte(Double(0.5 + 0.5 * v / peak) * 255)
            }
            var tile = [Color]()
            for y in 0..<(kh * scale) {
                for x in 0..<(kw * scale) {
                    let (i, j) = (y / scale, x / scale)
                    tile.append(inputs == 3 ? Color(red: level(0, i, j), green: level(1, i, j), blue: level(2, i, j))
                                            : Color(red: level(0, i, j), green: level(0, i, j), blue: level(0, i, j)))
                }
            }
            Self.draw(tile, width: kw * scale, on: &sheet, left: (f % columns) * (kw * scale + Self.gap),
                      top: (f / columns) * (kh * scale + Self.gap))
        }
        try run.writeArtifact("filters.png", contents: try sheet.png())
        return ("filters.png", "features.\(first)", out)
    }

    private func relativePath(_ index: Int) -> String {
        let file = folder.files[index]
        return file.deletingLastPathComponent().lastPathComponent + "/" + file.lastPathComponent
    }

    private static func byte(_ value: Double) -> UInt8 { UInt8(max(0, min(255, value.rounded()))) }

    /// White space between the tiles of a sheet.
    private static let gap = 2

    /// Copies `pixels` (row-major, `width` per row) onto `canvas` with its top left at (left, top).
    private static func draw(_ pixels: [Color], width: Int, on canvas: inout Canvas, left: Int, top: Int) {
        for (i, colour) in pixels.enumerated() { canvas.blend(x: left + i % width, y: top + i / width, color: colour) }
    }

    private static func canvas(_ pixels: [Color], width: Int) -> Canvas {
        var canvas = Canvas(width: width, height: pixels.count / width)
        draw(pixels, width: width, on: &canvas, left: 0, top: 0)
        return canvas
    }
}

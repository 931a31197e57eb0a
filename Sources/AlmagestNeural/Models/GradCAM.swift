import AlmagestCore

/// Grad-CAM class activation maps and raw feature maps of a `VGG` convolution.
///
/// Grad-CAM (Selvaraju et al., 2017, "Grad-CAM: Visual Explanations from Deep Networks via
/// Gradient-based Localization", Eqs. 1–2): for the rectified output A (after the convolution's
/// batch norm and ReLU) of convolution `layer`, with K channels, and the logit y_c of class c,
/// α_k = mean over positions of ∂y_c/∂A_k, and the map is ReLU(Σ_k α_k A_k), one per image, at
/// the layer's resolution; `upsampled(to:)` resizes it bilinearly to the image. Maps are not
/// normalised (divide by the maximum to display them). The network runs in evaluation mode.
///
/// Cost: one forward and one backward pass of the batch.
///
/// ```swift
/// let cam = try GradCAM.compute(net, images: x, layer: net.convolutionIndices.last!, classes: [2, 2])
/// let big = cam.upsampled(to: (64, 64))          // [N][64*64], row-major
/// let maps = try GradCAM.featureMaps(net, images: x, layer: 0)   // [N, C, H, W]
/// ```
public enum GradCAM {
    /// Maps for each image `n` and class `classes[n]`, for the convolution at `features` index `layer`.
    public static func compute(_ net: VGG, images: Tensor, layer: Int, classes: [Int]) throws -> ActivationMaps {
        let (activation, rest) = try split(net, layer: layer)
        guard images.rank == 4, classes.count == images.shape[0] else {
            throw ShapeError.mismatch(operation: "GradCAM", left: images.shape, right: [classes.count],
                                      expected: "one class per image of [N, C, H, W]")
        }
        if let bad = classes.first(where: { !(0..<net.configuration.classes).contains($0) }) {
            throw ShapeError.indexOutOfRange(what: "class", index: bad, bound: net.configuration.classes)
        }
        let wasTraining = net.isTraining
        net.setTraining(false)
        defer { net.setTraining(wasTraining) }
        try net.checkInput(images)
        let a = try Tensor.withoutGradient { try net.features.prefix(through: activation, images) }
        let leaf = Tensor(uncheckedShape: a.shape, values: a.data)
        leaf.requiresGradient = true
        var x = leaf
        for i in rest { x = try net.features.layers[i](x) }
        let logits = try net.classifier(try net.avgpool(x).flattened())
        let k = net.configuration.classes
        var seed = [Float](repeating: 0, count: logits.count)
        for (n, c) in classes.enumerated() { seed[n * k + c] = 1 }
        try logits.backward(gradient: seed)
        let g = leaf.gradient ?? [Float](repeating: 0, count: leaf.count)
        for p in net.namedParameters() { p.tensor.zeroGradient() }
        let (n, ch, h, w) = (a.shape[0], a.shape[1], a.shape[2], a.shape[3])
        var maps = [[Float]](repeating: [Float](repeating: 0, count: h * w), count: n)
        for img in 0..<n {
            for c in 0..<ch {
                let base = (img * ch + c) * h * w
                var alpha: Float = 0
                for i in 0..<(h * w) { alpha += g[base + i] }
                alpha /= Float(h * w)
                for i in 0..<(h * w) { maps[img][i] += alpha * a.data[base + i] }
            }
            for i in 0..<(h * w) { maps[img][i] = max(maps[img][i], 0) }
        }
        return ActivationMaps(height: h, width: w, maps: maps)
    }

    /// The rectified output `[N, C, H, W]` of the convolution at `features` index `layer` (after
    /// its batch norm and ReLU), in evaluation mode.
    public static func featureMaps(_ net: VGG, images: Tensor, layer: Int) throws -> Tensor {
        let (activation, _) = try split(net, layer: layer)
        let wasTraining = net.isTraining
        net.setTraining(false)
        defer { net.setTraining(wasTraining) }
        try net.checkInput(images)
        return try Tensor.withoutGradient { try net.features.prefix(through: activation, images) }
    }

    // MARK: - Private

    /// The index of the ReLU after convolution `layer`, and the remaining feature indices.
    private static func split(_ net: VGG, layer: Int) throws -> (Int, Range<Int>) {
        guard net.convolutionIndices.contains(layer) else {
            throw ShapeError.indexOutOfRange(what: "VGG convolution (features index \(net.convolutionIndices))",
                                             index: layer, bound: net.features.layers.count)
        }
        let relu = layer + (net.configuration.batchNorm ? 2 : 1)
        return (relu, (relu + 1)..<net.features.layers.count)
    }
}

/// One non-negative map per image, row-major `height x width`.
public struct ActivationMaps: Codable, Equatable, Sendable {
    public let height: Int, width: Int
    public let maps: [[Float]]

    /// The maps resized bilinearly (align-corners false, as PyTorch's `interpolate`).
    public func upsampled(to size: (Int, Int)) -> [[Float]] {
        let (oh, ow) = size
        return maps.map { m in
            var out = [Float](repeating: 0, count: oh * ow)
            for y in 0..<oh {
                let sy = max((Float(y) + 0.5) * Float(height) / Float(oh) - 0.5, 0)
                let y0 = min(Int(sy), height - 1), y1 = min(y0 + 1, height - 1), fy = sy - Float(y0)
                for x in 0..<ow {
                    let sx = max((Float(x) + 0.5) * Float(width) / Float(ow) - 0.5, 0)
                    let x0 = min(Int(sx), width - 1), x1 = min(x0 + 1, width - 1), fx = sx - Float(x0)
                    let top = m[y0 * width + x0] * (1 - fx) + m[y0 * width + x1] * fx
                    let bottom = m[y1 * width + x0] * (1 - fx) + m[y1 * width + x1] * fx
                    out[y * ow + x] = top * (1 - fy) + bottom * fy
                }
            }
            return out
        }
    }
}

extension Sequential {
    /// Layers `0...index` applied to `input`.
    func prefix(through index: Int, _ input: Tensor) throws -> Tensor {
        var x = input
        for i in 0...index { x = try layers[i](x) }
        return x
    }
}

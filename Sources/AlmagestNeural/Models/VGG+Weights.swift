import AlmagestCore
import Foundation

/// Weight import/export and freezing for `VGG`.
///
/// Import accepts torchvision's `state_dict` names unchanged (`features.0.weight`,
/// `features.1.running_var`, `classifier.6.bias`) and timm's (`pre_logits.fc1.weight` as a
/// `[4096, 512, 7, 7]` convolution, `pre_logits.fc2.weight` as `[4096, 4096, 1, 1]`, `head.fc.*`),
/// which are renamed and reshaped to torchvision's (timm's 7x7 `fc1` convolution equals the
/// flattened linear layer when the last feature map is 7x7, i.e. 224x224 inputs; timm then pools
/// globally, which differs for other sizes). PyTorch's integer `num_batches_tracked` counters are
/// ignored. Every tensor is checked by name and shape
/// before anything is assigned; the error names the first mismatch. For a grey network
/// (`inputChannels == 1`) an RGB first convolution is summed over its three input channels, the
/// usual way to keep the response to a grey image equal to the response to the same image
/// repeated in R, G and B.
///
/// torchvision's ImageNet VGG-19 converts in three lines of Python:
/// ```python
/// import torchvision, safetensors.torch
/// m = torchvision.models.vgg19(weights="IMAGENET1K_V1")
/// safetensors.torch.save_file(m.state_dict(), "vgg19.safetensors")
/// ```
/// ```swift
/// try net.loadWeights(from: URL(fileURLWithPath: "vgg19.safetensors"), skippingClassifier: true)
/// try net.freeze(throughBlock: 5)    // all of `features` frozen, only the head trains
/// ```
extension VGG {
    /// Reads torchvision- or timm-named weights. With `skippingClassifier` the file's head is
    /// ignored (a new head for other classes keeps its initialisation).
    public func loadWeights(from url: URL, skippingClassifier: Bool = false) throws {
        try loadWeights(data: Data(contentsOf: url), skippingClassifier: skippingClassifier)
    }

    /// Loads file bytes; see `loadWeights(from:)`.
    public func loadWeights(data: Data, skippingClassifier: Bool = false) throws {
        var file: [String: Tensor] = [:]
        for (name, tensor) in try Safetensors.decode(data, skipping: { $0.hasSuffix(".num_batches_tracked") }) {
            let (mapped, shaped) = try Self.torchvisionName(name, tensor)
            file[mapped] = shaped
        }
        var state = namedState()
        if skippingClassifier {
            state.removeAll { $0.name.hasPrefix("classifier.") }
            file = file.filter { !$0.key.hasPrefix("classifier.") }
        }
        // Grey network from RGB weights: sum the first convolution over its input channels.
        if let first = state.first(where: { $0.name == "features.0.weight" }), let stored = file["features.0.weight"],
           first.tensor.shape[1] == 1, stored.rank == 4, stored.shape[1] == 3 {
            let (o, k) = (stored.shape[0], stored.shape[2] * stored.shape[3])
            var summed = [Float](repeating: 0, count: o * k)
            for out in 0..<o { for c in 0..<3 { for i in 0..<k { summed[out * k + i] += stored.data[(out * 3 + c) * k + i] } } }
            file["features.0.weight"] = Tensor(uncheckedShape: [o, 1, stored.shape[2], stored.shape[3]], values: summed)
        }
        for (name, t) in state {
            guard let stored = file[name] else { throw SafetensorsError.missingTensor(name) }
            guard stored.shape == t.shape else { throw SafetensorsError.shapeMismatch(name: name, expected: t.shape, got: stored.shape) }
        }
        let known = Set(state.map(\.name))
        if let extra = file.keys.sorted().first(where: { !known.contains($0) }) { throw SafetensorsError.unexpectedTensor(extra) }
        for (name, t) in state { try t.assign(file[name]!.data) }
    }

    /// Writes the weights with torchvision's names (loadable by `model.load_state_dict`).
    public func saveWeights(to url: URL, metadata: [String: String] = [:]) throws {
        try Safetensors.save(self, to: url, metadata: metadata)
    }

    /// Freezes `features` blocks 1...`block` (each ends with its max pool) and unfreezes the rest
    /// of `features`; the classifier is left as it is. `block` 0 unfreezes all of `features`.
    public func freeze(throughBlock block: Int) throws {
        let ranges = blockRanges
        guard (0...ranges.count).contains(block) else { throw VGGError.unknownBlock(String(block), available: ranges.count) }
        for (b, range) in ranges.enumerated() {
            for i in range { features.layers[i].setFrozen(b < block) }
        }
    }

    /// Freezes or unfreezes a part by name: "features", "classifier", "all", or "block3"/"3".
    public func setFrozen(_ frozen: Bool, part: String) throws {
        let ranges = blockRanges
        switch part {
        case "features": features.setFrozen(frozen)
        case "classifier", "head": classifier.setFrozen(frozen)
        case "all": setFrozen(frozen, prefix: "")
        default:
            let digits = part.hasPrefix("block") ? String(part.dropFirst(5)) : part
            guard let b = Int(digits), (1...ranges.count).contains(b) else { throw VGGError.unknownBlock(part, available: ranges.count) }
            for i in ranges[b - 1] { features.layers[i].setFrozen(frozen) }
        }
    }

    /// Names of the parameters that currently train (what a run records).
    public var trainableParameterNames: [String] { namedParameters().filter(\.tensor.requiresGradient).map(\.name) }

    /// True when nothing in `features` trains, so its output can be cached per image.
    public var featuresFrozen: Bool { features.namedParameters().allSatisfy { !$0.tensor.requiresGradient } }

    // MARK: - Private

    /// timm's VGG names mapped to torchvision's, with the pre-logits convolutions flattened.
    static func torchvisionName(_ name: String, _ t: Tensor) throws -> (String, Tensor) {
        let table = ["pre_logits.fc1.": "classifier.0.", "pre_logits.fc2.": "classifier.3.", "head.fc.": "classifier.6."]
        for (from, to) in table where name.hasPrefix(from) {
            let renamed = to + name.dropFirst(from.count)
            if t.rank == 4 { return (renamed, Tensor(uncheckedShape: [t.shape[0], t.count / t.shape[0]], values: t.data)) }
            return (renamed, t)
        }
        return (name, t)
    }
}

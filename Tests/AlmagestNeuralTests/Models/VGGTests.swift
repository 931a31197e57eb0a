import AlmagestCore
@testable import AlmagestNeural
import Foundation
import Testing

/// Reference logits from Tests/Reference/vgg/make_vgg_reference.py (PyTorch/torchvision eval-mode
/// logits, cross-checked by a float64 NumPy forward; weights as safetensors.torch writes them,
/// with the int64 `num_batches_tracked` counters).
struct VGGReference: Decodable {
    struct Net: Decodable { let file: String; let batchNorm: Bool; let logits: [Double] }
    let inputShape: [Int]
    let inputs: [Float]
    let nets: [Net]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Reference/vgg")

    static func load() throws -> VGGReference {
        try JSONDecoder().decode(VGGReference.self, from: Data(contentsOf: directory.appendingPathComponent("vgg_logits.json")))
    }

    /// VGG-11 with widths / 8 and a 16-16-3 head, as in the script.
    static func configuration(batchNorm: Bool, inputChannels: Int = 3) -> VGGConfiguration {
        .torchvision(depth: .vgg11, batchNorm: batchNorm, classes: 3, inputChannels: inputChannels, widthDivisor: 8,
                     hiddenSizes: [16, 16])
    }
}

struct VGGTests {
    @Test(arguments: [false, true])
    func torchvisionWeightsGiveTheReferenceLogits(batchNorm: Bool) throws {
        let reference = try VGGReference.load()
        let spec = reference.nets.first { $0.batchNorm == batchNorm }!
        let net = try VGG(VGGReference.configuration(batchNorm: batchNorm), seed: 3)
        try net.loadWeights(from: VGGReference.directory.appendingPathComponent(spec.file))
        net.setTraining(false)
        let logits = try net(Tensor(shape: reference.inputShape, values: reference.inputs))
        #expect(logits.shape == [2, 3])
        for (a, b) in zip(logits.data, spec.logits) { #expect(abs(Double(a) - b) < 1e-4) }
    }

    @Test func exportRoundTripsAndUsesTorchvisionNames() throws {
        let reference = try VGGReference.load()
        let source = try VGG(VGGReference.configuration(batchNorm: true), seed: 3)
        try source.loadWeights(from: VGGReference.directory.appendingPathComponent(reference.nets[1].file))
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-vgg-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try source.saveWeights(to: url)
        let names = Set(try Safetensors.decode(Data(contentsOf: url)).map(\.name))
        #expect(names.isSuperset(of: ["features.0.weight", "features.1.running_mean", "features.1.running_var", "classifier.6.bias"]))
        let target = try VGG(VGGReference.configuration(batchNorm: true), seed: 99)
        try target.loadWeights(from: url)
        #expect(target.namedState().map(\.tensor.data) == source.namedState().map(\.tensor.data))
    }

    @Test func timmNamesMapToTorchvision() throws {
        let reference = try VGGReference.load()
        let spec = reference.nets[0]
        let tensors = try Safetensors.decode(Data(contentsOf: VGGReference.directory.appendingPathComponent(spec.file)))
        // Rename to timm's layout: the first two head layers become 7x7 and 1x1 convolutions.
        let timm = try tensors.map { (name, t) -> (name: String, tensor: Tensor) in
            if name.hasPrefix("classifier.0.") {
                let shape = t.rank == 2 ? [t.shape[0], t.shape[1] / 49, 7, 7] : t.shape
                return ("pre_logits.fc1." + name.dropFirst(13), try t.reshaped(shape))
            }
            if name.hasPrefix("classifier.3.") {
                return ("pre_logits.fc2." + name.dropFirst(13), try t.reshaped(t.rank == 2 ? t.shape + [1, 1] : t.shape))
            }
            if name.hasPrefix("classifier.6.") { return ("head.fc." + name.dropFirst(13), t) }
            return (name, t)
        }
        let net = try VGG(VGGReference.configuration(batchNorm: false), seed: 3)
        try net.loadWeights(data: Safetensors.encode(timm))
        net.setTraining(false)
        let logits = try net(Tensor(shape: reference.inputShape, values: reference.inputs))
        for (a, b) in zip(logits.data, spec.logits) { #expect(abs(Double(a) - b) < 1e-4) }
    }

    @Test func mismatchNamesTheFirstBadTensor() throws {
        let reference = try VGGReference.load()
        let plain = try VGG(VGGReference.configuration(batchNorm: false), seed: 3)
        let bnFile = VGGReference.directory.appendingPathComponent(reference.nets[1].file)
        // Without batch norm, features.3 is the second convolution; in the batch-norm file it is a pool.
        #expect(throws: SafetensorsError.missingTensor("features.3.weight")) { try plain.loadWeights(from: bnFile) }
        let wide = try VGG(.torchvision(depth: .vgg11, batchNorm: true, classes: 3, widthDivisor: 4, hiddenSizes: [16, 16]), seed: 3)
        #expect(throws: SafetensorsError.shapeMismatch(name: "features.0.weight", expected: [16, 3, 3, 3], got: [8, 3, 3, 3])) {
            try wide.loadWeights(from: bnFile)
        }
    }

    /// A grey network with RGB weights summed over channels answers a grey image as the RGB network
    /// answers the same image repeated in all three channels.
    @Test func greyImportSumsTheFirstConvolution() throws {
        let reference = try VGGReference.load()
        let file = VGGReference.directory.appendingPathComponent(reference.nets[1].file)
        let rgb = try VGG(VGGReference.configuration(batchNorm: true), seed: 3)
        let grey = try VGG(VGGReference.configuration(batchNorm: true, inputChannels: 1), seed: 3)
        try rgb.loadWeights(from: file)
        try grey.loadWeights(from: file)
        rgb.setTraining(false); grey.setTraining(false)
        let g = random([2, 1, 32, 32], seed: 8)
        let repeated = try Tensor.concatenate([g, g, g], axis: 1)
        for (a, b) in zip(try grey(g).data, try rgb(repeated).data) { #expect(abs(a - b) < 1e-4) }
    }

    @Test func smallInputsAndTorchvisionShapes() throws {
        let net = try VGG(.torchvision(depth: .vgg16, batchNorm: false, classes: 5, widthDivisor: 16, hiddenSizes: [8]), seed: 1)
        #expect(net.blockRanges.map(\.count) == [5, 5, 7, 7, 7])
        #expect(net.classifierInputs == 32 * 49)
        let counts: [VGGConfiguration.Depth: Int] = [.vgg11: 8, .vgg13: 10, .vgg16: 13, .vgg19: 16]
        for (depth, convolutions) in counts {
            #expect(VGGConfiguration.torchvision(depth: depth, batchNorm: true).layers.compactMap { $0 }.count == convolutions)
        }
        // Full-size VGG-16 has torchvision's 138,357,544 parameters.
        let full = VGGConfiguration.torchvision(depth: .vgg16, batchNorm: false)
        var count = 0, channels = 3
        for w in full.layers.compactMap({ $0 }) { count += w * channels * 9 + w; channels = w }
        count += 25088 * 4096 + 4096 + 4096 * 4096 + 4096 + 4096 * 1000 + 1000
        #expect(count == 138_357_544)
        // A 32x32 input leaves a 1x1 map that the adaptive pool copies into all 7x7 cells.
        net.setTraining(false)
        let x = random([1, 3, 32, 32], seed: 2)
        let pooled = try net.headInput(x)
        let beforePool = try net.features(x)
        #expect(beforePool.shape == [1, 32, 1, 1])
        for c in 0..<32 { for i in 0..<49 { #expect(pooled.data[c * 49 + i] == beforePool.data[c]) } }
    }

    @Test func badInputGivesTypedErrors() throws {
        let net = try VGG(.small(classes: 3, inputChannels: 1), seed: 1)
        #expect(throws: VGGError.wrongChannelCount(expected: 1, got: 3)) { try net(Tensor.zeros([2, 3, 16, 16])) }
        #expect(throws: VGGError.imageTooSmall(height: 4, width: 16, minimum: 8)) { try net(Tensor.zeros([2, 1, 4, 16])) }
        #expect(throws: VGGError.wrongInputShape([2, 16, 16], expected: "[N, 1, H, W]")) { try net(Tensor.zeros([2, 16, 16])) }
        let nan = Tensor.zeros([1, 1, 8, 8])
        try nan.assign([Float](repeating: 0, count: 10) + [.nan] + [Float](repeating: 0, count: 53))
        do { _ = try net(nan); Issue.record("NaN input accepted") } catch let VGGError.nonFinite(index, value) {
            #expect(index == 10 && value.isNaN)
        }
        #expect(throws: FitError.self) { try VGG(.small(classes: 1), seed: 1) }
        #expect(throws: FitError.self) { try VGG(VGGConfiguration(layers: [nil], batchNorm: false), seed: 1) }
        #expect(throws: VGGError.unknownBlock("block9", available: 3)) { try net.setFrozen(true, part: "block9") }
        #expect(throws: VGGError.unknownBlock("4", available: 3)) { try net.freeze(throughBlock: 4) }
    }
}

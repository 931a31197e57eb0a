import AlmagestCore

/// VGG networks (Simonyan & Zisserman, 2015, "Very Deep Convolutional Networks for Large-Scale Image
/// Recognition", Table 1 configurations A, B, D, E = VGG-11, 13, 16, 19), optionally with batch
/// normalisation after every convolution (torchvision's `vgg11_bn` ...), built with torchvision's
/// module layout so that parameter names equal its `state_dict` keys: `features.0.weight`,
/// `features.1.running_mean` (batch norm), `classifier.6.bias`.
///
/// The network is `features` (3x3 convolutions with padding 1, ReLU, 2x2 max pools), `avgpool`
/// (adaptive average pooling to `poolSize`, 7x7 in torchvision), a flatten, and `classifier`
/// (`Linear, ReLU, Dropout` per hidden size, then the output `Linear`).
///
/// Small inputs: five max pools divide the side by 32. A 32x32 input leaves a 1x1 map, and the
/// adaptive pool then copies that single value into every one of the 7x7 cells (each output bin
/// covers the one input pixel), exactly as PyTorch's `AdaptiveAvgPool2d(7)` does; the first
/// linear layer therefore still has 512·49 inputs. Inputs smaller than 32 would make a pool see
/// an empty map and are refused by `VGGConfiguration.validate()`.
///
/// Cost: forward ≈ 2·Σ (C_in·C_out·9·H·W) flops over the convolutions (VGG-11 at 224² ≈ 7.6 GFLOP
/// per image), dominated by im2col + GEMM in `Tensor.conv2d`.
///
/// ```swift
/// let config = VGGConfiguration.torchvision(depth: .vgg11, batchNorm: true, classes: 3, inputSize: 64)
/// let net = try VGG(config, seed: 7)
/// try Safetensors.load(into: net, from: url)     // torchvision names, checked by name and shape
/// net.setTraining(false)
/// let logits = try net(images)                    // [N, 3, 64, 64] -> [N, 3]
/// try net.freeze(throughBlock: 4)                 // "features up to block 4 frozen"
/// ```
public final class VGG: Layer {
    public var isTraining = true
    public let configuration: VGGConfiguration
    /// The convolutional part (torchvision's `features`).
    public let features: Sequential
    /// The adaptive average pool (torchvision's `avgpool`).
    public let avgpool: AdaptiveAvgPool2d
    /// The head (torchvision's `classifier`); replace it with `replaceClassifier`.
    public private(set) var classifier: Sequential

    /// Builds the network with seeded Kaiming-uniform convolutions and linear layers.
    public init(_ configuration: VGGConfiguration, seed: Int) throws {
        try configuration.validate()
        self.configuration = configuration
        var layers: [any Layer] = []
        var channels = configuration.inputChannels
        var layerSeed = seed
        for entry in configuration.layers {
            if let width = entry {
                layerSeed += 1
                layers.append(Conv2d(inChannels: channels, outChannels: width, kernelSize: (3, 3), padding: (1, 1), seed: layerSeed))
                if configuration.batchNorm { layers.append(BatchNorm2d(channels: width)) }
                layers.append(ReLU())
                channels = width
            } else {
                layers.append(MaxPool2d(kernel: (2, 2)))
            }
        }
        features = Sequential(layers)
        avgpool = AdaptiveAvgPool2d(outputSize: (configuration.poolSize, configuration.poolSize))
        classifier = try Self.makeHead(inputs: channels * configuration.poolSize * configuration.poolSize,
                                       hidden: configuration.hiddenSizes, dropout: configuration.dropout,
                                       classes: configuration.classes, seed: seed + 1000)
    }

    public var children: [(name: String, layer: any Layer)] {
        [(name: "features", layer: features), (name: "avgpool", layer: avgpool), (name: "classifier", layer: classifier)]
    }

    /// Logits `[N, classes]` of images `[N, inputChannels, H, W]`. Throws `VGGError` on a wrong
    /// rank or channel count, images smaller than 32 pixels per side, or non-finite values.
    public func forward(_ input: Tensor) throws -> Tensor {
        try checkInput(input)
        return try classifier(headInput(input))
    }

    /// The flattened output of `features` and `avgpool`: what the classifier sees (the frozen
    /// features that `FrozenFeatureCache` stores).
    public func headInput(_ input: Tensor) throws -> Tensor {
        try avgpool(features(input)).flattened()
    }

    /// Replaces the head by `Linear, ReLU, Dropout` per hidden size and an output layer.
    public func replaceClassifier(hiddenSizes: [Int], dropout: Float, classes: Int, seed: Int) throws {
        try require(classes >= 2, "classes", classes, expected: "at least 2")
        try require(hiddenSizes.allSatisfy { $0 >= 1 }, "hidden sizes", hiddenSizes, expected: "positive sizes")
        let inputs = classifierInputs
        classifier = try Self.makeHead(inputs: inputs, hidden: hiddenSizes, dropout: dropout, classes: classes, seed: seed)
    }

    /// Number of inputs of the classifier (channels of the last block x pool size squared).
    public var classifierInputs: Int {
        (configuration.layers.compactMap { $0 }.last ?? configuration.inputChannels) * configuration.poolSize * configuration.poolSize
    }

    /// Index ranges of the convolutional blocks inside `features`: block b (from 1) ends with its
    /// max pool. VGG-16 has blocks 1...5 with 2, 2, 3, 3, 3 convolutions.
    public var blockRanges: [Range<Int>] {
        var ranges: [Range<Int>] = [], start = 0, index = 0
        for entry in configuration.layers {
            index += entry == nil ? 1 : (configuration.batchNorm ? 3 : 2)
            if entry == nil { ranges.append(start..<index); start = index }
        }
        if start < index { ranges.append(start..<index) }
        return ranges
    }

    /// The `features` indices of every convolution (candidates for Grad-CAM and feature maps).
    public var convolutionIndices: [Int] {
        features.layers.indices.filter { features.layers[$0] is Conv2d }
    }

    // MARK: - Private

    func checkInput(_ input: Tensor) throws {
        guard input.rank == 4 else { throw VGGError.wrongInputShape(input.shape, expected: "[N, \(configuration.inputChannels), H, W]") }
        guard input.shape[1] == configuration.inputChannels else {
            throw VGGError.wrongChannelCount(expected: configuration.inputChannels, got: input.shape[1])
        }
        let pools = configuration.layers.filter { $0 == nil }.count
        let minimum = 1 << pools
        guard input.shape[2] >= minimum, input.shape[3] >= minimum else {
            throw VGGError.imageTooSmall(height: input.shape[2], width: input.shape[3], minimum: minimum)
        }
        if let i = input.data.firstIndex(where: { !$0.isFinite }) { throw VGGError.nonFinite(index: i, value: input.data[i]) }
    }

    private static func makeHead(inputs: Int, hidden: [Int], dropout: Float, classes: Int, seed: Int) throws -> Sequential {
        var layers: [any Layer] = [], width = inputs, s = seed
        for h in hidden {
            s += 1
            layers.append(Linear(inputs: width, outputs: h, seed: s))
            layers.append(ReLU())
            layers.append(try Dropout(probability: dropout, seed: s + 500))
            width = h
        }
        layers.append(Linear(inputs: width, outputs: classes, seed: s + 1))
        return Sequential(layers)
    }
}

/// The shape of a VGG: convolution widths with `nil` for a max pool, batch norm, input, head.
public struct VGGConfiguration: Codable, Equatable, Sendable {
    /// torchvision's four depths (configurations A, B, D, E of the paper).
    public enum Depth: Int, Codable, Sendable, CaseIterable { case vgg11 = 11, vgg13 = 13, vgg16 = 16, vgg19 = 19 }

    /// Output channels of each 3x3 convolution in order, `nil` marking a 2x2 max pool.
    public var layers: [Int?]
    public var batchNorm: Bool
    public var inputChannels: Int
    /// Side of the adaptive average pool's output (7 in torchvision).
    public var poolSize: Int
    public var hiddenSizes: [Int]
    public var dropout: Float
    public var classes: Int

    public init(layers: [Int?], batchNorm: Bool, inputChannels: Int = 3, poolSize: Int = 7,
                hiddenSizes: [Int] = [4096, 4096], dropout: Float = 0.5, classes: Int = 1000) {
        (self.layers, self.batchNorm, self.inputChannels, self.poolSize) = (layers, batchNorm, inputChannels, poolSize)
        (self.hiddenSizes, self.dropout, self.classes) = (hiddenSizes, dropout, classes)
    }

    /// torchvision's configuration of `depth`, with every width divided by `widthDivisor` (1 = 64...512;
    /// 8 gives the 8...64 nets the tests use).
    public static func torchvision(depth: Depth, batchNorm: Bool, classes: Int = 1000, inputChannels: Int = 3,
                                   widthDivisor: Int = 1, poolSize: Int = 7,
                                   hiddenSizes: [Int] = [4096, 4096], dropout: Float = 0.5) -> VGGConfiguration {
        let spec: [Int?]
        switch depth {
        case .vgg11: spec = [64, nil, 128, nil, 256, 256, nil, 512, 512, nil, 512, 512, nil]
        case .vgg13: spec = [64, 64, nil, 128, 128, nil, 256, 256, nil, 512, 512, nil, 512, 512, nil]
        case .vgg16: spec = [64, 64, nil, 128, 128, nil, 256, 256, 256, nil, 512, 512, 512, nil, 512, 512, 512, nil]
        case .vgg19: spec = [64, 64, nil, 128, 128, nil, 256, 256, 256, 256, nil, 512, 512, 512, 512, nil, 512, 512, 512, 512, nil]
        }
        let divisor = max(widthDivisor, 1)
        return VGGConfiguration(layers: spec.map { $0.map { max($0 / divisor, 1) } }, batchNorm: batchNorm,
                                inputChannels: inputChannels, poolSize: poolSize, hiddenSizes: hiddenSizes,
                                dropout: dropout, classes: classes)
    }

    /// A small VGG-style net for 28x28 or 64x64 inputs, cheap on two cores: three blocks of
    /// 16, 32, 64 channels (two convolutions in the last), batch norm, pool to 2x2, one hidden
    /// layer of 64.
    public static func small(classes: Int, inputChannels: Int = 1, batchNorm: Bool = true) -> VGGConfiguration {
        VGGConfiguration(layers: [16, nil, 32, nil, 64, 64, nil], batchNorm: batchNorm, inputChannels: inputChannels,
                         poolSize: 2, hiddenSizes: [64], dropout: 0.3, classes: classes)
    }

    /// Throws `FitError.invalidParameter` naming the first bad value.
    public func validate() throws {
        try require(!layers.isEmpty && layers.contains { $0 != nil }, "VGG layers", layers.map { $0.map(String.init) ?? "M" },
                    expected: "at least one convolution")
        try require(layers.allSatisfy { ($0 ?? 1) >= 1 }, "VGG layer widths", layers.map { $0.map(String.init) ?? "M" },
                    expected: "positive channel counts")
        try require(inputChannels >= 1, "inputChannels", inputChannels, expected: "at least 1")
        try require(poolSize >= 1, "poolSize", poolSize, expected: "at least 1")
        try require(hiddenSizes.allSatisfy { $0 >= 1 }, "hiddenSizes", hiddenSizes, expected: "positive sizes")
        try require(dropout >= 0 && dropout < 1, "dropout", dropout, expected: "a value in [0, 1)")
        try require(classes >= 2, "classes", classes, expected: "at least 2")
    }
}

/// Input a VGG cannot take.
public enum VGGError: Error, Equatable, CustomStringConvertible {
    case wrongInputShape([Int], expected: String)
    case wrongChannelCount(expected: Int, got: Int)
    case imageTooSmall(height: Int, width: Int, minimum: Int)
    case nonFinite(index: Int, value: Float)
    case unknownBlock(String, available: Int)

    public var description: String {
        switch self {
        case let .wrongInputShape(shape, expected): return "VGG input has shape \(shape); expected \(expected)"
        case let .wrongChannelCount(expected, got): return "VGG input has \(got) channels; the network expects \(expected)"
        case let .imageTooSmall(h, w, minimum):
            return "VGG input images are \(h)x\(w); expected at least \(minimum)x\(minimum) (one halving per max pool)"
        case let .nonFinite(index, value): return "VGG input holds \(value) at flat index \(index); expected finite values"
        case let .unknownBlock(name, available):
            return "unknown block \"\(name)\"; expected \"features\", \"classifier\", \"all\" or a block number 1...\(available)"
        }
    }
}

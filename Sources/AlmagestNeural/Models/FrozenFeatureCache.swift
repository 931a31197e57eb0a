import AlmagestCore

/// Transfer learning with a frozen backbone: when every parameter of `features` is frozen and the
/// inputs do not change between epochs (no augmentation), the output of `features` + `avgpool`
/// is computed once per image and the epochs train only the classifier on those cached rows.
///
/// Frozen features run in evaluation mode (batch norm on its running statistics), which is what
/// makes the cache exact: `HeadOnly` trains the same way without the cache, and with the same
/// seed both give the same head (the Trainer's shuffling and the head's dropout streams do not
/// depend on where the head's inputs come from).
///
/// Cost: one forward pass of `features` over the training and validation images, then per epoch
/// only the head's forward and backward. Memory: rows x `classifierInputs` floats.
///
/// ```swift
/// try net.setFrozen(true, part: "features")
/// let opt = try Adam(parameters: net.classifier.trainableParameters(), learningRate: 1e-3)
/// let history = try FrozenFeatureCache.fit(net, optimizer: opt, inputs: x, targets: .classes(y),
///                                          options: TrainingOptions(epochs: 10, seed: 1)) { l, t in
///     try crossEntropy(logits: l, labels: t.classLabels!)
/// }
/// ```
public enum FrozenFeatureCache {
    /// The classifier's inputs for every image, computed in batches of `batchSize` in evaluation mode.
    public static func features(_ net: VGG, images: Tensor, batchSize: Int = 32) throws -> Tensor {
        guard net.featuresFrozen else { throw FitError.invalidParameter(name: "features", value: "trainable",
                                                                      expected: "every features parameter frozen before caching") }
        let wasTraining = net.features.isTraining
        net.features.setTraining(false)
        defer { net.features.setTraining(wasTraining) }
        return try Tensor.withoutGradient {
            var parts: [Tensor] = []
            var start = 0
            while start < images.shape[0] {
                let rows = Array(start..<min(start + batchSize, images.shape[0]))
                let x = try images.selectingRows(rows)
                try net.checkInput(x)
                parts.append(try net.headInput(x))
                start += batchSize
            }
            return try Tensor.concatenate(parts, axis: 0)
        }
    }

    /// Trains the head on cached features; returns the Trainer's history.
    public static func fit(_ net: VGG, optimizer: any Optimizer, inputs: Tensor, targets: TrainingTargets,
                           validation: (inputs: Tensor, targets: TrainingTargets)? = nil, options: TrainingOptions,
                           loss: (Tensor, TrainingTargets) throws -> Tensor) throws -> TrainingHistory {
        let cached = try features(net, images: inputs, batchSize: options.batchSize)
        let cachedValidation = try validation.map { (try features(net, images: $0.inputs, batchSize: options.batchSize), $0.targets) }
        return try Trainer(options: options).fit(net.classifier, optimizer: optimizer, inputs: cached, targets: targets,
                                                 validation: cachedValidation, loss: loss)
    }
}

/// A VGG seen as "frozen features in evaluation mode, then the trainable head": what
/// `FrozenFeatureCache` computes, without the cache (for augmentation, or to check the cache).
/// Its state is the classifier's.
public final class HeadOnly: Layer {
    public var isTraining = true
    public let net: VGG
    public init(_ net: VGG) { self.net = net }
    public var children: [(name: String, layer: any Layer)] { [(name: "classifier", layer: net.classifier)] }
    public func forward(_ input: Tensor) throws -> Tensor {
        net.features.setTraining(false)
        let x = try Tensor.withoutGradient { () throws -> Tensor in
            try net.checkInput(input)
            return try net.headInput(input)
        }
        return try net.classifier(x)
    }
}

/// Several optimisers as one, one per parameter group, each with its own learning rate (for
/// example a small rate for unfrozen late convolutions and a larger one for a new head). A
/// schedule sets `learningRate`, which scales every group by the same factor relative to the
/// first group's base rate.
///
/// ```swift
/// let opt = try ParameterGroups([
///     try Adam(parameters: net.features.trainableParameters(), learningRate: 1e-5),
///     try Adam(parameters: net.classifier.trainableParameters(), learningRate: 1e-3)])
/// ```
public final class ParameterGroups: Optimizer {
    public let groups: [any Optimizer]
    private let baseRates: [Float]

    public init(_ groups: [any Optimizer]) throws {
        try require(!groups.isEmpty, "parameter groups", 0, expected: "at least one optimiser")
        self.groups = groups
        baseRates = groups.map(\.learningRate)
    }

    public var learningRate: Float {
        get { groups[0].learningRate }
        set { for (g, base) in zip(groups, baseRates) { g.learningRate = base * newValue / baseRates[0] } }
    }

    public var parameters: [Tensor] { groups.flatMap(\.parameters) }

    public func step() { for g in groups { g.step() } }
}

import AlmagestCore
import AlmagestNeural
import Foundation

/// A multilayer perceptron classifier: fully connected hidden layers with a nonlinearity, a
/// softmax output over the classes, trained on cross-entropy by mini-batch Adam (Kingma & Ba,
/// 2015) or SGD with momentum, optionally with early stopping on a held-out validation part
/// (stratified). Follows scikit-learn's `MLPClassifier` (Rumelhart, Hinton & Williams, 1986 for
/// back-propagation). Weights start from Kaiming (ReLU family) or Xavier (tanh, sigmoid) draws of a
/// seeded stream, and batches are shuffled by the same seed, so a fit is reproducible.
///
/// Cost: O(epochs · n · Σ layerᵢ · layerᵢ₊₁) flops, through SGEMM.
///
/// ```swift
/// let mlp = MLPClassifier(hiddenLayerSizes: [95, 95], learningRate: 1e-3, batchSize: 256, epochs: 30, seed: 7)
/// let model = try mlp.fit(xTrain, labels: yTrain)
/// let predicted = try model.predict(xTest)
/// let probabilities = try model.predictProbabilities(xTest)   // columns follow model.classes
/// ```
public struct MLPClassifier: Classifier, Equatable {
    /// The nonlinearity after every hidden layer.
    public enum Activation: String, Codable, Sendable, CaseIterable { case relu, leakyRelu, tanh, sigmoid }
    /// The optimiser.
    public enum Solver: String, Codable, Sendable, CaseIterable {
        case adam, sgd

        /// The rate used when `learningRate` is 0: 1e-3 for Adam, 0.05 for SGD (momentum 0.9,
        /// Nesterov), as PyTorch users set it; measured on MAGIC in the README.
        public var defaultLearningRate: Double { self == .adam ? 1e-3 : 0.05 }
    }

    /// The learning rate training uses: `learningRate`, or the solver's usual rate when it is 0.
    public var effectiveLearningRate: Double { learningRate > 0 ? learningRate : solver.defaultLearningRate }

    public var hiddenLayerSizes: [Int]
    public var activation: Activation
    public var solver: Solver
    /// The step size; 0 (the default) takes the solver's usual rate, `Solver.defaultLearningRate`:
    /// 1e-3 for Adam (Kingma & Ba's default) and 0.05 for SGD with momentum, whose steps are not
    /// normalised and which under-trains at Adam's rate.
    public var learningRate: Double
    /// Momentum of SGD (Nesterov when `nesterov`); ignored by Adam.
    public var momentum: Double
    public var nesterov: Bool
    /// L2 penalty on the weights (scikit-learn's `alpha`), as weight decay.
    public var weightDecay: Double
    public var batchSize: Int
    /// Maximum number of passes over the training data.
    public var epochs: Int
    /// Hold out `validationFraction` of the training rows (`StratifiedSplit`, so every class needs
    /// two rows) and stop when the validation loss has not improved for `patience` epochs, keeping
    /// the best weights.
    public var earlyStopping: Bool
    public var validationFraction: Double
    public var patience: Int
    public var seed: Int

    public init(hiddenLayerSizes: [Int] = [100], activation: Activation = .relu, solver: Solver = .adam,
                learningRate: Double = 0, momentum: Double = 0.9, nesterov: Bool = true, weightDecay: Double = 0,
                batchSize: Int = 200, epochs: Int = 200, earlyStopping: Bool = false, validationFraction: Double = 0.1,
                patience: Int = 10, seed: Int = 0) {
        self.hiddenLayerSizes = hiddenLayerSizes
        self.activation = activation
        self.solver = solver
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.batchSize = batchSize
        self.epochs = epochs
        self.earlyStopping = earlyStopping
        self.validationFraction = validationFraction
        self.patience = patience
        self.seed = seed
    }

    /// Throws `FitError.invalidParameter` for the first setting outside its range.
    public func validate() throws {
        try require(hiddenLayerSizes.allSatisfy { $0 >= 1 }, "hidden layer sizes", hiddenLayerSizes, expected: "positive sizes")
        try require(learningRate >= 0 && learningRate.isFinite, "learning rate", learningRate,
                    expected: "a positive number, or 0 for the solver's usual rate")
        try require(momentum >= 0 && momentum < 1, "momentum", momentum, expected: "a value in [0, 1)")
        try require(weightDecay >= 0, "weight decay", weightDecay, expected: "a non-negative number")
        try require(batchSize >= 1, "batch size", batchSize, expected: "at least 1")
        try require(epochs >= 1, "epochs", epochs, expected: "at least 1")
        try require(validationFraction > 0 && validationFraction < 1, "validation fraction", validationFraction,
                    expected: "a value in (0, 1)")
        try require(patience >= 1, "patience", patience, expected: "at least 1")
    }

    /// Fits on rows `x` with integer class labels (at least two distinct).
    public func fit(_ x: Matrix<Double>, labels: [Int]) throws -> MLPClassifierModel {
        try validate()
        try x.validateForFit("MLP input")
        guard labels.count == x.rows else {
            throw FitError.invalidLabels(reason: "got \(labels.count) labels for \(x.rows) rows; expected one per row")
        }
        let classes = Array(Set(labels)).sorted()
        guard classes.count >= 2 else {
            throw FitError.invalidLabels(reason: "found \(classes.count) class; an MLP classifier needs at least 2")
        }
        return try fitValidated(x, labels: labels, classes: classes)
    }
}

/// A fitted MLP: layer sizes, weights (`[outputs, inputs]` per layer, PyTorch's layout) and biases,
/// plus the training curves.
public struct MLPClassifierModel: FittedClassifier, Equatable {
    public let classes: [Int]
    public let activation: MLPClassifier.Activation
    /// Inputs, hidden sizes, then the number of classes.
    public let layerSizes: [Int]
    public let weights: [[Float]]
    public let biases: [[Float]]
    /// Mean training loss of each epoch.
    public let lossCurve: [Double]
    /// Validation loss and accuracy of each epoch (empty without early stopping).
    public let validationLosses: [Double]
    public let validationAccuracies: [Double]
    /// The epoch whose weights were kept (1-based).
    public let bestEpoch: Int
    /// Wall-clock seconds of each epoch; not part of equality (timings differ between runs).
    public let epochSeconds: [Double]

    public static func == (a: Self, b: Self) -> Bool {
        a.classes == b.classes && a.activation == b.activation && a.layerSizes == b.layerSizes
            && a.weights == b.weights && a.biases == b.biases && a.lossCurve == b.lossCurve
            && a.validationLosses == b.validationLosses && a.validationAccuracies == b.validationAccuracies
            && a.bestEpoch == b.bestEpoch
    }

    public func predict(_ x: Matrix<Double>) throws -> [Int] {
        try logits(x).argmaxRows().map { classes[$0] }
    }

    /// Softmax probabilities, one column per entry of `classes`.
    public func predictProbabilities(_ x: Matrix<Double>) throws -> Matrix<Double> {
        let p = try logits(x).softmax()
        return try Matrix(rows: x.rows, columns: classes.count, elements: p.data.map { Double($0) })
    }

    /// The network with these weights (for inspection, saving as safetensors, or fine-tuning).
    public func network() throws -> Sequential {
        let layers = layerSizes.count - 1
        guard layers >= 1, layerSizes.allSatisfy({ $0 >= 1 }), layerSizes.last == classes.count,
              weights.count == layers, biases.count == layers else {
            throw FitError.invalidParameter(
                name: "MLP model layer sizes", value: "\(layerSizes) with \(weights.count) weight and \(biases.count) bias arrays",
                expected: "at least two positive sizes ending in the \(classes.count) classes, one weight and bias array per layer")
        }
        let net = makeNetwork(sizes: layerSizes, activation: activation, seed: 0)
        let linears = net.layers.compactMap { $0 as? Linear }
        for (layer, (w, b)) in zip(linears, zip(weights, biases)) {
            try layer.weight.assign(w)
            try layer.bias!.assign(b)
        }
        return net
    }

    /// The weights as a safetensors file, under the names of `network()` (`0.weight`, `0.bias`,
    /// `2.weight`, ...; weights `[outputs, inputs]` as PyTorch's `nn.Linear`).
    public func safetensors(metadata: [String: String] = [:]) throws -> Data {
        try Safetensors.encode(network().namedState(), metadata: metadata)
    }

    // MARK: - Private

    private func logits(_ x: Matrix<Double>) throws -> Tensor {
        let net = try network()
        try x.validateForPredict("MLP input", features: layerSizes[0])
        net.setTraining(false)
        return try Tensor.withoutGradient { try net(Tensor(x)) }
    }
}

// MARK: - Private

extension MLPClassifier {
    fileprivate func fitValidated(_ x: Matrix<Double>, labels: [Int], classes: [Int]) throws -> MLPClassifierModel {
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($0.element, $0.offset) })
        let y = labels.map { index[$0]! }
        var trainRows = Array(0..<x.rows), validationRows: [Int] = []
        if earlyStopping {
            do {
                let parts = try StratifiedSplit(testFraction: validationFraction, seed: seed).split(labels: labels)
                (trainRows, validationRows) = (parts.train, parts.test)
            } catch let FitError.tooFewSamples(_, needed, got, reason) {
                throw FitError.tooFewSamples(method: "MLP early stopping (a stratified validation part)", needed: needed,
                                             got: got, reason: reason)
            }
        }
        let all = Tensor(x)
        let inputs = try all.selectingRows(trainRows)
        let sizes = [x.columns] + hiddenLayerSizes + [classes.count]
        let net = makeNetwork(sizes: sizes, activation: activation, seed: seed)
        let parameters = net.trainableParameters()
        let optimizer: any Optimizer
        switch solver {
        case .adam:
            optimizer = try Adam(parameters: parameters, learningRate: Float(effectiveLearningRate), weightDecay: Float(weightDecay))
        case .sgd:
            optimizer = try SGD(parameters: parameters, learningRate: Float(effectiveLearningRate), momentum: Float(momentum),
                                nesterov: nesterov && momentum > 0, weightDecay: Float(weightDecay))
        }
        let options = TrainingOptions(epochs: epochs, batchSize: batchSize, seed: seed,
                                      patience: earlyStopping ? patience : nil, showsProgress: false)
        let validation = earlyStopping
            ? (inputs: try all.selectingRows(validationRows), targets: TrainingTargets.classes(validationRows.map { y[$0] }))
            : nil
        let history = try Trainer(options: options).fit(
            net, optimizer: optimizer, inputs: inputs, targets: .classes(trainRows.map { y[$0] }), validation: validation
        ) { logits, targets in try crossEntropy(logits: logits, labels: targets.classLabels!) }
        let linears = net.layers.compactMap { $0 as? Linear }
        return MLPClassifierModel(
            classes: classes, activation: activation, layerSizes: sizes, weights: linears.map(\.weight.data),
            biases: linears.map { $0.bias!.data }, lossCurve: history.epochs.map(\.trainingLoss),
            validationLosses: history.epochs.compactMap(\.validationLoss),
            validationAccuracies: history.epochs.compactMap(\.validationAccuracy), bestEpoch: history.bestEpoch,
            epochSeconds: history.epochs.map(\.seconds))
    }
}

/// Linear layers of `sizes` with `activation` between them; Kaiming init for the ReLU family,
/// Xavier for tanh and sigmoid.
private func makeNetwork(sizes: [Int], activation: MLPClassifier.Activation, seed: Int) -> Sequential {
    let initialization: WeightInitialization = activation == .relu || activation == .leakyRelu ? .kaimingUniform : .xavierUniform
    var layers: [any Layer] = []
    for i in 0..<(sizes.count - 1) {
        layers.append(Linear(inputs: sizes[i], outputs: sizes[i + 1], initialization: initialization,
                             seed: seed &* 7919 &+ i))
        if i < sizes.count - 2 {
            switch activation {
            case .relu: layers.append(ReLU())
            case .leakyRelu: layers.append(LeakyReLU())
            case .tanh: layers.append(Tanh())
            case .sigmoid: layers.append(Sigmoid())
            }
        }
    }
    return Sequential(layers)
}

extension MLPClassifier: RegisteredEstimator {
    public static let estimatorName = "mlp"
    public static let summary = "multilayer perceptron: dense hidden layers, softmax output, Adam or SGD on cross-entropy"
    /// What `almagest classify --model mlp` gives without options: two hidden layers of 95, 30
    /// epochs of Adam at 1e-3 on batches of 256, a 10% validation part whose best epoch is kept.
    public static var defaultConfiguration: MLPClassifier {
        MLPClassifier(hiddenLayerSizes: [95, 95], batchSize: 256, epochs: 30, earlyStopping: true, validationFraction: 0.1,
                      patience: 30)
    }
    public static var conformanceConfiguration: MLPClassifier { MLPClassifier(hiddenLayerSizes: [8], epochs: 3) }
    public static var optionHelp: [String: String] {
        [
            "hidden_layer_sizes": "sizes of the hidden layers, like 95,95", "activation": "relu, leakyRelu, tanh or sigmoid",
            "solver": "optimiser: adam or sgd", "learning_rate": "step size; 0: the solver's usual rate (adam 1e-3, sgd 0.05)", "momentum": "SGD momentum",
            "nesterov": "SGD with Nesterov momentum", "weight_decay": "L2 penalty on the weights",
            "batch_size": "rows per mini-batch", "epochs": "passes over the training rows, at most",
            "early_stopping": "hold out a validation part and keep the best epoch",
            "validation_fraction": "share of the training rows held out for validation",
            "patience": "epochs without a better validation loss before stopping", "seed": "seed of the weights and batches",
        ]
    }
}

extension MLPClassifierModel {
    /// Loss per epoch, validation loss and accuracy, seconds per epoch and the epoch kept.
    public var trainingCurves: TrainingCurves? {
        TrainingCurves(trainingLoss: lossCurve, validationLoss: validationLosses, validationAccuracy: validationAccuracies,
                       epochSeconds: epochSeconds, bestEpoch: bestEpoch)
    }

    /// `safetensors(metadata:)`, as every fitted classifier offers it.
    public func safetensorsFile(metadata: [String: String]) throws -> Data? { try safetensors(metadata: metadata) }
}

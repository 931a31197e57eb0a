import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestNeural
import AlmagestTracking
import Foundation

/// The image-classification experiment (`almagest train-images`): an image folder (one sub-folder
/// per class) split per class into train / validation / test by seed, a VGG (the small VGG-style
/// net or VGG 11/13/16/19, optionally narrowed by `widthDivisor`) built for the folder's classes,
/// optionally initialised from a safetensors file (torchvision's names; the head is replaced),
/// parts frozen, trained with Adam or SGD (Nesterov momentum 0.9) on seeded mini-batches with the
/// augmentation pipeline applied per (seed, epoch, sample), the weights of the best validation
/// loss kept (early stopping with patience), then scored on the test part.
///
/// When every parameter of `features` is frozen and there is no augmentation, the frozen part
/// runs once per image (`FrozenFeatureCache`) and the epochs train only the head.
///
/// A run holds `parameters.json` (including the augmentation pipeline and `trained_parameters`),
/// `metrics.json`, `model.json` (`ImageModelCard`), `split.json`, `training_curve.{csv,svg,png}`,
/// `best.safetensors` and `last.safetensors` (torchvision names, with the card as metadata),
/// `predictions.csv`, `confusion_matrix.{json,csv,svg}`, `roc_per_class.{csv,svg}` (one-vs-rest),
/// `misclassified.{csv,png}`, `gradcam.{csv,png}` with `gradcam/NN.png` overlays and
/// `gradcam/NN-image.png` inputs, `feature_maps/features.N.png` (every convolution, first test
/// image), `filters.png`, `activation_views.json` (`ActivationViewsArtifact`, listing those) and
/// `augmentation.png` (a few augmented training images).
///
/// Cost: per epoch, one forward and backward pass over the training images and one forward pass
/// over the validation images; images are decoded once (cached, bounded) and augmented per epoch.
///
/// ```swift
/// var settings = ImageClassificationExperiment(data: "smids", model: "small")
/// settings.epochs = 10
/// let result = try settings.run(store: try RunStore(root: runsURL))
/// print(result.report.accuracy)
/// ```
public struct ImageClassificationExperiment: Codable, Sendable, Equatable {
    public enum OptimizerKind: String, Codable, Sendable, CaseIterable { case adam, sgd }
    public enum ScheduleKind: String, Codable, Sendable, CaseIterable { case constant, cosine }
    public enum Normalisation: String, Codable, Sendable, CaseIterable {
        /// ImageNet's statistics with weights that are not Almagest's, the weights' own otherwise, none without weights.
        case auto
        case imagenet
        case none
    }

    public var experiment = "images"
    /// The image folder.
    public var data: String
    /// small, vgg11, vgg13, vgg16 or vgg19.
    public var model: String
    public var batchNorm = true
    /// VGG widths divided by this (1: torchvision's 64...512).
    public var widthDivisor = 1
    /// Hidden sizes of the new head (nil: the model's own: 64 for small, 4096, 4096 for VGG).
    public var hidden: [Int]?
    public var dropout: Float?
    /// A safetensors file to start from (torchvision names, or an Almagest run's weights).
    public var weights: String?
    /// What to freeze: none, features, or blocks 1...N ("3" or "block3").
    public var freeze = "none"
    public var grey = false
    /// Side of the square input images.
    public var size = 64
    public var normalisation = Normalisation.auto
    public var augmentation: Augmentation
    public var optimizer = OptimizerKind.adam
    /// nil: 1e-3 for Adam, 0.01 for SGD.
    public var learningRate: Double?
    public var schedule = ScheduleKind.cosine
    public var epochs = 15
    public var batchSize = 32
    /// Epochs without a better validation loss before stopping; nil runs all epochs.
    public var patience: Int?
    public var validationFraction = 0.15
    public var testFraction = 0.15
    public var seed = 0
    /// Test images drawn with their Grad-CAM overlay.
    public var gradCAMImages = 8

    public init(data: String, model: String = "small", augmentation: Augmentation? = nil) {
        self.data = data
        self.model = model
        self.augmentation = augmentation ?? (try! Augmentation())
    }

    /// Throws `FitError.invalidParameter` naming the first bad setting.
    public func validate() throws {
        try require(["small", "vgg11", "vgg13", "vgg16", "vgg19"].contains(model), "model", model,
                    expected: "small, vgg11, vgg13, vgg16 or vgg19")
        try require(widthDivisor >= 1, "width divisor", widthDivisor, expected: "at least 1")
        try require(epochs >= 1, "epochs", epochs, expected: "at least 1")
        try require(batchSize >= 1, "batch size", batchSize, expected: "at least 1")
        try require(learningRate.map { $0 > 0 && $0.isFinite } ?? true, "learning rate", learningRate as Any, expected: "a positive number")
        try require(patience.map { $0 >= 1 } ?? true, "patience", patience as Any, expected: "at least 1")
        try require(size >= (model == "small" ? 8 : 32) && size <= 1024, "size", size,
                    expected: model == "small" ? "8 to 1024 pixels" : "32 to 1024 pixels (five max pools)")
        try require(validationFraction > 0 && testFraction > 0 && validationFraction + testFraction < 1, "validation and test fractions",
                    "\(validationFraction), \(testFraction)", expected: "both > 0 with a sum below 1")
        try require(gradCAMImages >= 0, "Grad-CAM images", gradCAMImages, expected: "0 or more")
        try require(hidden.map { $0.allSatisfy { $0 >= 1 } } ?? true, "hidden sizes", hidden as Any, expected: "positive sizes")
        try require(dropout.map { $0 >= 0 && $0 < 1 } ?? true, "dropout", dropout as Any, expected: "a value in [0, 1)")
        try augmentation.validate()
    }

    /// Reads the folder, trains, scores and (with a store) logs the run. `onEpoch` sees each epoch's record.
    public func run(store: RunStore?, progress: ProgressLog = .silent,
                    onEpoch: (ImageEpochRecord) -> Void = { _ in }) throws -> ImageClassificationResult {
        try validate()
        var preparation = ImageFolder.Options(size: size, colour: grey ? .grey : .rgb)
        let weightsData = try weights.map { path -> Data in
            do { return try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
                throw DataError.io(path: path, reason: "cannot read the weights (\(error.localizedDescription))")
            }
        }
        let weightsCard = try weightsData.flatMap { try ImageModelCard.card(inSafetensors: $0) }
        switch (normalisation, weightsData, weightsCard) {
        case (.imagenet, _, _), (.auto, .some, nil):
            let stats = ImageFolder.Options.imageNetNormalisation(colour: preparation.colour)
            (preparation.mean, preparation.standardDeviation) = (stats.mean, stats.standardDeviation)
        case let (.auto, .some, .some(card)) where card.preparation.mean != nil:
            let channels = preparation.channels
            if card.preparation.mean!.count == channels {
                (preparation.mean, preparation.standardDeviation) = (card.preparation.mean, card.preparation.standardDeviation)
            }
        default: break
        }
        let folder = try progress.phase("read \(data)") { try ImageFolder(root: URL(fileURLWithPath: data), options: preparation) }
        let split = try folder.split(validation: validationFraction, test: testFraction, seed: seed)
        for (name, part) in [("training", split.train), ("validation", split.validation), ("test", split.test)] where part.isEmpty {
            throw FitError.invalidParameter(name: "\(name) part", value: "empty",
                                            expected: "more images per class (\(folder.count) images in \(folder.classes.count) classes)")
        }
        let net = try buildNetwork(classes: folder.classes.count, channels: preparation.channels)
        if let weightsData {
            try progress.phase("load \(weights!)") { try net.loadWeights(data: weightsData, skippingClassifier: true) }
        }
        try applyFreezing(net)
        let card = ImageModelCard(model: model, configuration: net.configuration, classes: folder.classes, preparation: preparation)
        let trained = net.trainableParameterNames
        let parameters = runParameters(folder: folder, trained: trained)
        let tracked = try RunStore.track(in: store, experiment: experiment, algorithm: model, parameters: parameters) { run in
            var clock = Stopwatch()
            let training = try progress.phase("\(model): train \(split.train.count) images, \(epochs) epochs") {
                try ImageTraining(settings: self, folder: folder, net: net, split: split).fit(onEpoch: onEpoch)
            }
            var timings = ["fit": clock.lap()]
            let test = try progress.phase("\(model): test \(split.test.count) images") {
                try ImageTraining.scores(net, folder: folder, indices: split.test, batchSize: batchSize)
            }
            let truth = split.test.map { folder.labels[$0] }
            let predicted = test.map { p in p.indices.max { p[$0] < p[$1] }! }
            let k = folder.classes.count
            let report = try k == 2
                ? ClassificationReport(truth: truth, predicted: predicted, scores: test.map { $0[1] })
                : ClassificationReport(truth: truth, predicted: predicted,
                                       probabilities: Matrix(rows: test.count, columns: k) { test[$0][$1] })
            timings["test"] = clock.lap()
            var result = ImageClassificationResult(
                report: report, metrics: [:], timings: timings, card: card, split: split, curves: training.curves,
                trainedParameters: trained, testProbabilities: test, testPredicted: predicted)
            result.metrics = Self.metrics(report, classes: folder.classes, split: split, curves: training.curves,
                                          frozenCache: training.usedCache)
            if let run {
                try progress.phase("\(model): writing the run") {
                    try ImageClassificationArtifacts(result: result, folder: folder, net: net, settings: self,
                                                     lastState: training.lastState).write(to: run)
                }
                result.timings["artifacts"] = clock.lap()
            }
            result.timings["total"] = clock.total
            return RunOutcome(result, metrics: result.metrics, specs: MetricCatalog.specs(for: result.metrics.keys) + Self.extraSpecs,
                              timings: result.timings)
        }
        var result = tracked.value
        result.runID = tracked.record?.id
        result.directory = tracked.directory
        return result
    }

    /// The network of the settings for `classes` classes and `channels` input channels.
    public func buildNetwork(classes: Int, channels: Int) throws -> VGG {
        var config: VGGConfiguration
        if model == "small" {
            config = .small(classes: classes, inputChannels: channels, batchNorm: batchNorm)
        } else {
            let depth = VGGConfiguration.Depth(rawValue: Int(model.dropFirst(3))!)!
            config = .torchvision(depth: depth, batchNorm: batchNorm, classes: classes, inputChannels: channels, widthDivisor: widthDivisor)
        }
        if let hidden { config.hiddenSizes = hidden }
        if let dropout { config.dropout = dropout }
        return try VGG(config, seed: seed)
    }

    // MARK: - Private

    /// The specs of this experiment's metrics that the shared catalog does not hold.
    private static let extraSpecs = [
        MetricSpec.count("validation_samples"), MetricSpec.score("best_validation_accuracy"),
        MetricSpec("frozen_feature_cache", .maximize, range: 0...1),
    ]

    private func applyFreezing(_ net: VGG) throws {
        switch freeze {
        case "none", "": break
        case "features": try net.setFrozen(true, part: "features")
        default:
            let digits = freeze.hasPrefix("block") ? String(freeze.dropFirst(5)) : freeze
            guard let block = Int(digits) else {
                throw FitError.invalidParameter(name: "freeze", value: freeze,
                                                expected: "none, features, or a block number 1...\(net.blockRanges.count) (blocks up to it frozen)")
            }
            try net.freeze(throughBlock: block)
        }
    }

    private func runParameters(folder: ImageFolder, trained: [String]) -> [String: ParameterValue] {
        var p: [String: ParameterValue] = [
            "model": .string(model), "batch_norm": .bool(batchNorm), "width_divisor": .int(widthDivisor), "freeze": .string(freeze),
            "grey": .bool(grey), "size": .int(size), "augmentation": .string(augmentation.description),
            "optimizer": .string(optimizer.rawValue), "learning_rate": .double(learningRate ?? (optimizer == .adam ? 1e-3 : 0.01)),
            "schedule": .string(schedule.rawValue), "epochs": .int(epochs), "batch_size": .int(batchSize),
            "validation_fraction": .double(validationFraction), "test_fraction": .double(testFraction), "seed": .int(seed),
            "samples": .int(folder.count), "classes": .string(folder.classes.joined(separator: ",")), "source": .string(data),
            "normalisation": .string(normalisation.rawValue),
            "trained_parameters": .list(trained.map { .string($0) }),
        ]
        if let weights { p["weights"] = .string(weights) }
        if let patience { p["patience"] = .int(patience) }
        if let hidden { p["hidden"] = .list(hidden.map { .int($0) }) }
        if let dropout { p["dropout"] = .double(Double(dropout)) }
        return p
    }

    private static func metrics(_ report: ClassificationReport, classes: [String], split: ImageFolder.Split, curves: TrainingCurves,
                                frozenCache: Bool) -> [String: Double] {
        var metrics = report.dictionary
        for (k, name) in classes.enumerated() {
            metrics[PerClassMetrics.key(class: name, score: .precision)] = report.perClass.precision[k]
            metrics[PerClassMetrics.key(class: name, score: .recall)] = report.perClass.recall[k]
            metrics[PerClassMetrics.key(class: name, score: .f1)] = report.perClass.f1[k]
            metrics[PerClassMetrics.key(class: name, score: .support)] = Double(report.perClass.support[k])
        }
        metrics["train_samples"] = Double(split.train.count)
        metrics["validation_samples"] = Double(split.validation.count)
        metrics["test_samples"] = Double(split.test.count)
        metrics["epochs_run"] = Double(curves.trainingLoss.count)
        metrics["best_epoch"] = Double(curves.bestEpoch)
        metrics["frozen_feature_cache"] = frozenCache ? 1 : 0
        if let last = curves.trainingLoss.last { metrics["final_training_loss"] = last }
        if let best = curves.validationAccuracy[safeIndex: curves.bestEpoch - 1] { metrics["best_validation_accuracy"] = best }
        return metrics
    }
}

/// What an image-classification run produced.
public struct ImageClassificationResult: Sendable {
    public let report: ClassificationReport
    public internal(set) var metrics: [String: Double]
    public internal(set) var timings: [String: Double]
    public let card: ImageModelCard
    public let split: ImageFolder.Split
    public let curves: TrainingCurves
    /// Names of the parameters that trained.
    public let trainedParameters: [String]
    /// Class probabilities of each test image (`split.test` order).
    public let testProbabilities: [[Double]]
    public let testPredicted: [Int]
    public internal(set) var runID: String?
    public internal(set) var directory: URL?
}

extension Array {
    subscript(safeIndex i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}

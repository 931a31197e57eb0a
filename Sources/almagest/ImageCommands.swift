import AlmagestCore
import AlmagestData
import AlmagestExperiments
import AlmagestNeural
import AlmagestTracking
import ArgumentParser
import Foundation

/// `almagest train-images`: a VGG on an image folder (one sub-folder per class), with transfer
/// learning, freezing, augmentation and a logged run (`ImageClassificationExperiment`).
struct TrainImagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-images",
        abstract: "Train an image classifier (VGG) on a folder of class sub-folders and log the run.",
        discussion: """
            The images of each class are split 70/15/15 into train, validation and test parts (stratified, \
            seeded by --seed), resized (shorter side to --size, centre crop) and made grey (--grey) or RGB. \
            The weights of the epoch with the lowest validation loss are kept and scored on the test part. \
            --weights starts from a safetensors file with torchvision's names (a new head is made for the \
            folder's classes); --freeze features trains only the head (then, without --augment, the frozen \
            part runs once per image). The run holds the curves, best and last weights, test metrics, \
            confusion matrix, ROC per class, misclassified images and Grad-CAM overlays. \
            Example (a synthetic SMIDS-like set): almagest make-images --output smids && \
            almagest train-images --data smids --model small --augment rotate=180,hflip,vflip --epochs 10
            """)

    @OptionGroup var options: RunOptions

    @Option(name: .long, help: "Image folder: one sub-folder of PNG, JPEG or BMP files per class.")
    var data: String

    @Option(name: .long, help: "small (a VGG-style net for small images), vgg11, vgg13, vgg16 or vgg19.")
    var model: String = "small"

    @Flag(name: .long, help: "VGG without batch normalisation (torchvision's vgg11 ... rather than vgg11_bn ...).")
    var noBatchNorm = false

    @Option(name: .long, help: "Divide every VGG width by this (1: 64 ... 512 channels).")
    var widthDivisor: Int = 1

    @Option(name: .long, help: "Hidden sizes of the new head, comma-separated (default: the model's).")
    var hidden: String?

    @Option(name: .long, help: "Dropout of the head's hidden layers (default: the model's).")
    var dropout: Float?

    @Option(name: .long, help: "A safetensors file to start from (torchvision or timm names, or an almagest run's best.safetensors).")
    var weights: String?

    @Option(name: .long, help: "Freeze: none, features, or a block number N (blocks 1...N frozen).")
    var freeze: String = "none"

    @Flag(name: .long, help: "Grey input (one channel); RGB otherwise.")
    var grey = false

    @Option(name: .long, help: "Side of the square input images, in pixels.")
    var size: Int = 64

    @Option(name: .long, help: "Normalisation: auto (ImageNet's with foreign weights, the weights' own with almagest's, none without), imagenet or none.")
    var normalize: ImageClassificationExperiment.Normalisation = .auto

    @Option(name: .long, help: ArgumentHelp("Augmentation of the training images, e.g. rotate=180,hflip,vflip,crop=0.8,brightness=0.2,contrast=0.2,noise=0.05,fill=0.",
                                            valueName: "pipeline"))
    var augment: String = "none"

    @Option(name: .long, help: "adam or sgd (Nesterov momentum 0.9).")
    var optimizer: ImageClassificationExperiment.OptimizerKind = .adam

    @Option(name: .long, help: "Learning rate (default: 1e-3 for adam, 0.01 for sgd).")
    var learningRate: Double?

    @Option(name: .long, help: "Learning-rate schedule: constant or cosine.")
    var schedule: ImageClassificationExperiment.ScheduleKind = .cosine

    @Option(name: .long, help: "Passes over the training images.")
    var epochs: Int = 15

    @Option(name: .long, help: "Images per mini-batch.")
    var batchSize: Int = 32

    @Option(name: .long, help: "Stop after this many epochs without a lower validation loss.")
    var earlyStopping: Int?

    @Option(name: .long, help: "Share of each class held out for validation.")
    var validationFraction: Double = 0.15

    @Option(name: .long, help: "Share of each class held out for the test part.")
    var testFraction: Double = 0.15

    @Option(name: .long, help: "Test images drawn with their Grad-CAM overlay.")
    var gradcam: Int = 8

    @Option(name: .long, help: "Experiment name: the folder of the runs in the store.")
    var experiment: String = "images"

    func run() throws {
        try reportingErrors {
            options.apply()
            var settings = ImageClassificationExperiment(data: data, model: model, augmentation: try Augmentation(parsing: augment))
            settings.experiment = experiment
            settings.batchNorm = !noBatchNorm
            settings.widthDivisor = widthDivisor
            settings.hidden = try hidden.map { text in
                try text.split(separator: ",").map { part in
                    guard let n = Int(part.trimmingCharacters(in: .whitespaces)) else {
                        throw ValidationError("--hidden expects comma-separated sizes, got \(text)")
                    }
                    return n
                }
            }
            settings.dropout = dropout
            settings.weights = weights
            settings.freeze = freeze
            settings.grey = grey
            settings.size = size
            settings.normalisation = normalize
            settings.optimizer = optimizer
            settings.learningRate = learningRate
            settings.schedule = schedule
            settings.epochs = epochs
            settings.batchSize = batchSize
            settings.patience = earlyStopping
            settings.validationFraction = validationFraction
            settings.testFraction = testFraction
            settings.seed = options.seed
            settings.gradCAMImages = gradcam
            try settings.validate()
            let store = try RunStore(root: URL(fileURLWithPath: options.runs))
            let result = try settings.run(store: store, progress: .standardError) { record in
                var line = "epoch \(record.epoch)/\(epochs)  loss \(String(format: "%.4f", record.trainingLoss))"
                line += String(format: "  val loss %.4f  val acc %.4f", record.validationLoss, record.validationAccuracy)
                line += String(format: "  %.2f s\n", record.seconds)
                FileHandle.standardError.write(Data(line.utf8))
            }
            let split = result.split
            print("\(split.train.count + split.validation.count + split.test.count) images of \(result.card.classes.count) classes ("
                  + result.card.classes.joined(separator: ", ") + ") from \(data)")
            print("train \(split.train.count), validation \(split.validation.count), test \(split.test.count); model \(model), "
                  + "\(result.trainedParameters.count) of \(try settings.buildNetwork(classes: result.card.classes.count, channels: grey ? 1 : 3).namedParameters().count) parameter tensors trained"
                  + (result.metrics["frozen_feature_cache"] == 1 ? " (frozen features cached)" : "")
                  + ", \(result.curves.trainingLoss.count) epochs (kept \(result.curves.bestEpoch))"
                  + String(format: ", fit %.2f s", result.timings["fit"] ?? 0))
            print()
            print(Self.table(result))
            print("\nrun \(result.runID ?? "-") -> \(result.directory?.path ?? "")")
        }
    }

    /// Per-class precision, recall, F1 and support, and the accuracy.
    static func table(_ result: ImageClassificationResult) -> String {
        let report = result.report
        var table = TextTable(header: ["class", "precision", "recall", "f1", "support"])
        for (k, name) in result.card.classes.enumerated() {
            let s = report.perClass
            table.append([name] + [s.precision[k], s.recall[k], s.f1[k]].map { String(format: "%.4f", $0) } + [String(s.support[k])])
        }
        table.append([])
        table.append(["accuracy", "", "", String(format: "%.4f", report.accuracy), String(report.confusion.sampleCount)])
        return table.rendered
    }
}

/// `almagest predict-images`: class and probabilities of image files with a trained model.
struct PredictImagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict-images",
        abstract: "Print the class and class probabilities of images with a model from almagest train-images.",
        discussion: "--model is a run directory (its best.safetensors) or a .safetensors file written by a run.")

    @Option(name: .long, help: "A train-images run directory or one of its .safetensors files.")
    var model: String

    @Argument(help: "Image files (PNG, JPEG, BMP).")
    var images: [String]

    func run() throws {
        try reportingErrors {
            guard !images.isEmpty else { throw ValidationError("give one or more image files") }
            let (card, net) = try ImageModelCard.load(URL(fileURLWithPath: model))
            let probabilities = try card.predict(net, files: images.map { URL(fileURLWithPath: $0) })
            var table = TextTable(header: ["file", "class"] + card.classes.map { "p_" + $0 })
            for (file, p) in zip(images, probabilities) {
                let best = p.indices.max { p[$0] < p[$1] }!
                table.append([file, card.classes[best]] + p.map { String(format: "%.4f", $0) })
            }
            print(table.rendered)
        }
    }
}

/// `almagest make-images`: the synthetic SMIDS-layout microscopy set, or MNIST images, as PNG folders.
struct MakeImagesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-images",
        abstract: "Write an image folder: the synthetic microscopy set (normal / abnormal / non-sperm) or MNIST digits.",
        discussion: """
            Without --mnist: the synthetic SMIDS-layout set (elliptical heads with tails, misshapen heads or coiled \
            tails, debris; noise, blur, random orientation), seeded. With --mnist FOLDER (the IDX files, .gz or not): \
            the first --count images of t10k (or train) as one folder per digit.
            """)

    @Option(name: .long, help: "Folder to write (must not exist or be empty).")
    var output: String

    @Option(name: .long, help: "Number of images.")
    var count: Int = 600

    @Option(name: .long, help: "Side of the synthetic images, in pixels.")
    var size: Int = 64

    @Option(name: .long, help: "Seed of the synthetic set.")
    var seed: Int = 0

    @Option(name: .long, help: "A folder holding MNIST's IDX files: write digits instead of the synthetic set.")
    var mnist: String?

    func run() throws {
        try reportingErrors {
            let folder = URL(fileURLWithPath: output)
            if let mnist {
                let counts = try MNISTFolder.write(from: URL(fileURLWithPath: mnist), to: folder, count: count)
                print("wrote \(counts.values.reduce(0, +)) MNIST images in \(counts.count) folders to \(output)")
            } else {
                let counts = try SyntheticMicroscopy(size: size, count: count, seed: seed).write(to: folder)
                print("wrote " + counts.keys.sorted().map { "\(counts[$0]!) \($0)" }.joined(separator: ", ") + " images (\(size) x \(size)) to \(output)")
            }
        }
    }
}

extension ImageClassificationExperiment.Normalisation: ExpressibleByArgument {}
extension ImageClassificationExperiment.OptimizerKind: ExpressibleByArgument {}
extension ImageClassificationExperiment.ScheduleKind: ExpressibleByArgument {}

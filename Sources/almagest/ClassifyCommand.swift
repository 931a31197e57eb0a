import AlmagestCore
import AlmagestData
import AlmagestExperiments
import AlmagestLearn
import AlmagestTracking
import ArgumentParser
import Foundation

/// `almagest classify`: a classifier on a user's labelled CSV or NPY file, evaluated on a
/// stratified test part, with the run logged.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Train a classifier on a labelled CSV or NPY file, score it on a held-out part and log the run.",
        discussion: """
            The rows are split 80/20 per class (stratified, seeded by --seed); the features are standardised \
            with the training part's means and deviations; the test part gives accuracy, precision, recall \
            and F1 per class and macro-averaged. Example (MAGIC gamma telescope, class in the last column): \
            almagest classify --input magic04.data --target -1 --model mlp --hidden 95,95 --epochs 30
            """)

    @OptionGroup var options: RunOptions

    @Option(name: .long, help: "Data file: .csv, .csv.gz, .tsv, .data or .npy.")
    var input: String

    @Option(name: .long, parsing: .unconditional, help: "Column with the classes (name, or index; negative counts from the end).")
    var target: String

    @Option(name: .long, help: "Model: \(ClassifierKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var model: ClassifierKind

    @Option(name: .long, help: "MLP: sizes of the hidden layers, comma-separated.")
    var hidden: String = "95,95"

    @Option(name: .long, help: "MLP: activation after each hidden layer (relu, leakyRelu, tanh, sigmoid).")
    var activation: MLPClassifier.Activation = .relu

    @Option(name: .long, help: "MLP: optimiser, adam or sgd (with Nesterov momentum 0.9).")
    var optimizer: MLPClassifier.Solver = .adam

    @Option(name: .long, help: "MLP: learning rate.")
    var learningRate: Double = 1e-3

    @Option(name: .long, help: "MLP: passes over the training part.")
    var epochs: Int = 30

    @Option(name: .long, help: "MLP: rows per mini-batch.")
    var batchSize: Int = 256

    @Option(name: .long, help: "MLP: share of the training part held out per class for the validation curve (0: none).")
    var validationFraction: Double = 0.1

    @Option(name: .long, help: "MLP: stop after this many epochs without a better validation loss (default: never).")
    var patience: Int?

    @Option(name: .long, help: "Share of each class held out for the test part.")
    var testFraction: Double = 0.2

    @Flag(name: .long, help: "Use the features as they are, without standardising them.")
    var noStandardize = false

    @Option(name: .long, help: "Experiment name: the folder of the runs in the store.")
    var experiment: String = "classify"

    func run() throws {
        try reportingErrors {
            options.apply()
            let selector = ColumnSelector(commandLine: target)
            let dataset = try ClassificationExperiment.loadDataset(from: URL(fileURLWithPath: input), target: selector)
            let config = ClassificationExperiment(
                experiment: experiment, classifier: try classifier(), testFraction: testFraction, seed: options.seed,
                standardize: !noStandardize)
            let store = try RunStore(root: URL(fileURLWithPath: options.runs))
            let result = try config.run(on: dataset, store: store)
            print("\(dataset.count) rows x \(dataset.featureCount) features from \(input); classes "
                  + result.model.classNames.joined(separator: ", "))
            print("train \(result.split.train.count) rows, test \(result.split.test.count) rows; model \(model.rawValue)"
                  + (result.model.classifier.trainingCurves.map { ", \($0.trainingLoss.count) epochs (kept \($0.bestEpoch))" } ?? "")
                  + String(format: ", fit %.2f s\n", result.timings["fit"] ?? 0))
            print(ClassificationExperiment.table(result))
            print("\nrun \(result.runID ?? "-") -> \(result.directory?.path ?? "")")
        }
    }

    /// The configuration of `--model` from the options.
    private func classifier() throws -> ClassifierChoice {
        switch model {
        case .mlp:
            let sizes = hidden.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !sizes.isEmpty, sizes.allSatisfy({ ($0 ?? 0) > 0 }) else {
                throw ValidationError("--hidden must be positive layer sizes separated by commas (like 95,95), got \(hidden)")
            }
            guard validationFraction >= 0, validationFraction < 1 else {
                throw ValidationError("--validation-fraction must be in [0, 1), got \(validationFraction)")
            }
            return .mlp(MLPClassifier(
                hiddenLayerSizes: sizes.map { $0! }, activation: activation, solver: optimizer, learningRate: learningRate,
                batchSize: batchSize, epochs: epochs, earlyStopping: validationFraction > 0,
                validationFraction: validationFraction > 0 ? validationFraction : 0.1, patience: patience ?? epochs,
                seed: options.seed))
        }
    }
}

extension ClassifierKind: ExpressibleByArgument {}
extension MLPClassifier.Activation: ExpressibleByArgument {}
extension MLPClassifier.Solver: ExpressibleByArgument {}

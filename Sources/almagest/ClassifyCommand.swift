import AlmagestCore
import AlmagestData
import AlmagestExperiments
import AlmagestLearn
import AlmagestTracking
import ArgumentParser
import Foundation

/// `almagest classify`: any registered classifier on a user's labelled CSV or NPY file, evaluated
/// on a stratified test part, with the run logged.
struct ClassifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "classify",
        abstract: "Train a classifier on a labelled CSV or NPY file, score it on a held-out part and log the run.",
        discussion: """
            The rows are split 80/20 per class (stratified, seeded by --seed); the features are standardised \
            with the training part's means and deviations (a pipeline fitted on the training part only); the \
            test part gives accuracy, precision, recall and F1 per class and macro-averaged. --model names any \
            registered classifier (almagest models --kind classifier); --option KEY=VALUE sets any of its \
            options, and the shorthand flags below set the common ones. The mlp's defaults: hidden 95,95, \
            adam, 30 epochs, batches of 256, 10% validation part whose best epoch is kept, and the learning \
            rate of the optimiser: 1e-3 for adam, 0.05 for sgd (Nesterov momentum 0.9); see almagest models mlp. \
            Example (MAGIC gamma telescope, class in the last column): \
            almagest classify --input magic04.data --target -1 --model mlp --hidden 95,95 --epochs 30
            """)

    @OptionGroup var options: RunOptions

    @Option(name: .long, help: "An experiment file (.json, .yaml): data, preprocessing, several models and their searches; replaces --input, --target, --model.")
    var experimentFile: String?

    @Option(name: .long, help: "Data file: .csv, .csv.gz, .tsv, .data or .npy.")
    var input: String?

    @Option(name: .long, parsing: .unconditional, help: "Column with the classes (name, or index; negative counts from the end).")
    var target: String?

    @Option(name: .long, help: "A registered classifier: \(EstimatorRegistry.shared.entries(of: .classifier).map(\.name).joined(separator: ", ")).")
    var model: String?

    @Option(name: .long, help: ArgumentHelp(
        "Steps before the model, in order: \(PreprocessingShorthand.table.map(\.name).joined(separator: ", ")), or any registered transformer or sampler (default: standard; none for no step). Samplers (smote, iqr, zscore) act on the training rows only.",
        valueName: "steps"))
    var preprocess: String?

    @Option(name: .long, help: "Feature columns of category codes to one-hot encode (comma-separated names).")
    var categorical: String?

    @Option(name: .long, help: "A feature column of group ids: the test part and the folds are made of whole groups.")
    var groups: String?

    @Option(name: .long, help: "Times the search's stratified folds are drawn anew (repeated k-fold).")
    var repeats: Int = 1

    @Flag(name: .long, help: "Draw a learning curve (accuracy against training rows) on the training part.")
    var learningCurve = false

    @Option(name: .long, help: ArgumentHelp("Draw a validation curve of one option on the training part, e.g. max_depth=2,4,8,16.",
                                            valueName: "key=v1,v2,..."))
    var validationCurve: String?

    @OptionGroup var estimator: EstimatorOptionGroup

    @Option(name: .long, help: "Shorthand for --option hidden_layer_sizes=SIZES (comma-separated).")
    var hidden: String?

    @Option(name: .long, help: "Shorthand for --option activation=NAME (relu, leakyRelu, tanh, sigmoid).")
    var activation: String?

    @Option(name: .long, help: "Shorthand for --option solver=NAME: the optimiser, adam or sgd (Nesterov momentum 0.9).")
    var optimizer: String?

    @Option(name: .long, help: "Shorthand for --option learning_rate=RATE (default: 1e-3 for adam, 0.05 for sgd).")
    var learningRate: String?

    @Option(name: .long, help: "Shorthand for --option epochs=N: passes over the training part.")
    var epochs: String?

    @Option(name: .long, help: "Shorthand for --option batch_size=N: rows per mini-batch.")
    var batchSize: String?

    @Option(name: .long, help: "Shorthand for --option validation_fraction=F: share of the training part held out per class.")
    var validationFraction: String?

    @Option(name: .long, help: "Shorthand for --option patience=N: epochs without a better validation loss before stopping.")
    var patience: String?

    @Option(name: .long, help: "Search before the final fit: grid or random (with --space); each candidate is logged as a run.")
    var search: SearchSettings.Kind?

    @Option(name: .long, help: "Search space: a JSON file of option -> list of values, or {\"uniform\"|\"logUniform\"|\"integers\": [low, high]}.")
    var space: String?

    @Option(name: .long, help: "Stratified cross-validation folds of the search.")
    var folds: Int = 5

    @Option(name: .long, help: "Candidates drawn by a random search.")
    var candidates: Int = 10

    @Option(name: .long, help: "Share of each class held out for the test part.")
    var testFraction: Double = 0.2

    @Flag(name: .long, help: "Use the features as they are, without standardising them (--preprocess none).")
    var noStandardize = false

    @Option(name: .long, help: "Experiment name: the folder of the runs in the store.")
    var experiment: String = "classify"

    func run() throws {
        try reportingErrors {
            options.apply()
            let progress = ProgressLog.standardError
            let store = try RunStore(root: URL(fileURLWithPath: options.runs))
            if let experimentFile {
                guard input == nil, target == nil, model == nil else {
                    throw ValidationError("--experiment-file names the data and the models; leave out --input, --target and --model")
                }
                let plan = try ClassificationPlan.load(from: URL(fileURLWithPath: experimentFile))
                let results = try plan.run(store: store, progress: progress)
                print("\(plan.models.count) models on \(plan.input) (test part \(results.first?.split.test.count ?? 0) rows):\n")
                print(ClassificationPlan.comparisonTable(results))
                return
            }
            guard let input, let target, let model else {
                throw ValidationError("give --input FILE, --target COLUMN and --model NAME, or --experiment-file FILE")
            }
            let chosen = try estimator.options(for: model, shorthands: [
                ("hidden", "hidden_layer_sizes", hidden), ("activation", "activation", activation), ("optimizer", "solver", optimizer),
                ("learning-rate", "learning_rate", learningRate), ("epochs", "epochs", epochs), ("batch-size", "batch_size", batchSize),
                ("validation-fraction", "validation_fraction", validationFraction), ("patience", "patience", patience),
            ])
            let spec = try EstimatorSpec(model, options: chosen).overriding(["seed": .int(options.seed)])
            _ = try spec.classifier()  // an unknown model, another kind or a bad option: said before reading the data
            if noStandardize && preprocess != nil { throw ValidationError("--no-standardize and --preprocess exclude each other") }
            let steps = try PreprocessingShorthand.steps(noStandardize ? "none" : (preprocess ?? "standard"), seed: options.seed)
            _ = try Pipeline(steps: steps, final: spec)
            let settings = try searchSettings()
            let curves = try curveSettings()
            let categoricalNames = categorical.map { $0.split(separator: ",").map(String.init) } ?? []
            let dataset = try progress.phase("read \(input)") {
                try ClassificationExperiment.loadDataset(
                    from: URL(fileURLWithPath: input), target: ColumnSelector(commandLine: target),
                    categorical: categoricalNames.map(ColumnSelector.init(commandLine:)))
            }
            let config = ClassificationExperiment(
                experiment: experiment, model: spec, preprocessing: steps, testFraction: testFraction, seed: options.seed,
                search: settings, groupColumn: groups, curves: curves, categorical: categoricalNames)
            let result = try config.run(on: dataset, store: store, progress: progress)
            print("\(dataset.count) rows x \(dataset.featureCount) features from \(input); classes "
                  + result.model.classNames.joined(separator: ", "))
            print("train \(result.split.train.count) rows, test \(result.split.test.count) rows; model \(model)"
                  + (result.model.trainingCurves.map { ", \($0.trainingLoss.count) epochs (kept \($0.bestEpoch))" } ?? "")
                  + String(format: ", fit %.2f s", result.timings["fit"] ?? 0))
            for record in result.model.sampling {
                let report = record.report
                let change = report["rows_removed"].map { "removed \(Int($0)) rows" } ?? report["rows_added"].map { "added \(Int($0)) rows" } ?? ""
                print("\(record.estimator): \(change) (\(Int(report["rows_in"] ?? 0)) -> \(Int(report["rows_out"] ?? 0)) training rows)")
            }
            print()
            if let candidates = result.search {
                let plan = FoldPlan(folds: settings!.folds, repeats: settings!.repeats, seed: options.seed)
                print("\(settings!.kind.rawValue) search, \(plan.label(grouped: groups != nil)) cross-validation on the training part (* best):")
                print(ClassificationExperiment.searchTable(candidates) + "\n")
            }
            for (name, curve) in [("learning", result.learningCurve), ("validation", result.validationCurve)] {
                guard let curve else { continue }
                print("\(name) curve (\(curve.parameter)): " + zip(curve.labels, curve.testMeans)
                    .map { "\($0) \(String(format: "%.4f", $1))" }.joined(separator: ", "))
            }
            print(ClassificationExperiment.table(result))
            print("\nrun \(result.runID ?? "-") -> \(result.directory?.path ?? "")")
        }
    }
}

extension ClassifyCommand {
    /// The search of --search, --space, --folds and --candidates; nil without --search.
    private func searchSettings() throws -> SearchSettings? {
        guard let search else {
            if space != nil { throw ValidationError("--space needs --search grid or --search random") }
            return nil
        }
        guard let space else { throw ValidationError("--search \(search.rawValue) needs --space FILE (option -> values)") }
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2, got \(folds)") }
        guard repeats >= 1 else { throw ValidationError("--repeats must be at least 1, got \(repeats)") }
        guard repeats == 1 || groups == nil else { throw ValidationError("--repeats needs stratified folds; --groups makes group folds") }
        return SearchSettings(kind: search, space: try SearchSpace.load(from: URL(fileURLWithPath: space)), folds: folds,
                              candidates: candidates, repeats: repeats)
    }

    /// The curves of --learning-curve and --validation-curve KEY=V1,V2; nil with neither.
    private func curveSettings() throws -> CurveSettings? {
        guard learningCurve || validationCurve != nil else { return nil }
        var validation: CurveSettings.ValidationSettings?
        if let text = validationCurve {
            guard let eq = text.firstIndex(of: "="), eq != text.startIndex else {
                throw ValidationError("--validation-curve expects KEY=V1,V2,..., got \(text)")
            }
            let values = text[text.index(after: eq)...].split(separator: ",").map { ParameterValue(commandLine: String($0)) }
            guard !values.isEmpty else { throw ValidationError("--validation-curve \(text) lists no values") }
            validation = .init(option: String(text[..<eq]), values: values)
        }
        return CurveSettings(learningFractions: learningCurve ? [0.1, 0.325, 0.55, 0.775, 1] : [], validation: validation, folds: folds)
    }
}

extension SearchSettings.Kind: ExpressibleByArgument {}

extension ParameterValue {
    /// A value typed on the command line: an integer, a number, or text.
    init(commandLine text: String) {
        if let i = Int(text) { self = .int(i) } else if let d = Double(text) { self = .double(d) } else { self = .string(text) }
    }
}

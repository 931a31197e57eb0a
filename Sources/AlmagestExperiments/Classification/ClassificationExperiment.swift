import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestTracking
import Foundation

/// The tabular-classification experiment: a seeded stratified train/test split, a standard scaler
/// fitted on the training part only, one classifier (`ClassifierChoice`), every classification
/// metric on the test part, and a logged run with its artifacts.
///
/// Class labels are renumbered 0..<K in ascending order of the original labels (names kept), so
/// binary reports score class 1 (e.g. "h" of MAGIC's g/h) as the positive class. A run directory
/// holds `parameters.json`, `metrics.json`, `model.json` (`ClassificationModel`), `split.json`,
/// `predictions.csv`, `confusion_matrix.{json,csv,svg}`, for a binary target `roc.{csv,svg}`, and
/// for networks `training_curve.{csv,svg,png}` and `weights.safetensors`.
/// Cost: that of the classifier's fit plus O(n log n) for the metrics.
///
/// ```swift
/// let data = try ClassificationExperiment.loadDataset(from: url, target: .index(-1))
/// let config = ClassificationExperiment(classifier: .mlp(MLPClassifier(hiddenLayerSizes: [95, 95], epochs: 30)))
/// let result = try config.run(on: data, store: try RunStore(root: runsURL))
/// print(ClassificationExperiment.table(result))
/// ```
public struct ClassificationExperiment: Codable, Sendable, Equatable {
    /// Experiment name (the folder under the run store).
    public var experiment: String
    public var classifier: ClassifierChoice
    /// Share of each class held out for the test part, in (0, 1).
    public var testFraction: Double
    /// Seed of the split (the classifier has its own).
    public var seed: Int
    /// Standardise the features with the training part's means and deviations.
    public var standardize: Bool

    public init(experiment: String = "classify", classifier: ClassifierChoice, testFraction: Double = 0.2, seed: Int = 0,
                standardize: Bool = true) {
        self.experiment = experiment
        self.classifier = classifier
        self.testFraction = testFraction
        self.seed = seed
        self.standardize = standardize
    }

    /// Reads a labelled table (CSV, TSV or NPY, by its name) whose `target` column holds the
    /// classes; throws `DataError` for an unknown column or a non-numeric feature cell.
    public static func loadDataset(from url: URL, target: ColumnSelector, csvOptions: CSVOptions? = nil) throws -> Dataset {
        try Dataset.load(from: url, target: target, csvOptions: csvOptions)
    }

    /// Splits, scales, fits, scores; logs a run in `store` when one is given. Throws
    /// `FitError.invalidLabels` without labels or with fewer than two classes, `FitError` for
    /// non-finite features, a class too small to split or a bad setting.
    public func run(on dataset: Dataset, store: RunStore?) throws -> ClassificationResult {
        try classifier.validate()
        let splitter = try StratifiedSplit(testFraction: testFraction, seed: seed)
        guard let original = dataset.labels else {
            throw FitError.invalidLabels(reason: "\(dataset.provenance.source) has no target column; expected class labels to learn")
        }
        let labels = Array(Set(original)).sorted()
        guard labels.count >= 2 else {
            let only = labels.first.map { dataset.className(of: $0) } ?? "none"
            throw FitError.invalidLabels(
                reason: "the target of \(dataset.provenance.source) holds a single class (\(only)); expected at least 2 classes")
        }
        try dataset.features.validateForFit("classification features")
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let y = original.map { index[$0]! }
        let split = try splitter.split(labels: y)
        return try logged(dataset: dataset, labels: labels, y: y, split: split, store: store)
    }

    /// The printed report: per-class precision, recall, F1 and support, macro and weighted
    /// averages, accuracy, and the ROC AUC when there is one.
    public static func table(_ result: ClassificationResult) -> String {
        let report = result.report
        func row(_ name: String, _ cells: [Double?], support: Int) -> String {
            name.padding(toLength: 14, withPad: " ", startingAt: 0)
                + cells.map { ($0.map { String(format: "%.4f", $0) } ?? "").leftPadded(to: 11) }.joined()
                + String(support).leftPadded(to: 10)
        }
        let total = report.confusion.sampleCount
        var lines = ["class".padding(toLength: 14, withPad: " ", startingAt: 0)
            + ["precision", "recall", "f1"].map { $0.leftPadded(to: 11) }.joined() + "support".leftPadded(to: 10)]
        for (k, name) in result.model.classNames.enumerated() {
            let s = report.perClass
            lines.append(row(name, [s.precision[k], s.recall[k], s.f1[k]], support: s.support[k]))
        }
        lines.append("")
        lines.append(row("macro avg", [report.macro.precision, report.macro.recall, report.macro.f1], support: total))
        lines.append(row("weighted avg", [report.weighted.precision, report.weighted.recall, report.weighted.f1], support: total))
        lines.append(row("accuracy", [nil, nil, report.accuracy], support: total))
        if let auc = report.rocAUC { lines.append(row("ROC AUC", [nil, nil, auc], support: total)) }
        return lines.joined(separator: "\n")
    }

    // MARK: - Private

    private func logged(
        dataset: Dataset, labels: [Int], y: [Int], split: TrainTestIndices, store: RunStore?
    ) throws -> ClassificationResult {
        let names = labels.map { dataset.className(of: $0) }
        var parameters = classifier.parameters
        parameters.merge([
            "model": .string(classifier.kind.rawValue), "test_fraction": .double(testFraction), "split_seed": .int(seed),
            "standardize": .bool(standardize), "samples": .int(dataset.count), "features": .int(dataset.featureCount),
            "classes": .string(names.joined(separator: ",")), "source": .string(dataset.provenance.source),
        ]) { $1 }
        let run = try store?.start(experiment: experiment, algorithm: classifier.kind.rawValue, parameters: parameters)
        do {
            var clock = Stopwatch()
            var result = try compute(dataset: dataset, labels: labels, names: names, y: y, split: split, clock: &clock)
            if let run {
                try ClassificationArtifacts(result: result, dataset: dataset, trueIndices: y).write(to: run)
                result.timings["artifacts"] = clock.lap()
            }
            result.timings["total"] = clock.total
            let record = try run?.finish(metrics: result.metrics, timings: result.timings)
            result.runID = record?.id
            result.directory = run?.directory
            return result
        } catch {
            _ = try? run?.fail(error)
            throw error
        }
    }

    private func compute(
        dataset: Dataset, labels: [Int], names: [String], y: [Int], split: TrainTestIndices, clock: inout Stopwatch
    ) throws -> ClassificationResult {
        var timings = ["split": clock.lap()]
        var xTrain = dataset.features.rows(at: split.train), xTest = dataset.features.rows(at: split.test)
        var scaler: StandardScalerModel?
        if standardize {
            let fitted = try StandardScaler().fit(xTrain)
            (xTrain, xTest, scaler) = (try fitted.transform(xTrain), try fitted.transform(xTest), fitted)
        }
        timings["standardize"] = clock.lap()
        let trained = try classifier.fit(xTrain, labels: split.trainLabels(y))
        timings["fit"] = clock.lap()
        let predicted = try trained.predict(xTest)
        let probabilities = try trained.predictProbabilities(xTest)
        timings["predict"] = clock.lap()
        let truth = split.testLabels(y)
        let report = try labels.count == 2
            ? ClassificationReport(truth: truth, predicted: predicted, scores: (0..<probabilities.rows).map { probabilities[$0, 1] })
            : ClassificationReport(truth: truth, predicted: predicted, probabilities: probabilities)
        timings["metrics"] = clock.lap()
        let model = ClassificationModel(labels: labels, classNames: names, featureNames: dataset.featureNames,
                                        scaler: scaler, classifier: trained)
        return ClassificationResult(
            report: report, metrics: Self.metrics(report, names: names, split: split, curves: trained.trainingCurves),
            timings: timings, model: model, split: split, predicted: predicted, probabilities: probabilities)
    }

    /// `report.dictionary`, per-class scores (`class_<name>_precision`, ...), the part sizes and,
    /// for networks, the epochs run and the epoch kept.
    private static func metrics(
        _ report: ClassificationReport, names: [String], split: TrainTestIndices, curves: TrainingCurves?
    ) -> [String: Double] {
        var metrics = report.dictionary
        for (k, name) in names.enumerated() {
            metrics["class_\(name)_precision"] = report.perClass.precision[k]
            metrics["class_\(name)_recall"] = report.perClass.recall[k]
            metrics["class_\(name)_f1"] = report.perClass.f1[k]
            metrics["class_\(name)_support"] = Double(report.perClass.support[k])
        }
        metrics["train_samples"] = Double(split.train.count)
        metrics["test_samples"] = Double(split.test.count)
        if let curves {
            metrics["epochs_run"] = Double(curves.trainingLoss.count)
            metrics["best_epoch"] = Double(curves.bestEpoch)
            if let last = curves.trainingLoss.last { metrics["final_training_loss"] = last }
        }
        return metrics
    }
}

/// What a classification run produced.
public struct ClassificationResult: Sendable {
    /// Every metric of the test part.
    public let report: ClassificationReport
    /// What `metrics.json` holds.
    public let metrics: [String: Double]
    /// Seconds per phase: split, standardize, fit, predict, metrics, artifacts, total.
    public internal(set) var timings: [String: Double]
    /// The scaler and classifier, with the class labels and names.
    public let model: ClassificationModel
    public let split: TrainTestIndices
    /// Predicted class index (0..<K) of each test row, in `split.test` order.
    public let predicted: [Int]
    /// Class probabilities of the test rows (test rows x K).
    public let probabilities: Matrix<Double>
    /// The logged run, when a store was given.
    public internal(set) var runID: String?
    public internal(set) var directory: URL?
}

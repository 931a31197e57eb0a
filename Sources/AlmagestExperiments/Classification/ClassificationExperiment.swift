import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestTracking
import Foundation

/// The tabular-classification experiment: a seeded stratified train/test split, a `Pipeline` of
/// preprocessing steps (a standard scaler by default) and any registered classifier, fitted on the
/// training part only, every classification metric on the test part, and a logged run with its
/// artifacts. The classifier and the steps are `EstimatorSpec`s taken from
/// `EstimatorRegistry.shared`, so a new classifier needs no change here.
///
/// Class labels are renumbered 0..<K in ascending order of the original labels (names kept), so
/// binary reports score class 1 (e.g. "h" of MAGIC's g/h) as the positive class. A run directory
/// holds `parameters.json` (the classifier's options, flattened, each step's options under its
/// name, and the experiment's settings), `metrics.json`, `model.json` (`PipelineModel`), `split.json`,
/// `predictions.csv`, `confusion_matrix.{json,csv,svg}`, for a binary target `roc.{csv,svg}`, and
/// for networks `training_curve.{csv,svg,png}` and `weights.safetensors`.
/// Cost: that of the classifier's fit plus O(n log n) for the metrics.
///
/// ```swift
/// let data = try ClassificationExperiment.loadDataset(from: url, target: .index(-1))
/// let config = ClassificationExperiment(model: EstimatorSpec("mlp", options: ["hidden_layer_sizes": "95,95", "epochs": 30]))
/// let result = try config.run(on: data, store: try RunStore(root: runsURL))
/// print(ClassificationExperiment.table(result))
/// ```
public struct ClassificationExperiment: Codable, Sendable, Equatable {
    /// Experiment name (the folder under the run store).
    public var experiment: String
    /// The registered classifier and its options.
    public var model: EstimatorSpec
    /// Registered transformers fitted (on the training part) before the classifier, in order.
    public var preprocessing: [EstimatorSpec]
    /// Share of each class held out for the test part, in (0, 1).
    public var testFraction: Double
    /// Seed of the split and of the search's folds and draws (the classifier has its own).
    public var seed: Int
    /// A grid or random search with cross-validation on the training part before the final fit;
    /// each candidate is logged as a run, and the final run uses the best candidate's options.
    public var search: SearchSettings?
    /// A feature column of group ids (a night, a patient): removed from the features, the test part
    /// and the search's folds are then made of whole groups (`GroupSplit`, `GroupKFold`).
    public var groupColumn: String?
    /// Learning and validation curves on the training part, written as figures with the run.
    public var curves: CurveSettings?
    /// Feature columns holding category codes, one-hot encoded by a first step (after an imputer).
    public var categorical: [String]

    public init(experiment: String = "classify", model: EstimatorSpec,
                preprocessing: [EstimatorSpec] = [EstimatorSpec("standard-scaler")], testFraction: Double = 0.2, seed: Int = 0,
                search: SearchSettings? = nil, groupColumn: String? = nil, curves: CurveSettings? = nil, categorical: [String] = []) {
        self.categorical = categorical
        self.search = search
        self.groupColumn = groupColumn
        self.curves = curves
        self.experiment = experiment
        self.model = model
        self.preprocessing = preprocessing
        self.testFraction = testFraction
        self.seed = seed
    }

    /// Reads a labelled table (CSV, TSV or NPY, by its name) whose `target` column holds the
    /// classes; `categorical` columns of a CSV may hold text (read as codes, `Dataset.categories`).
    /// Throws `DataError` for an unknown column or a non-numeric feature cell.
    public static func loadDataset(
        from url: URL, target: ColumnSelector, csvOptions: CSVOptions? = nil, categorical: [ColumnSelector] = []
    ) throws -> Dataset {
        try Dataset.load(from: url, target: target, csvOptions: csvOptions, categorical: categorical)
    }

    /// Splits, scales, fits, scores; logs a run in `store` when one is given. Throws
    /// `FitError.invalidLabels` without labels or with fewer than two classes, `FitError` for
    /// non-finite features, a class too small to split or a bad setting.
    public func run(on data: Dataset, store: RunStore?, progress: ProgressLog = .silent) throws -> ClassificationResult {
        let (dataset, groups) = try Self.separatingGroups(data, column: groupColumn)
        var config = self
        config.preprocessing = try Self.encoding(categorical, of: dataset, before: preprocessing)
        return try config.run(dataset, groups: groups, store: store, progress: progress)
    }

    private func run(_ dataset: Dataset, groups: [Int]?, store: RunStore?, progress: ProgressLog) throws -> ClassificationResult {
        var pipeline = try Pipeline(steps: preprocessing, final: model)
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
        try dataset.features.validateForFit("classification features", allowingMissing: pipeline.acceptsMissingValues)
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        let y = original.map { index[$0]! }
        let split = try groups.map { try GroupSplit(testFraction: testFraction, seed: seed).split(groups: $0) }
            ?? splitter.split(labels: y)
        var candidates: [ModelSearchCandidate]?
        if let search {
            let found = try searched(search, dataset: dataset, names: labels.map { dataset.className(of: $0) }, y: y, groups: groups,
                                     split: split, store: store, progress: progress)
            (pipeline, candidates) = (found.pipeline, found.candidates)
        }
        let context = RunContext(dataset: dataset, labels: labels, y: y, groups: groups, split: split)
        var result = try logged(pipeline, context, store: store, progress: progress, candidates: candidates)
        result.search = candidates
        return result
    }

    /// `steps` with a one-hot step of the `columns` (by name) first, or second after an imputer;
    /// `steps` themselves without columns. Throws `DataError` for an unknown column.
    static func encoding(_ columns: [String], of dataset: Dataset, before steps: [EstimatorSpec]) throws -> [EstimatorSpec] {
        guard !columns.isEmpty else { return steps }
        let indices = try columns.map { name -> ParameterValue in
            guard let j = dataset.featureNames.firstIndex(of: name) else {
                throw DataError.invalidDataset(reason: "no feature column named \"\(name)\" to one-hot encode; expected one of "
                    + dataset.featureNames.joined(separator: ", "))
            }
            return .int(j)
        }
        var steps = steps
        let position = steps.first?.name == "simple-imputer" ? 1 : 0
        steps.insert(EstimatorSpec("one-hot", options: ["columns": .list(indices)]), at: position)
        return steps
    }

    /// The data set without `column` and that column's values as group ids (numbered by first
    /// appearance); the data set as it is without a column.
    static func separatingGroups(_ dataset: Dataset, column: String?) throws -> (Dataset, [Int]?) {
        guard let column else { return (dataset, nil) }
        let (rest, values) = try dataset.removingFeature(named: column)
        var ids = [Double: Int]()
        let groups = try values.enumerated().map { i, v -> Int in
            guard v.isFinite else {
                throw FitError.nonFinite(what: "group column \"\(column)\"", row: i, column: 0, value: v)
            }
            if let id = ids[v] { return id }
            ids[v] = ids.count
            return ids.count - 1
        }
        return (rest, groups)
    }

    /// The run parameters of `pipeline`: the classifier's options, each step's under its name, and
    /// the experiment's settings.
    func parameters(of pipeline: Pipeline, dataset: Dataset, names: [String]) throws -> [String: ParameterValue] {
        var parameters = try pipeline.final.configuration.parameters
        for step in pipeline.steps {
            for (key, value) in try step.configuration.parameters { parameters["\(step.name).\(key)"] = value }
        }
        parameters.merge([
            "model": .string(pipeline.final.name), "preprocessing": .list(pipeline.steps.map { .string($0.name) }),
            "test_fraction": .double(testFraction), "split_seed": .int(seed), "samples": .int(dataset.count),
            "features": .int(dataset.featureCount), "classes": .string(names.joined(separator: ",")),
            "source": .string(dataset.provenance.source),
        ]) { $1 }
        return parameters
    }

    /// The printed report: per-class precision, recall, F1 and support, macro and weighted
    /// averages, accuracy, and the ROC AUC when there is one.
    public static func table(_ result: ClassificationResult) -> String {
        let report = result.report
        let total = report.confusion.sampleCount
        var table = TextTable(header: ["class", "precision", "recall", "f1", "support"])
        for (k, name) in result.model.classNames.enumerated() {
            let s = report.perClass
            table.append([name] + [s.precision[k], s.recall[k], s.f1[k]].map(Self.cell) + [String(s.support[k])])
        }
        table.append([])
        table.append(["macro avg"] + [report.macro.precision, report.macro.recall, report.macro.f1].map(Self.cell) + [String(total)])
        table.append(["weighted avg"] + [report.weighted.precision, report.weighted.recall, report.weighted.f1].map(Self.cell)
            + [String(total)])
        table.append(["accuracy", "", "", Self.cell(report.accuracy), String(total)])
        if let auc = report.rocAUC { table.append(["ROC AUC", "", "", Self.cell(auc), String(total)]) }
        return table.rendered
    }

    // MARK: - Private

    private static func cell(_ value: Double) -> String { String(format: "%.4f", value) }

    private func logged(
        _ pipeline: Pipeline, _ context: RunContext, store: RunStore?, progress: ProgressLog, candidates: [ModelSearchCandidate]?
    ) throws -> ClassificationResult {
        let (dataset, names) = (context.dataset, context.names)
        var parameters = try self.parameters(of: pipeline, dataset: dataset, names: names)
        if let search, let candidates {
            parameters["search"] = .string(search.kind.rawValue)
            parameters["search_candidates"] = .int(candidates.count)
            parameters["folds"] = .int(search.folds)
            if search.repeats > 1 { parameters["repeats"] = .int(search.repeats) }
        }
        if let groupColumn { parameters["group_column"] = .string(groupColumn) }
        let tracked = try RunStore.track(in: store, experiment: experiment, algorithm: pipeline.final.name, parameters: parameters) {
            run in
            var clock = Stopwatch()
            var result = try compute(pipeline, context, clock: &clock, progress: progress)
            if let curves {
                let found = try self.curves(curves, pipeline: pipeline, steps: preprocessing, model: model, context, progress: progress)
                (result.learningCurve, result.validationCurve) = found
                result.timings["curves"] = clock.lap()
            }
            if let run {
                try progress.phase("\(pipeline.final.name): writing the run") {
                    try ClassificationArtifacts(result: result, dataset: dataset, trueIndices: context.y).write(to: run)
                    if let candidates { try run.writeJSON("search.json", candidates) }
                    if let curve = result.learningCurve { try run.write(LearningCurveArtifact(curve)) }
                    if let curve = result.validationCurve { try run.write(ValidationCurveArtifact(curve)) }
                    if !result.model.sampling.isEmpty { try run.writeJSON("sampling.json", result.model.sampling) }
                }
                result.timings["artifacts"] = clock.lap()
            }
            result.timings["total"] = clock.total
            return RunOutcome(result, metrics: result.metrics, specs: MetricCatalog.specs(for: result.metrics.keys),
                              timings: result.timings)
        }
        var result = tracked.value
        result.runID = tracked.record?.id
        result.directory = tracked.directory
        return result
    }

    private func compute(
        _ pipeline: Pipeline, _ context: RunContext, clock: inout Stopwatch, progress: ProgressLog
    ) throws -> ClassificationResult {
        let (dataset, names, y, split) = (context.dataset, context.names, context.y, context.split)
        var timings = ["split": clock.lap()]
        let xTrain = dataset.features.rows(at: split.train), xTest = dataset.features.rows(at: split.test)
        let model = try progress.phase("\(pipeline.final.name): fit on \(xTrain.rows) x \(xTrain.columns)") {
            try pipeline.fit(xTrain, labels: split.trainLabels(y), featureNames: dataset.featureNames, classNames: names)
        }
        timings["fit"] = clock.lap()
        let predicted = try model.predict(xTest)
        let probabilities = try model.predictProbabilities(xTest)
        timings["predict"] = clock.lap()
        let truth = split.testLabels(y)
        let permutation = try progress.phase("\(pipeline.final.name): permutation importance") {
            try PermutationImportance(repeats: 5, seed: seed).measure(model, xTest, labels: truth)
        }
        let importance = ImportanceArtifact(
            features: dataset.featureNames, permutationMeans: permutation.means, permutationDeviations: permutation.deviations,
            impurity: model.impurityImportances, splitCounts: model.featureSplitCounts)
        let report = try names.count == 2
            ? ClassificationReport(truth: truth, predicted: predicted, scores: (0..<probabilities.rows).map { probabilities[$0, 1] })
            : ClassificationReport(truth: truth, predicted: predicted, probabilities: probabilities)
        timings["metrics"] = clock.lap()
        return ClassificationResult(
            report: report, metrics: Self.metrics(report, names: names, split: split, curves: model.trainingCurves),
            timings: timings, model: model, split: split, predicted: predicted, probabilities: probabilities,
            importance: importance)
    }

    /// `report.dictionary`, per-class scores (`class_<name>_precision`, ...), the part sizes and,
    /// for networks, the epochs run and the epoch kept.
    private static func metrics(
        _ report: ClassificationReport, names: [String], split: TrainTestIndices, curves: TrainingCurves?
    ) -> [String: Double] {
        var metrics = report.dictionary
        for (k, name) in names.enumerated() {
            metrics[PerClassMetrics.key(class: name, score: .precision)] = report.perClass.precision[k]
            metrics[PerClassMetrics.key(class: name, score: .recall)] = report.perClass.recall[k]
            metrics[PerClassMetrics.key(class: name, score: .f1)] = report.perClass.f1[k]
            metrics[PerClassMetrics.key(class: name, score: .support)] = Double(report.perClass.support[k])
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
    /// Seconds per phase: split, fit (the whole pipeline), predict, metrics, artifacts, total.
    public internal(set) var timings: [String: Double]
    /// The fitted pipeline (preprocessing and classifier), with the feature and class names.
    public let model: PipelineModel
    public let split: TrainTestIndices
    /// Predicted class index (0..<K) of each test row, in `split.test` order.
    public let predicted: [Int]
    /// Class probabilities of the test rows (test rows x K).
    public let probabilities: Matrix<Double>
    /// The logged run, when a store was given.
    public internal(set) var runID: String?
    public internal(set) var directory: URL?
    /// Every candidate of the search, when there was one (each also logged as a run).
    public internal(set) var search: [ModelSearchCandidate]?
    /// Permutation importance of every feature on the test part (and impurity importance for trees).
    public let importance: ImportanceArtifact?
    /// The learning curve on the training part, when `curves` asked for one.
    public internal(set) var learningCurve: ScoreCurve?
    /// The validation curve on the training part, when `curves` asked for one.
    public internal(set) var validationCurve: ScoreCurve?

    init(report: ClassificationReport, metrics: [String: Double], timings: [String: Double], model: PipelineModel,
         split: TrainTestIndices, predicted: [Int], probabilities: Matrix<Double>, importance: ImportanceArtifact?) {
        self.report = report
        self.metrics = metrics
        self.timings = timings
        self.model = model
        self.split = split
        self.predicted = predicted
        self.probabilities = probabilities
        self.importance = importance
    }
}

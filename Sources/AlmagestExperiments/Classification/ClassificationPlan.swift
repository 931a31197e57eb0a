import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestTracking
import Foundation

/// An experiment file of the classification experiment (JSON or YAML, `almagest classify
/// --experiment-file FILE`): one data set, shared preprocessing, and several models — each with
/// its options, its own preprocessing if it differs, and a search — compared on the same split.
/// Every model is a run; `comparisonTable` prints accuracy, precision, recall, F1 and ROC AUC per
/// model. Every estimator, option and search space is checked through the registry before the
/// data is read; an unknown field is refused, naming it.
///
/// ```yaml
/// experiment: magic
/// input: ../shared/datasets/magic-gamma/magic04.data   # relative to this file
/// target: -1
/// preprocessing:
///   - {name: iqr-outliers}
///   - {name: power-transformer}
///   - {name: robust-scaler}
///   - {name: smote}
/// models:
///   - {name: logistic-regression}
///   - name: random-forest
///     options: {trees: 100}
///   - name: k-neighbors
///     search: {kind: grid, folds: 5, space: {neighbors: [5, 11, 21]}}
/// ```
public struct ClassificationPlan: Codable, Sendable, Equatable {
    public var experiment: String
    /// The data file; a relative path is taken from the experiment file's folder.
    public var input: String
    /// The class column: a name, or an index (negative from the end).
    public var target: String
    public var testFraction: Double
    public var seed: Int
    /// A feature column of group ids (see `ClassificationExperiment.groupColumn`).
    public var groupColumn: String?
    /// Categorical feature columns, one-hot encoded before the other steps; a column of text is
    /// read as the codes of its sorted distinct texts.
    public var categorical: [String]
    /// Steps before every model that has none of its own.
    public var preprocessing: [EstimatorSpec]
    public var models: [Model]
    public var curves: CurveSettings?

    /// One model of the plan.
    public struct Model: Codable, Sendable, Equatable {
        public var name: String
        public var options: [String: ParameterValue]
        /// Steps for this model instead of the plan's.
        public var preprocessing: [EstimatorSpec]?
        public var search: SearchSettings?

        public init(name: String, options: [String: ParameterValue] = [:], preprocessing: [EstimatorSpec]? = nil,
                    search: SearchSettings? = nil) {
            self.name = name
            self.options = options
            self.preprocessing = preprocessing
            self.search = search
        }

        public init(from decoder: Decoder) throws {
            try PlanKeys.refuseUnknown(decoder, known: ["name", "options", "preprocessing", "search"], in: "a model")
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            options = try c.decodeIfPresent([String: ParameterValue].self, forKey: .options) ?? [:]
            preprocessing = try c.decodeIfPresent([EstimatorSpec].self, forKey: .preprocessing)
            search = try c.decodeIfPresent(SearchSettings.self, forKey: .search)
        }
    }

    enum CodingKeys: String, CodingKey {
        case experiment, input, target, seed, preprocessing, models, curves
        case categorical
        case testFraction = "test_fraction"
        case groupColumn = "group_column"
    }

    public init(experiment: String = "classify", input: String, target: String, testFraction: Double = 0.2, seed: Int = 0,
                groupColumn: String? = nil, preprocessing: [EstimatorSpec] = [EstimatorSpec("standard-scaler")], models: [Model],
                curves: CurveSettings? = nil, categorical: [String] = []) {
        self.categorical = categorical
        self.experiment = experiment
        self.input = input
        self.target = target
        self.testFraction = testFraction
        self.seed = seed
        self.groupColumn = groupColumn
        self.preprocessing = preprocessing
        self.models = models
        self.curves = curves
    }

    public init(from decoder: Decoder) throws {
        try PlanKeys.refuseUnknown(decoder, known: CodingKeys.allNames, in: "the experiment file")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        experiment = try c.decodeIfPresent(String.self, forKey: .experiment) ?? "classify"
        input = try c.decode(String.self, forKey: .input)
        // A YAML or JSON number is an index.
        if let index = try? c.decode(Int.self, forKey: .target) { target = String(index) } else {
            target = try c.decode(String.self, forKey: .target)
        }
        testFraction = try c.decodeIfPresent(Double.self, forKey: .testFraction) ?? 0.2
        seed = try c.decodeIfPresent(Int.self, forKey: .seed) ?? 0
        groupColumn = try c.decodeIfPresent(String.self, forKey: .groupColumn)
        categorical = try c.decodeIfPresent([String].self, forKey: .categorical) ?? []
        preprocessing = try c.decodeIfPresent([EstimatorSpec].self, forKey: .preprocessing) ?? [EstimatorSpec("standard-scaler")]
        models = try c.decode([Model].self, forKey: .models)
        curves = try c.decodeIfPresent(CurveSettings.self, forKey: .curves)
    }

    /// Reads a plan from a `.json`, `.yaml` or `.yml` file and resolves `input` against its folder;
    /// throws `DataError` for a file that does not read or decode.
    public static func load(from url: URL) throws -> ClassificationPlan {
        var plan = try ExperimentFile.decode(ClassificationPlan.self, from: url)
        if !plan.input.hasPrefix("/") {
            plan.input = url.deletingLastPathComponent().appendingPathComponent(plan.input).standardizedFileURL.path
        }
        return plan
    }

    /// One experiment per model, each checked: its estimators and options through the registry,
    /// its search space by building every candidate's pipeline. Throws the first `FitError`,
    /// `RegistryError` or `DataError` found, naming the model.
    public func experiments() throws -> [ClassificationExperiment] {
        guard !models.isEmpty else { throw DataError.malformed(source: experiment, reason: "no models; expected at least one") }
        return try models.map { entry in
            let spec = try EstimatorSpec(entry.name, options: entry.options).overriding(["seed": .int(seed)])
            let steps = entry.preprocessing ?? preprocessing
            _ = try Pipeline(steps: steps, final: spec)
            if let search = entry.search {
                _ = try search.modelSearch(steps: steps, model: spec, seed: seed).candidates()
            }
            return ClassificationExperiment(experiment: experiment, model: spec, preprocessing: steps, testFraction: testFraction,
                                            seed: seed, search: entry.search, groupColumn: groupColumn, curves: curves,
                                            categorical: categorical)
        }
    }

    /// Reads the data once and runs every model on the same split, logging a run per model.
    public func run(store: RunStore?, progress: ProgressLog = .silent) throws -> [ClassificationResult] {
        let experiments = try experiments()
        let dataset = try progress.phase("read \(input)") {
            try ClassificationExperiment.loadDataset(
                from: URL(fileURLWithPath: input), target: ColumnSelector(commandLine: target),
                categorical: categorical.map(ColumnSelector.init(commandLine:)))
        }
        return try experiments.map { try $0.run(on: dataset, store: store, progress: progress) }
    }

    /// One line per model: accuracy, precision, recall and F1 (of the positive class for two
    /// classes, macro-averaged otherwise), ROC AUC, fit seconds and the run.
    public static func comparisonTable(_ results: [ClassificationResult]) -> String {
        var table = TextTable(header: ["model", "accuracy", "precision", "recall", "f1", "roc auc", "fit s", "run"])
        for result in results {
            let r = result.report
            let scores = r.binary ?? r.macro
            let cells = [r.accuracy, scores.precision, scores.recall, scores.f1].map { String(format: "%.4f", $0) }
            table.append([result.model.final.estimator] + cells
                + [r.rocAUC.map { String(format: "%.4f", $0) } ?? "", String(format: "%.2f", result.timings["fit"] ?? 0),
                   result.runID ?? "-"])
        }
        return table.rendered
    }
}

/// Refusing fields a plan does not know (a misspelt `preprocesing` would otherwise be ignored).
enum PlanKeys {
    struct AnyKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func refuseUnknown(_ decoder: Decoder, known: [String], in place: String) throws {
        let c = try decoder.container(keyedBy: AnyKey.self)
        if let unknown = c.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw DecodingError.dataCorruptedError(
                forKey: AnyKey(stringValue: unknown), in: c,
                debugDescription: "unknown field \"\(unknown)\" in \(place); expected one of \(known.sorted().joined(separator: ", "))")
        }
    }
}

extension ClassificationPlan.CodingKeys: CaseIterable {
    static var allNames: [String] { allCases.map(\.rawValue) }
}

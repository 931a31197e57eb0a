import AlmagestCore
import AlmagestData
import AlmagestExperiments
import AlmagestLearn
import AlmagestTestSupport
import AlmagestTracking
import Foundation
import Testing

@Suite struct ClassificationPlanTests {
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A small CSV of 600 MAGIC rows (both classes) with a header, beside the plan.
    func writeMagicSample(to directory: URL) throws {
        let data = try ClassificationPlanTests.magicSample()
        var lines = [(data.featureNames + ["class"]).joined(separator: ",")]
        for i in 0..<data.count {
            lines.append((data.features.row(i).map { "\($0)" } + [data.className(of: data.labels![i])]).joined(separator: ","))
        }
        try lines.joined(separator: "\n").write(to: directory.appendingPathComponent("magic.csv"), atomically: true, encoding: .utf8)
    }

    static func magicSample() throws -> Dataset {
        let magic = try ClassificationExperiment.loadDataset(from: Reference.url("datasets/magic-gamma/magic04.data"), target: .index(-1))
        return try magic.subset(StratifiedSample.rows(labels: magic.labels!, size: 600, seed: 0))
    }

    /// The same plan as YAML and as JSON reads to the same value; it runs every model on one split,
    /// a run each, and the comparison table lists them with their test scores.
    @Test func yamlAndJsonPlansRunEveryModel() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        try writeMagicSample(to: root)
        let yaml = """
            experiment: magic-plan
            input: magic.csv
            target: class
            seed: 1
            preprocessing:
              - {name: iqr-outliers, options: {factor: 3}}
              - {name: power-transformer}
              - {name: smote}
            models:
              - {name: gaussian-nb}
              - name: logistic-regression
                options: {c: 0.5}
              - name: decision-tree
                preprocessing: []
                search: {kind: grid, folds: 3, space: {max_depth: [2, 4]}}
            """
        let json = """
            {"experiment": "magic-plan", "input": "magic.csv", "target": "class", "seed": 1,
             "preprocessing": [{"name": "iqr-outliers", "options": {"factor": 3}}, {"name": "power-transformer"}, {"name": "smote"}],
             "models": [{"name": "gaussian-nb"}, {"name": "logistic-regression", "options": {"c": 0.5}},
                        {"name": "decision-tree", "preprocessing": [],
                         "search": {"kind": "grid", "folds": 3, "space": {"max_depth": [2, 4]}}}]}
            """
        try yaml.write(to: root.appendingPathComponent("plan.yaml"), atomically: true, encoding: .utf8)
        try json.write(to: root.appendingPathComponent("plan.json"), atomically: true, encoding: .utf8)
        let fromYAML = try ClassificationPlan.load(from: root.appendingPathComponent("plan.yaml"))
        let fromJSON = try ClassificationPlan.load(from: root.appendingPathComponent("plan.json"))
        #expect(fromYAML == fromJSON)
        #expect(fromYAML.input == root.appendingPathComponent("magic.csv").standardizedFileURL.path)

        let store = try RunStore(root: root.appendingPathComponent("runs"))
        let results = try fromYAML.run(store: store)
        #expect(results.map(\.model.final.estimator) == ["gaussian-nb", "logistic-regression", "decision-tree"])
        #expect(results.allSatisfy { $0.split == results[0].split })
        #expect(results[0].model.sampling.map(\.estimator) == ["iqr-outliers", "smote"] && results[2].model.steps.isEmpty)
        #expect(results[2].search?.count == 2)
        // Every model scored on the same test rows, far above the majority class (0.65).
        for r in results { #expect(r.report.accuracy > 0.7) }
        let table = ClassificationPlan.comparisonTable(results)
        for r in results {
            #expect(table.contains(r.runID!) && table.contains(String(format: "%.4f", r.report.accuracy)))
        }
        // A run per model plus the search's candidates.
        #expect(try store.runs().filter { $0.experiment == "magic-plan" }.count == 3 + 2)
    }

    /// The README's example file reads, names the shared MAGIC file, and every model checks out.
    @Test func theExampleFileIsValid() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/magic-classify.yaml")
        let plan = try ClassificationPlan.load(from: url)
        #expect(plan.input.hasSuffix("/shared/datasets/magic-gamma/magic04.data"))
        #expect(try plan.experiments().map(\.model.name) == plan.models.map(\.name) && plan.models.count == 7)
    }

    @Test func badPlansAreRefusedBeforeReadingData() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        func plan(_ text: String) throws -> ClassificationPlan {
            let url = root.appendingPathComponent("p-\(UUID().uuidString).yaml")
            try text.write(to: url, atomically: true, encoding: .utf8)
            return try ClassificationPlan.load(from: url)
        }
        // A misspelt field names itself.
        #expect {
            try plan("input: nowhere.csv\ntarget: -1\npreprocesing: []\nmodels: [{name: gaussian-nb}]")
        } throws: { "\($0)".contains("preprocesing") }
        #expect { try plan("input: x.csv\ntarget: -1\nmodels: [{name: gaussian-nb, option: {}}]") } throws: { "\($0)".contains("option") }
        // An unknown model or option fails on `experiments()`, before the (missing) data file is read.
        #expect(throws: RegistryError.self) { try plan("input: nowhere.csv\ntarget: -1\nmodels: [{name: no-such-model}]").run(store: nil) }
        #expect(throws: FitError.self) {
            try plan("input: nowhere.csv\ntarget: -1\nmodels: [{name: gaussian-nb, options: {no_such: 1}}]").run(store: nil)
        }
        #expect(throws: (any Error).self) {
            try plan("input: nowhere.csv\ntarget: -1\nmodels:\n  - name: gaussian-nb\n    search: {kind: grid, space: {nope: [1]}}").run(store: nil)
        }
        #expect(throws: DataError.self) { try plan("input: [unclosed\n") }
    }

    /// Groups: the test part and the folds hold whole groups, and the group column is no feature.
    /// Categorical: a column of codes is one-hot encoded by the pipeline's first step. Curves are
    /// written with the run.
    @Test func groupsCategoricalColumnsAndCurves() throws {
        let root = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let base = try Self.magicSample()
        // Column "night": 30 groups of 20 rows; column "code": fLength binned into 4 codes.
        var x = Matrix<Double>(rows: base.count, columns: base.featureCount + 2)
        for i in 0..<base.count {
            for j in 0..<base.featureCount { x[i, j] = base.features[i, j] }
            x[i, base.featureCount] = Double(i % 30)
            x[i, base.featureCount + 1] = Double(min(3, Int(base.features[i, 0] / 40)))
        }
        let data = try Dataset(features: x, labels: base.labels, featureNames: base.featureNames + ["night", "code"],
                               classNames: base.classNames)
        let experiment = ClassificationExperiment(
            model: EstimatorSpec("gaussian-nb"), seed: 3,
            search: SearchSettings(kind: .grid, space: SearchSpace(["var_smoothing": .list([1e-9, 1e-3])]), folds: 3),
            groupColumn: "night", curves: CurveSettings(learningFractions: [0.5, 1], validation: .init(option: "var_smoothing", values: [1e-9, 1e-1]), folds: 3),
            categorical: ["code"])
        let result = try experiment.run(on: data, store: try RunStore(root: root))
        let nights = x.column(base.featureCount).map(Int.init)
        #expect(Set(result.split.train.map { nights[$0] }).isDisjoint(with: result.split.test.map { nights[$0] }))
        #expect(result.model.featureNames == base.featureNames + ["code"])
        let encoder = try #require(result.model.steps.first?.base as? OneHotEncoderModel)
        #expect(encoder.encoded == [base.featureCount] && encoder.values[0] == [0, 1, 2, 3])
        let directory = try #require(result.directory)
        let learning = try LearningCurveArtifact.read(from: directory).curve
        let validation = try ValidationCurveArtifact.read(from: directory).curve
        #expect(learning == result.learningCurve && validation == result.validationCurve)
        #expect(learning.test.allSatisfy { $0.count == 3 } && validation.labels == ["1e-09", "0.1"])
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("learning_curve.svg").path))
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("validation_curve.svg").path))
        #expect(throws: DataError.self) {
            try ClassificationExperiment(model: EstimatorSpec("gaussian-nb"), groupColumn: "nope").run(on: data, store: nil)
        }
    }
}

/// A categorical column of text: read as the codes of its sorted texts (missing cells NaN), kept
/// with the data set, one-hot encoded by the experiment, and its texts written with the run.
@Suite struct TextCategoricalColumnTests {
    @Test func textColumnIsReadAsCodesAndOneHotEncoded() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-text-cat-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        var rng = RandomStream(seed: 2)
        var csv = "size,colour,weight,label\n"
        let colours = ["red", "green", "blue"]
        for i in 0..<240 {
            let c = i % 3, size = Double.random(in: 0...1, using: &rng)
            // The class is the colour (blue or not), so the encoding carries the signal.
            csv += "\(size),\(i == 7 ? "NA" : " \(colours[c])"),\(Double.random(in: 0...1, using: &rng)),\(c == 2 ? "b" : "o")\n"
        }
        let url = root.appendingPathComponent("table.csv")
        try Data(csv.utf8).write(to: url)
        let data = try Dataset.load(from: url, target: "label", categorical: ["colour"])
        #expect(data.categories == ["colour": ["blue", "green", "red"]])
        let codes = data.features.column(1)
        #expect(codes[0] == 2 && codes[1] == 1 && codes[2] == 0 && codes[7].isNaN)
        #expect(throws: DataError.self) { try Dataset.load(from: url, target: "label") }  // text is not a number without it
        #expect(throws: DataError.self) { try Dataset.load(from: url, target: "label", categorical: ["shade"]) }
        // Encoded and learnt end to end (rows with a missing colour are not in this data).
        let clean = try data.subset((0..<240).filter { $0 != 7 })
        let result = try ClassificationExperiment(model: EstimatorSpec("logistic-regression"), seed: 0, categorical: ["colour"])
            .run(on: clean, store: try RunStore(root: root))
        #expect(result.report.accuracy == 1)
        let saved = try JSONDecoder().decode([String: [String]].self, from: Data(contentsOf: try #require(result.directory)
            .appendingPathComponent("categories.json")))
        #expect(saved == data.categories)
        // The data set keeps its categories through encoding.
        let decoded = try JSONDecoder().decode(Dataset.self, from: JSONEncoder().encode(clean))
        #expect(decoded.categories == data.categories)
    }
}

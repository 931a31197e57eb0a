import AlmagestCore
import AlmagestData
import AlmagestExperiments
import AlmagestLearn
import AlmagestTestSupport
import AlmagestTracking
import Foundation
import Testing

@Suite struct EstimatorRegistryTests {
    /// Every registered estimator — Almagest's and this target's toy — passes the conformance
    /// suite; the list comes from the registry, so none can opt out.
    @Test(arguments: TestEstimators.allNames)
    func conformance(_ name: String) throws {
        try RegistryConformance.check(name)
    }

    @Test func theStandardEstimatorsAreRegistered() {
        let names = Set(TestEstimators.allNames)
        #expect(names.isSuperset(of: ["kmeans", "mlp", "standard-scaler", "pca", "nmf", "nearest-centroid", "image-nearest-centroid"]))
        #expect(EstimatorRegistry.shared.entries(of: .clusterer).map(\.name).contains("kmeans"))
        #expect(!EstimatorRegistry.shared.entries(of: .classifier).map(\.name).contains("kmeans"))
    }

    /// The toy estimator of this target, registered in one line, is listed like the others.
    @Test func aToyEstimatorIsListed() throws {
        _ = TestEstimators.allNames
        let listing = try EstimatorRegistry.shared.listing(name: nil, kind: nil)
        #expect(listing.contains("nearest-centroid") && listing.contains("nearest centroid: each class is the mean of its rows"))
        let classifiers = try EstimatorRegistry.shared.listing(name: nil, kind: .classifier)
        #expect(classifiers.contains("nearest-centroid") && !classifiers.contains("kmeans"))
        let options = try EstimatorRegistry.shared.listing(name: "nearest-centroid", kind: nil)
        #expect(options.contains("temperature") && options.contains("softmax temperature of the probabilities"))
    }

    /// ... and runs through the classification experiment with no change to it: a logged run
    /// whose parameters are its options and whose model.json decodes through the registry.
    @Test func aToyEstimatorRunsThroughTheClassificationExperiment() throws {
        _ = TestEstimators.allNames
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-toy-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let digits = try EmbeddedDatasets.digits().subset(0..<600)
        let experiment = ClassificationExperiment(
            experiment: "toy", model: EstimatorSpec("nearest-centroid", options: ["temperature": 2]), seed: 0)
        let result = try experiment.run(on: digits, store: try RunStore(root: root))
        #expect(result.report.accuracy > 0.85)
        let record = try #require(try RunStore(root: root).runs().first)
        #expect(record.algorithm == "nearest-centroid" && record.parameters["temperature"] == 2)
        let directory = try #require(result.directory)
        let model = try JSONDecoder().decode(PipelineModel.self, from: Data(contentsOf: directory.appendingPathComponent("model.json")))
        #expect(model.final.base is NearestCentroidModel && model == result.model)
    }

    /// An estimator over tensors is a classifier like the others: found by name, fitted on
    /// `[N, C, H, W]` images, saved and read back through the registry.
    @Test func anImageClassifierOverTensors() throws {
        _ = TestEstimators.allNames
        let digits = try EmbeddedDatasets.digits().subset(0..<300)
        let images = try SampleArray(shape: [300, 1, 8, 8], values: digits.features.elements.map(Float.init))
        let classifier = try EstimatorRegistry.shared.imageClassifier("image-nearest-centroid")
        let model = try classifier.fit(images.samples(at: Array(0..<200)), labels: Array(digits.labels!.prefix(200)))
        let predicted = try model.predict(images.samples(at: Array(200..<300)))
        let accuracy = Double(zip(predicted, digits.labels![200...]).filter { $0 == $1 }.count) / 100
        #expect(accuracy > 0.8)
        #expect(try JSONDecoder().decode(AnyFittedClassifier<SampleArray>.self, from: JSONEncoder().encode(model)) == model)
        #expect(throws: RegistryError.self) { try EstimatorRegistry.shared.classifier("image-nearest-centroid") }
        #expect(throws: ShapeError.self) { try SampleArray(shape: [2, 1, 8, 8], values: [1, 2]) }
    }

    /// An imputer first lets a pipeline (and the classification experiment) take rows with
    /// missing values; without one, NaN is refused as bad input.
    @Test func aPipelineStartingWithAnImputerTakesMissingValues() throws {
        _ = TestEstimators.allNames
        var digits = try EmbeddedDatasets.digits().subset(0..<300)
        var x = digits.features
        for i in stride(from: 0, to: 300, by: 7) { x[i, (i * 3) % 64] = .nan }
        let imputed = try Pipeline(steps: [EstimatorSpec("simple-imputer"), EstimatorSpec("standard-scaler")],
                                   final: EstimatorSpec("nearest-centroid"))
        #expect(imputed.acceptsMissingValues)
        let model = try imputed.fit(x, labels: digits.labels!)
        #expect(try model.predict(x).count == 300 && model.acceptsMissingValues)
        let plain = try Pipeline(steps: [EstimatorSpec("standard-scaler")], final: EstimatorSpec("nearest-centroid"))
        #expect(throws: FitError.self) { try plain.fit(x, labels: digits.labels!) }
        x[5, 5] = .infinity
        #expect(throws: FitError.self) { try imputed.fit(x, labels: digits.labels!) }
        x[5, 5] = .nan
        digits = try Dataset(features: x, labels: digits.labels, classNames: digits.classNames)
        let result = try ClassificationExperiment(model: EstimatorSpec("nearest-centroid"),
                                                  preprocessing: [EstimatorSpec("simple-imputer"), EstimatorSpec("standard-scaler")])
            .run(on: digits, store: nil)
        #expect(result.report.accuracy > 0.8)
    }

    @Test func optionsAreTheFlattenedConfiguration() throws {
        let kmeans = try EstimatorOptions.flatten(KMeans(clusters: 4, maxIterations: 50))
        #expect(kmeans == ["clusters": 4, "restarts": 10, "max_iterations": 50, "tolerance": 1e-4,
                           "initialization": "kMeansPlusPlus", "seed": 0])
        // Strings from the command line are read in the type of their default.
        let mlp = try EstimatorRegistry.shared.classifier(
            "mlp", options: ["hidden_layer_sizes": "16,8", "learning_rate": "0.05", "early_stopping": "false", "solver": "sgd"])
        let configuration = try #require(mlp.configuration as? MLPClassifier)
        #expect(configuration.hiddenLayerSizes == [16, 8] && configuration.learningRate == 0.05)
        #expect(!configuration.earlyStopping && configuration.solver == .sgd && configuration.epochs == 30)
    }

    @Test func badNamesKindsAndOptionsAreTypedErrors() throws {
        let unknown = #expect(throws: RegistryError.self) { try EstimatorRegistry.shared.clusterer("k-means") }
        #expect("\(unknown!)".contains("unknown estimator \"k-means\"") && "\(unknown!)".contains("kmeans"))
        let kind = #expect(throws: RegistryError.self) { try EstimatorRegistry.shared.classifier("kmeans") }
        #expect("\(kind!)" .contains("kmeans is a clusterer, not a classifier"))
        let option = #expect(throws: FitError.self) { try EstimatorRegistry.shared.clusterer("kmeans", options: ["cluster": 3]) }
        #expect("\(option!)".contains("option cluster of kmeans") && "\(option!)".contains("max_iterations"))
        let value = #expect(throws: FitError.self) { try EstimatorRegistry.shared.clusterer("kmeans", options: ["clusters": "many"]) }
        #expect("\(value!)".contains("clusters"))
        let range = #expect(throws: FitError.self) { try EstimatorRegistry.shared.clusterer("kmeans", options: ["clusters": 0]) }
        #expect("\(range!)".contains("clusters"))
        let duplicate = #expect(throws: RegistryError.self) {
            try EstimatorRegistry.shared.register(clusterer: KMeans.self)
        }
        #expect("\(duplicate!)".contains("taken"))
        #expect(throws: FitError.self) { try EstimatorOptions.parse(["clusters"]) }
    }

    /// A pipeline refitted in each fold learns only from that fold: its fold scores equal those
    /// of a scaler and classifier fitted on the training rows by hand, and differ from a scaler
    /// fitted on every row (the leak the pipeline prevents).
    @Test func pipelineRefitsEveryStepPerFold() throws {
        _ = TestEstimators.allNames
        let data = try EmbeddedDatasets.digits().subset(0..<400)
        let x = data.features, y = data.labels!
        let folds = try StratifiedKFold(folds: 4, seed: 3).split(labels: y)
        #expect(folds.count == 4 && Set(folds.flatMap(\.test)).count == 400)
        let pipeline = try Pipeline(steps: [EstimatorSpec("standard-scaler")], final: EstimatorSpec("nearest-centroid"))
        let scores = try CrossValidation.accuracies(of: pipeline, x, labels: y, folds: folds)
        let byHand = try folds.map { fold -> Double in
            let scaler = try StandardScaler().fit(x.rows(at: fold.train))
            let model = try NearestCentroid().fit(scaler.transform(x.rows(at: fold.train)), labels: fold.trainLabels(y))
            let predicted = try model.predict(scaler.transform(x.rows(at: fold.test)))
            return Double(zip(predicted, fold.testLabels(y)).filter { $0 == $1 }.count) / Double(fold.test.count)
        }
        #expect(scores == byHand)
        let leakyScaler = try StandardScaler().fit(x)
        let leaky = try CrossValidation.accuracies(of: NearestCentroid(), leakyScaler.transform(x), labels: y, folds: folds)
        #expect(leaky != scores)
        let model = try pipeline.fit(x, labels: y)
        #expect(try JSONDecoder().decode(PipelineModel.self, from: JSONEncoder().encode(model)) == model)
        #expect(throws: FitError.self) { try model.predict(Matrix(rows: 2, columns: 3)) }
    }
}

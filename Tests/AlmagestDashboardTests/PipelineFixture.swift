import AlmagestCore
import AlmagestData
import AlmagestDashboard
import AlmagestExperiments
import AlmagestLearn
import AlmagestTestSupport
import AlmagestTracking
import Foundation

/// A second small real run store, for the classification, NMF and sweep pages: a binary MLP on a
/// slice of MAGIC (ROC curve, early stopping so validation curves exist), a 10-class MLP on the
/// first embedded digits (no ROC), an NMF rank sweep (MU ranks 2-4 and one Adam run) on 40 MNIST
/// images, an image-classification run (the small VGG-style net, 3 epochs on 60 synthetic
/// microscopy images of 16 x 16), and one sweep run whose algorithm, parameter name and value
/// are hostile strings.
struct PipelineFixture: SiteFixture, Sendable {
    let root: URL
    let store: RunStore
    let binaryID: String
    let multiclassID: String
    let nmfIDs: [String]
    let hostileID: String
    let imagesID: String
    /// The experiment of the NMF runs (and of the hostile run).
    static let sweep = "nmf-sweep"
    /// The hostile run's parameter name and value.
    static let hostileName = "<b>bad</b>", hostileValue = "\"><script>alert(3)</script>"

    static let shared: Result<PipelineFixture, any Error> = Result { try PipelineFixture() }

    static func get() throws -> PipelineFixture { try shared.get() }

    private init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-pipelines-\(UUID().uuidString)")
        store = try RunStore(root: root)

        let magic = try ClassificationExperiment.loadDataset(
            from: Reference.url("datasets/magic-gamma/magic04.data"), target: .index(-1))
        let slice = try magic.subset(Array(stride(from: 0, to: magic.count, by: 40)))
        let binary = EstimatorSpec("mlp", options: [
            "hidden_layer_sizes": "8", "learning_rate": 1e-2, "batch_size": 64, "epochs": 5, "early_stopping": true,
            "validation_fraction": 0.2, "seed": 1,
        ])
        binaryID = try logged(ClassificationExperiment(experiment: "magic", model: binary, seed: 0).run(on: slice, store: store).runID)

        let digits = try EmbeddedDatasets.digits().subset(0..<300)
        let multiclass = EstimatorSpec("mlp", options: [
            "hidden_layer_sizes": "16", "learning_rate": 1e-2, "batch_size": 64, "epochs": 3, "early_stopping": false, "seed": 1,
        ])
        multiclassID = try logged(
            ClassificationExperiment(
                experiment: "digits-mlp", model: multiclass, seed: 0,
                curves: CurveSettings(learningFractions: [0.5, 1], validation: .init(option: "learning_rate", values: [1e-3, 1e-2]),
                                      folds: 3)
            ).run(on: digits, store: store).runID)

        let images = try FactorizationData.mnist(directory: Reference.url("datasets/mnist"), rows: 0..<40)
        let specs = [2, 3, 4].map { FactorizationSpec(method: .mu, rank: $0, iterations: 20, trackEvery: 2, initialization: .nndsvd) }
            + [FactorizationSpec(method: .gd, rank: 3, iterations: 10, trackEvery: 2)]
        let results = try FactorizationExperiment(experiment: Self.sweep, plotFormats: ["svg"]).run(specs, on: images, store: store)
        nmfIDs = try results.map { try logged($0.runID) }

        let folder = root.appendingPathComponent("smids")
        _ = try SyntheticMicroscopy(size: 16, count: 60, seed: 3).write(to: folder)
        var imageRun = ImageClassificationExperiment(data: folder.path, model: "small", augmentation: try Augmentation(parsing: "hflip"))
        (imageRun.size, imageRun.epochs, imageRun.validationFraction, imageRun.testFraction, imageRun.gradCAMImages) = (16, 3, 0.2, 0.2, 6)
        imagesID = try logged(imageRun.run(store: store).runID)

        let hostile = try store.start(
            experiment: Self.sweep, algorithm: "<svg onload=alert(4)>",
            parameters: ["rank": 7, Self.hostileName: .string(Self.hostileValue)])
        hostileID = try hostile.finish(metrics: ["relative_error": 0.5], specs: testSpecs(["relative_error": 0.5], lower: ["relative_error"]), timings: [:]).id
    }

    /// A run's file as data.
    func file(_ id: String, _ name: String) throws -> Data {
        guard let record = try store.index.run(id: id) else { throw TestFailure("no run \(id) in the fixture") }
        return try Data(contentsOf: root.appendingPathComponent(record.directory).appendingPathComponent(name))
    }

    /// A run's JSON file, decoded.
    func json<T: Decodable>(_ id: String, _ name: String, as type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: file(id, name))
    }

    /// A run's numeric CSV file: header names and rows (empty cells are NaN).
    func csv(_ id: String, _ name: String) throws -> (names: [String], rows: [[Double]]) {
        let lines = String(decoding: try file(id, name), as: UTF8.self).split(separator: "\n").map(String.init)
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map { Double($0) ?? .nan } }
        return (lines.first?.split(separator: ",").map(String.init) ?? [], rows)
    }
}

/// The id of a logged run, or an error when the experiment logged none.
private func logged(_ id: String?) throws -> String {
    guard let id else { throw TestFailure("the experiment logged no run") }
    return id
}

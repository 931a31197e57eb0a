import AlmagestCore
import AlmagestTracking
import Foundation
import Testing

/// `almagest make-images`, `train-images` and `predict-images` as a user runs them, on a small
/// synthetic microscopy set (60 images of 16 x 16, a few epochs, so the debug build stays fast).
@Suite struct TrainImagesCommandTests {
    @Test func trainsFineTunesFrozenAndPredicts() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-images-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let data = work.appendingPathComponent("smids"), runs = work.appendingPathComponent("runs")
        let made = try runAlmagest(["make-images", "--output", data.path, "--count", "60", "--size", "16", "--seed", "3"])
        #expect(made.status == 0, "\(made.errors)")
        #expect(made.output.contains("20 abnormal, 20 non-sperm, 20 normal"))

        let trained = try runAlmagest(["train-images", "--data", data.path, "--model", "small", "--size", "16", "--epochs", "3",
                                       "--augment", "rotate=180,hflip", "--runs", runs.path, "--validation-fraction", "0.2",
                                       "--test-fraction", "0.2", "--gradcam", "4"])
        #expect(trained.status == 0, "\(trained.errors)")
        #expect(trained.errors.contains("epoch 3/3"))
        let store = try RunStore(root: runs)
        let run = try #require(try store.index.runs().first)
        let directory = runs.appendingPathComponent(run.directory)
        for name in ["best.safetensors", "last.safetensors", "model.json", "training_curve.csv", "confusion_matrix.json",
                     "roc_per_class.csv", "misclassified.csv", "gradcam.png", "gradcam/03.png", "augmentation.png", "predictions.csv"] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path), "\(name) missing")
        }
        #expect(run.parameters["augmentation"]?.description == "rotate=180.0,hflip")
        // Accuracy recomputed from predictions.csv (12 test images: 4 per class).
        let lines = try String(contentsOf: directory.appendingPathComponent("predictions.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        #expect(lines.count == 12)
        let correct = Double(lines.filter { $0[1] == $0[2] }.count) / Double(lines.count)
        #expect(abs((run.metrics["accuracy"] ?? -1) - correct) < 1e-12)
        let curve = try TrainingCurveArtifact.read(from: directory).curves
        #expect(curve.trainingLoss.count == 3)

        // Fine-tune from the run's weights with the features frozen and no augmentation: the
        // frozen-feature cache trains only the head, and the features stay bit-identical.
        let tuned = try runAlmagest(["train-images", "--data", data.path, "--model", "small", "--size", "16", "--epochs", "2",
                                     "--weights", directory.appendingPathComponent("best.safetensors").path, "--freeze", "features",
                                     "--runs", runs.path, "--experiment", "tuned", "--gradcam", "0"])
        #expect(tuned.status == 0, "\(tuned.errors)")
        #expect(tuned.output.contains("(frozen features cached)"))
        let second = try #require(try store.index.runs().first { $0.experiment == "tuned" })
        let trainedNames = second.parameters["trained_parameters"]?.description ?? ""
        #expect(trainedNames.contains("classifier.") && !trainedNames.contains("features."))

        // predict-images from the run directory: one line per file with the class and probabilities.
        let files = ["normal/00000.png", "non-sperm/00001.png"].map { data.appendingPathComponent($0).path }
        let predicted = try runAlmagest(["predict-images", "--model", directory.path] + files)
        #expect(predicted.status == 0, "\(predicted.errors)")
        #expect(predicted.output.contains("p_non-sperm") && predicted.output.contains("00001.png"))

        // A truncated image: a one-line error naming the file, no crash.
        let bad = data.appendingPathComponent("normal/00002.png")
        let bytes = try Data(contentsOf: bad)
        try bytes.prefix(bytes.count / 2).write(to: bad)
        let broken = try runAlmagest(["predict-images", "--model", directory.path, bad.path])
        #expect(broken.status != 0 && broken.errors.contains("00002.png"), "\(broken.errors)")
        #expect(!broken.errors.contains("Fatal error"))
    }

    private func runAlmagest(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let products = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        let almagest = products.map { $0.appendingPathComponent("almagest") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? products[0].appendingPathComponent("almagest")
        try #require(FileManager.default.isExecutableFile(atPath: almagest.path), "build the almagest product first (\(almagest.path))")
        let process = Process()
        process.executableURL = almagest
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile(), err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}

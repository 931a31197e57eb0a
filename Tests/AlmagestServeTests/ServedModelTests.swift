import AlmagestCore
import AlmagestLearn
@testable import AlmagestServe
import Foundation
import Testing

/// Loading the served model: from a run id, a run folder or a file; anything else is a clear error.
@Suite struct ServedModelTests {
    @Test("a run id prefix, the run folder and its model.json load the same pipeline with the run's options")
    func loadsFromRunFolderAndFile() throws {
        let fixture = try ServeFixture.get()
        let folder = try #require(FileManager.default.contentsOfDirectory(atPath: fixture.root.appendingPathComponent("magic").path).first)
        let byPrefix = try ServedModel.load(String(fixture.runID.prefix(fixture.runID.count - 2)), runs: fixture.root)
        let byFolder = try ServedModel.load(fixture.root.appendingPathComponent("magic/\(folder)").path, runs: URL(fileURLWithPath: "/nonexistent"))
        let byFile = try ServedModel.load(fixture.root.appendingPathComponent("magic/\(folder)/model.json").path, runs: URL(fileURLWithPath: "/nonexistent"))
        #expect(byPrefix.pipeline == fixture.logistic.pipeline)
        #expect(byFolder.pipeline == fixture.logistic.pipeline && byFile.pipeline == fixture.logistic.pipeline)
        #expect(byPrefix.description.runID == fixture.runID && byFolder.description.runID == fixture.runID)
        #expect(byFolder.description.classifier.options?["max_iterations"] == .int(100))
        #expect(byFile.description.runID == nil && byFile.description.classifier.options == nil)
    }

    @Test("a file that is not a pipeline model, a missing run and a run without a model are clear errors",
          arguments: [
              ("not JSON", "hello, world", "is not a saved pipeline model"),
              ("other JSON", #"{"estimator": "kmeans", "model": {}}"#, "is not a saved pipeline model"),
              ("a clustering model in a pipeline", #"{"steps": [], "final": {"estimator": "kmeans", "model": {}}, "featureNames": ["a"], "classNames": []}"#,
               "at final.model"),
          ])
    func notAModel(_ name: String, _ contents: String, _ message: String) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-not-a-model-\(UUID().uuidString).json")
        try Data(contents.utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let error = #expect(throws: ServeError.self) { try ServedModel.load(url.path, runs: URL(fileURLWithPath: "/nonexistent")) }
        guard case .notAModel? = error else { Issue.record("\(name): \(String(describing: error))"); return }
        #expect(error?.description.contains(message) == true, "\(name): \(error!.description)")
        #expect(error?.description.contains(url.path) == true)
    }

    @Test("an unknown run id names the store; the server refuses a bad port before it starts")
    func unknownRunAndBadSettings() throws {
        let fixture = try ServeFixture.get()
        #expect(throws: ServeError.modelNotFound(reference: "no-such-run", runs: fixture.root.path)) {
            try ServedModel.load("no-such-run", runs: fixture.root)
        }
        #expect(throws: ServeError.self) { try PredictionServer(model: fixture.forest, port: 70_000) }
        #expect(throws: ServeError.self) { try PredictionServer(model: fixture.forest, maxBodyBytes: 0) }
    }

    @Test("almagest serve with a file that is not a model exits 1 with the reason, without starting a server")
    func commandRefusesNotAModel() throws {
        // The test runner lives beside the products (.build/debug/).
        let products = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        let almagest = products.map { $0.appendingPathComponent("almagest") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? products[0].appendingPathComponent("almagest")
        try #require(FileManager.default.isExecutableFile(atPath: almagest.path), "build the almagest product first (\(almagest.path))")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-not-a-model-\(UUID().uuidString).json")
        try Data("[1, 2, 3]".utf8).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let process = Process()
        process.executableURL = almagest
        process.arguments = ["serve", "--model", url.path, "--port", "0"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = Pipe()
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(process.terminationStatus == 1)
        #expect(message.contains("is not a saved pipeline model"), "\(message)")
        #expect(!message.contains("listening"))
    }
}

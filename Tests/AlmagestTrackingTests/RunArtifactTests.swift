import AlmagestCore
import AlmagestData
import AlmagestTracking
import Foundation
import Testing

@Suite struct RunArtifactTests {
    func temporaryStore() throws -> (RunStore, URL) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-artifacts-\(UUID().uuidString)")
        return (try RunStore(root: root), root)
    }

    /// Each typed artifact is read back equal to what was written, with its companions beside it.
    @Test func artifactsRoundTrip() throws {
        let (store, root) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try store.start(experiment: "e", algorithm: "a", parameters: [:])
        let confusion = ConfusionArtifact(classes: ["g", "h, with comma"], counts: [[5, 1], [2, 7]])
        let curves = TrainingCurves(trainingLoss: [0.9, 0.5, 0.4], validationLoss: [1, 0.6, 0.65], validationAccuracy: [0.5, 0.7, 0.72],
                                    epochSeconds: [0.1, 0.1, 0.2], bestEpoch: 2)
        let roc = ROCArtifact(name: "h vs g", thresholds: [.infinity, 0.7, 0.2], falsePositiveRates: [0, 0.25, 1],
                              truePositiveRates: [0, 0.75, 1])
        let projection = ProjectionArtifact(coordinates: try Matrix([[0.5, -1, 2], [1e-9, 3, 4]]), truth: [3, 1], clusters: [0, 1])
        let summary = FactorizationSummary(label: "mu r10", stopReason: "plateau", metrics: ["relative_error": 0.25], plateaus: [[10, 40]])
        try run.write(confusion)
        try run.write(TrainingCurveArtifact(curves))
        try run.write(roc)
        try run.write(projection)
        try run.write(summary)
        try run.finish(metrics: [:], specs: [], timings: [:])
        let directory = run.directory

        #expect(try ConfusionArtifact.read(from: directory) == confusion)
        let csv = try String(contentsOf: directory.appendingPathComponent("confusion_matrix.csv"), encoding: .utf8)
        #expect(csv == "true\\predicted,g,\"h, with comma\"\ng,5,1\n\"h, with comma\",2,7\n")
        #expect(try String(contentsOf: directory.appendingPathComponent("confusion_matrix.svg"), encoding: .utf8).contains("<svg"))
        let readCurves = try TrainingCurveArtifact.read(from: directory).curves
        #expect(readCurves.trainingLoss == curves.trainingLoss && readCurves.validationLoss == curves.validationLoss)
        #expect(readCurves.validationAccuracy == curves.validationAccuracy && readCurves.epochSeconds == curves.epochSeconds)
        #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent("training_curve.png").path))
        let readROC = try ROCArtifact.read(from: directory)
        #expect(readROC.falsePositiveRates == roc.falsePositiveRates && readROC.truePositiveRates == roc.truePositiveRates)
        #expect(readROC.thresholds == roc.thresholds)
        #expect(try ProjectionArtifact.read(from: directory) == projection)
        #expect(try FactorizationSummary.read(from: directory) == summary)
        // One chart per artifact: the experiment's SVG and the dashboard's figure are the same drawing.
        #expect(try confusion.chart().svg() == String(contentsOf: directory.appendingPathComponent("confusion_matrix.svg"), encoding: .utf8))
        #expect(try roc.chart().svg() == String(contentsOf: directory.appendingPathComponent("roc.svg"), encoding: .utf8))
        // A file that is not the artifact is a typed error naming it.
        try Data("{\"classes\": 3}".utf8).write(to: root.appendingPathComponent("confusion_matrix.json"))
        let bad = #expect(throws: DataError.self) { try ConfusionArtifact.read(from: root) }
        #expect("\(bad!)".contains("confusion_matrix.json"))
        #expect(throws: DataError.self) { try ROCArtifact.decoded(from: Data("a,b\n1,2\n".utf8), source: "roc.csv") }
    }

    /// One lifecycle: finished with metrics and their specs, failed with the error, and a metric
    /// without a spec refused.
    @Test func lifecycleLogsFinishedAndFailedRuns() throws {
        let (store, root) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: root) }
        let done = try RunStore.track(in: store, experiment: "e", algorithm: "a", parameters: ["k": 3]) { run in
            try run?.writeArtifact("note.txt", contents: Data("hi".utf8))
            return RunOutcome(7, metrics: ["inertia": 2, "ami": 0.5], specs: [.loss("inertia"), MetricSpec("ami", .maximize, range: -1...1)],
                              timings: ["fit": 0.1])
        }
        #expect(done.value == 7 && done.record?.status == .finished && done.record?.spec(of: "inertia")?.goal == .minimize)
        #expect(done.record?.spec(of: "ami")?.upper == 1)
        struct Broken: Error {}
        #expect(throws: Broken.self) {
            try RunStore.track(in: store, experiment: "e", algorithm: "b", parameters: [:]) { _ -> RunOutcome<Int> in throw Broken() }
        }
        let unspecified = #expect(throws: TrackingError.self) {
            try RunStore.track(in: store, experiment: "e", algorithm: "c", parameters: [:]) { _ in
                RunOutcome(0, metrics: ["mystery": 1], specs: [], timings: [:])
            }
        }
        #expect("\(unspecified!)".contains("mystery"))
        let runs = try store.runs()
        #expect(runs.map(\.status) == [.finished, .failed, .failed])
        // Without a store, the body runs and nothing is logged.
        let quiet = try RunStore.track(in: nil, experiment: "e", algorithm: "a", parameters: [:]) { run in
            RunOutcome(run == nil, metrics: [:], specs: [], timings: [:])
        }
        #expect(quiet.value && quiet.record == nil)
        // The index knows each metric's direction from the runs.
        #expect(try store.index.goal(of: "inertia") == .minimize && store.index.goal(of: "ami") == .maximize)
        #expect(try store.index.goal(of: "mystery") == nil)
    }
}

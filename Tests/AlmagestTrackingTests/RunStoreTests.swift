import AlmagestCore
import AlmagestTracking
import Foundation
import Testing

func temporaryStoreURL() -> URL {
    FileManager.default.temporaryDirectory.appendingPathComponent("almagest-runs-\(UUID().uuidString)")
}

@Suite struct RunStoreTests {
    @Test func runLifecycleIsLogged() throws {
        let root = temporaryStoreURL()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try RunStore(root: root)
        let run = try store.start(experiment: "digits", algorithm: "kmeans", parameters: ["clusters": 10, "features": "hog"])
        try run.writeJSON("metrics.json", ["ami": 0.6])
        let final = try run.finish(metrics: ["ami": 0.6], specs: testSpecs(["ami": 0.6]), timings: ["fit": 0.1])
        #expect(final.status == .finished)
        #expect(final.artifacts == ["parameters.json", "metrics.json"])
        let lines = try String(contentsOf: store.logURL, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let runs = try store.runs()
        #expect(runs.count == 1 && runs[0].metrics["ami"] == 0.6 && runs[0].parameters["clusters"] == 10)
        #expect(FileManager.default.fileExists(atPath: run.directory.appendingPathComponent("metrics.json").path))
        #expect(throws: TrackingError.self) { try run.finish(metrics: [:], specs: testSpecs([:]), timings: [:]) }
    }

    @Test func interruptedRunIsMarkedFailedOnNextOpen() throws {
        let root = temporaryStoreURL()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try RunStore(root: root)
        // A run logged as running by a process that has since exited.
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let dead = RunRecord(
            id: "dead-run", experiment: "digits", algorithm: "kmeans", parameters: [:], startedAt: Date(),
            version: "0.1.0", directory: "digits/dead-run",
            writer: "\(ProcessInfo.processInfo.hostName):\(child.processIdentifier)")
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        try (try encoder.encode(dead) + Data("\n".utf8)).write(to: store.logURL)
        // A run of this live process, still in progress, and a finished one.
        let live = try store.start(experiment: "digits", algorithm: "kmeans", parameters: [:])
        let finished = try store.start(experiment: "digits", algorithm: "kmeans", parameters: [:])
        try finished.finish(metrics: ["x": 1], specs: testSpecs(["x": 1]), timings: [:])

        let runs = try RunStore(root: root).runs()
        #expect(runs.map(\.id) == ["dead-run", live.id, finished.id])
        #expect(runs.map(\.status) == [.failed, .running, .finished])
        #expect(runs[0].error?.contains("interrupted") == true)
        #expect(runs[2].metrics == ["x": 1])
        // The live run finishes normally after another store was opened.
        try live.finish(metrics: ["y": 2], specs: testSpecs(["y": 2]), timings: [:])
        #expect(try store.runs()[1].status == .finished)
    }

    @Test func artifactsAreNeverOverwrittenNorOutsideTheRun() throws {
        let root = temporaryStoreURL()
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try RunStore(root: root).start(experiment: "e", algorithm: "a", parameters: [:])
        try run.writeArtifact("labels.csv", contents: Data("1\n".utf8))
        #expect(throws: TrackingError.self) { try run.writeArtifact("labels.csv", contents: Data("2\n".utf8)) }
        #expect(try String(contentsOf: run.directory.appendingPathComponent("labels.csv"), encoding: .utf8) == "1\n")
        #expect(throws: TrackingError.self) { try run.writeArtifact("../escape.txt", contents: Data()) }
        #expect(throws: TrackingError.self) { try RunStore(root: root).start(experiment: "../x", algorithm: "a", parameters: [:]) }
    }

    @Test func concurrentWritersKeepTheLogWhole() throws {
        let root = temporaryStoreURL()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try RunStore(root: root)
        let bigParameter = ParameterValue.string(String(repeating: "x", count: 20_000))
        Parallel.withThreads(2) {
            Parallel.forEach(40) { i in
                let run = try! store.start(experiment: "sweep", algorithm: "kmeans", parameters: ["i": .int(i), "pad": bigParameter])
                try! run.finish(metrics: ["score": Double(i)], specs: testSpecs(["score": Double(i)]), timings: [:])
            }
        }
        let records = try store.records()
        #expect(records.count == 80)
        let runs = try store.runs()
        #expect(runs.count == 40 && runs.allSatisfy { $0.status == .finished })
        #expect(Set(runs.compactMap { $0.metrics["score"] }) == Set((0..<40).map(Double.init)))
    }

    @Test func tornLastLineIsSkipped() throws {
        let root = temporaryStoreURL()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try RunStore(root: root)
        try store.start(experiment: "e", algorithm: "a", parameters: [:]).finish(metrics: [:], specs: testSpecs([:]), timings: [:])
        let handle = try FileHandle(forWritingTo: store.logURL)
        handle.seekToEndOfFile()
        handle.write(Data(#"{"id":"broken","exp"#.utf8))
        try handle.close()
        #expect(try store.runs().count == 1)
    }

    @Test func parameterValuesRoundTrip() throws {
        let values: [String: ParameterValue] = ["i": 3, "d": 0.5, "s": "hog", "b": true, "l": .list([1, 2.5, "x"])]
        let data = try JSONEncoder().encode(values)
        #expect(try JSONDecoder().decode([String: ParameterValue].self, from: data) == values)
    }
}

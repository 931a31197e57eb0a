import AlmagestCore
import AlmagestExperiments
import AlmagestTracking
import Foundation
import Testing

/// `almagest sweep` with the local backend, through the binary: runs land in the store equal to
/// the same command run by hand, a failed run is logged and counted, --resume completes what is
/// left, bad options stop everything before a run starts, concurrent writers lose nothing, and a
/// dry run of 10,000 runs stays under 50 MB.
@Suite struct LocalSweepTests {
    @Test func runsLandEqualToTheCommandRunByHandAndFailuresAreCounted() throws {
        let folder = try SweepTestSupport.folder("sweep-local")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("blobs.csv")
        try SweepTestSupport.blobs(rows: 90, centers: 3, seed: 1, to: data)
        // clusters = 200 > 90 rows: that run fails at the fit, the others go on.
        let file = folder.appendingPathComponent("k.yaml")
        try Data("""
            command: cluster
            experiment: sweep-local
            options: {input: \(data.path), target: label, silhouette: exact}
            grid: {clusters: [2, 3, 200]}
            seeds: [0, 5]
            """.utf8).write(to: file)
        let store = folder.appendingPathComponent("runs")
        let sweep = try SweepTestSupport.run(["sweep", file.path, "--runs", store.path, "--jobs", "2"])
        #expect(sweep.status == 1, "\(sweep.errors)")
        #expect(sweep.output.contains("6 runs: 4 finished, 2 failed"), "\(sweep.output)")
        let runs = try SweepTestSupport.runsByKey(store)
        #expect(runs.values.filter { $0.status == .finished }.count == 4)
        let log = try SweepLog(store: store, name: "sweep-local")
        let failed = try log.states().values.filter { $0.event == .failed }
        #expect(failed.count == 2 && failed.allSatisfy { ($0.error ?? "").contains("200") }, "\(failed)")

        // Each finished run equals `almagest cluster` run by hand with the same options.
        let plan = try SweepPlan.load(from: file)
        let byHand = folder.appendingPathComponent("by-hand")
        for index in 0..<plan.count {
            let c = try plan.combination(index)
            guard c.options["clusters"] != 200 else { continue }
            let direct = try SweepTestSupport.run(Array(c.arguments) + ["--runs", byHand.path])
            #expect(direct.status == 0, "\(direct.errors)")
            let mine = try #require(runs[c.key])
            let theirs = try #require(try RunStore(root: byHand).runs().last)
            #expect(mine.metrics == theirs.metrics)
            let labels = { (run: RunRecord, root: URL) in try String(contentsOf: root.appendingPathComponent(run.directory + "/labels.csv"), encoding: .utf8) }
            #expect(try labels(mine, store) == labels(theirs, byHand))
        }

        // --resume starts only the runs not finished: the two failed ones, which fail again.
        let again = try SweepTestSupport.run(["sweep", file.path, "--runs", store.path, "--resume"])
        #expect(again.output.contains("2 runs: 0 finished, 2 failed") && again.output.contains("4 skipped"), "\(again.output)")
    }

    @Test func badOptionsStopTheSweepBeforeAnyRun() throws {
        let folder = try SweepTestSupport.folder("sweep-bad")
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("runs")
        for (options, word) in [
            (#""grid": {"clusterz": [2, 3]}"#, "clusterz"),
            (#""grid": {"clusters": [2, "three"]}"#, "three"),
            (#""grid": {"option": [["restarts=1"], ["restartz=2"]]}"#, "restartz"),
        ] {
            let file = folder.appendingPathComponent("bad.json")
            try Data(#"{"command": "cluster", "options": {"input": "x.csv", "clusters": 2}, \#(options)}"#.utf8).write(to: file)
            let result = try SweepTestSupport.run(["sweep", file.path, "--runs", store.path])
            #expect(result.status != 0 && result.errors.contains(word), "\(result.errors)")
            #expect(try RunStore(root: store).runs().isEmpty)
        }
        let unknown = folder.appendingPathComponent("unknown.json")
        try Data(#"{"command": "clusterize", "options": {}}"#.utf8).write(to: unknown)
        let result = try SweepTestSupport.run(["sweep", unknown.path, "--runs", store.path])
        #expect(result.status != 0 && result.errors.contains("clusterize") && result.errors.contains("classify"), "\(result.errors)")
    }

    /// 16 runs, 4 processes at a time, all appending to one runs.jsonl and one sweep log.
    @Test func concurrentWritersLoseNothing() throws {
        let folder = try SweepTestSupport.folder("sweep-writers")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("blobs.csv")
        try SweepTestSupport.blobs(rows: 40, centers: 2, seed: 3, to: data)
        let file = folder.appendingPathComponent("w.json")
        try Data(#"{"command": "cluster", "options": {"input": "\#(data.path)", "silhouette": "off", "clusters": 2}, "seeds": \#(Array(0..<16))}"#.utf8)
            .write(to: file)
        let store = folder.appendingPathComponent("runs")
        let result = try SweepTestSupport.run(["sweep", file.path, "--runs", store.path, "--jobs", "4"])
        #expect(result.status == 0, "\(result.errors)")
        let lines = try String(contentsOf: store.appendingPathComponent("runs.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 32)  // a start and an end record per run, none torn
        let records = try RunStore(root: store).records()
        #expect(records.count == 32)
        #expect(Set(records.filter { $0.status == .finished }.compactMap(\.sweepKey)).count == 16)
        let events = try SweepLog(store: store, name: "w").events()
        #expect(events.count == 32 && events.filter { $0.event == .finished }.count == 16)
        #expect(try RunStore(root: store).index.runs().count == 16)
    }

    /// Ctrl-C (SIGINT to the sweep): no new runs start, the running one finishes and is logged,
    /// the exit code is 130 with the runs not started counted; `--resume` then runs exactly those.
    @Test func ctrlCStopsStartingRunsAndResumeCompletesTheSweep() throws {
        let folder = try SweepTestSupport.folder("sweep-interrupt")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("blobs.csv")
        try SweepTestSupport.blobs(rows: 3_000, centers: 3, seed: 4, to: data)
        let file = folder.appendingPathComponent("i.json")
        try Data(#"{"command": "cluster", "options": {"input": "\#(data.path)", "silhouette": "exact", "clusters": 3}, "seeds": \#(Array(0..<10))}"#.utf8)
            .write(to: file)
        let store = folder.appendingPathComponent("runs")
        let process = Process()
        process.executableURL = SweepTestSupport.almagest
        process.arguments = ["sweep", file.path, "--runs", store.path, "--jobs", "1"]
        let output = Pipe(), errors = Pipe()
        (process.standardOutput, process.standardError) = (output, errors)
        try process.run()
        // Interrupt once the first run has finished.
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline, (try? SweepTestSupport.runsByKey(store).values.filter { $0.status == .finished }.count) ?? 0 < 1 {
            usleep(50_000)
        }
        process.interrupt()
        let out = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let err = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "\(out)\(err)")
        #expect(err.contains("stopping: no new runs"), "\(err)")
        let runs = try SweepTestSupport.runsByKey(store)
        let finished = runs.values.filter { $0.status == .finished }.count
        #expect(finished >= 1 && finished < 10 && runs.values.allSatisfy { $0.status == .finished }, "\(runs.values.map(\.status))")

        let resumed = try SweepTestSupport.run(["sweep", file.path, "--runs", store.path, "--resume"])
        #expect(resumed.status == 0, "\(resumed.errors)")
        #expect(resumed.output.contains("\(10 - finished) runs: \(10 - finished) finished, 0 failed") && resumed.output.contains("\(finished) skipped"),
                "\(resumed.output)")
        #expect(try SweepTestSupport.runsByKey(store).values.filter { $0.status == .finished }.count == 10)
    }

    @Test func dryRunOfTenThousandRunsStaysUnder50MB() throws {
        let folder = try SweepTestSupport.folder("sweep-dry")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("big.json")
        try Data("""
            {"command": "cluster", "options": {"input": "x.csv", "silhouette": "off"},
             "grid": {"clusters": \((2...101).map { $0 })}, "seeds": \(Array(0..<100))}
            """.utf8).write(to: file)
        let (status, kB) = try SweepTestSupport.peakMemory(["sweep", file.path, "--dry-run", "--runs", folder.appendingPathComponent("runs").path])
        #expect(status == 0)
        print("almagest sweep --dry-run of 10,000 runs: peak RSS \(kB) kB")
        #expect(kB > 0 && kB < 50 * 1024, "peak RSS \(kB) kB")
        let out = try SweepTestSupport.run(["sweep", file.path, "--dry-run", "--runs", folder.appendingPathComponent("runs").path])
        #expect(out.output.split(separator: "\n").filter { $0.hasPrefix("run ") }.count == 10_000)
        #expect(out.output.contains("10000 runs would start"))
    }
}

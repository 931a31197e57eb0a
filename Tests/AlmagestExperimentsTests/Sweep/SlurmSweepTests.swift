import AlmagestCore
import AlmagestExperiments
import AlmagestTracking
import Foundation
import Testing

/// `almagest sweep --backend slurm` on a real one-node Slurm cluster (scripts/slurm-local.sh),
/// one cluster per test, one test at a time: the runs equal the local backend's, a task killed
/// with scancel is reported failed and --resume completes it, a bad option fails before sbatch.
/// Where Slurm cannot start, the tests say so (and fail under CI).
@Suite(.serialized) struct SlurmSweepTests {
    @Test func slurmSweepEqualsTheLocalOne() throws {
        guard let slurm = try LocalSlurm.start() else { return }
        defer { slurm.stop() }
        let folder = try SweepTestSupport.folder("sweep-slurm")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("blobs.csv")
        try SweepTestSupport.blobs(rows: 120, centers: 4, seed: 2, to: data)
        let file = folder.appendingPathComponent("k.json")
        try Data("""
            {"command": "cluster", "experiment": "kslurm", "options": {"input": "\(data.path)", "target": "label", "silhouette": "exact"},
             "grid": {"clusters": [3, 4, 5]}, "seeds": [0, 1], "threads": 1, "slurm": {"time": "00:05:00", "maxConcurrent": 2}}
            """.utf8).write(to: file)
        let local = folder.appendingPathComponent("local"), shared = folder.appendingPathComponent("shared")
        let here = try SweepTestSupport.run(["sweep", file.path, "--runs", local.path])
        #expect(here.status == 0, "\(here.errors)")
        let submitted = try SweepTestSupport.run(["sweep", file.path, "--runs", shared.path, "--backend", "slurm"], environment: slurm.environment)
        #expect(submitted.status == 0 && submitted.output.contains("6 tasks"), "\(submitted.errors)")
        let script = try FileManager.default.contentsOfDirectory(atPath: shared.appendingPathComponent("sweeps/kslurm").path).first { $0.hasSuffix(".sbatch") }
        let text = try String(contentsOf: shared.appendingPathComponent("sweeps/kslurm/" + (script ?? "")), encoding: .utf8)
        #expect(text.contains("#SBATCH --array=0-5%2") && text.contains("#SBATCH --time=00:05:00") && text.contains("#SBATCH --cpus-per-task=1"))
        #expect(slurm.waitForEmptyQueue())
        let status = try SweepTestSupport.run(["sweep", "status", file.path, "--runs", shared.path], environment: slurm.environment)
        #expect(status.output.hasPrefix("6 runs: 6 done, 0 running, 0 pending, 0 failed"), "\(status.output)")

        let mine = try SweepTestSupport.runsByKey(shared), theirs = try SweepTestSupport.runsByKey(local)
        #expect(mine.count == 6 && Set(mine.keys) == Set(theirs.keys))
        for (key, run) in mine {
            let other = try #require(theirs[key])
            #expect(run.status == .finished && run.metrics == other.metrics, "\(key)")
            let labels = try String(contentsOf: shared.appendingPathComponent(run.directory + "/labels.csv"), encoding: .utf8)
            #expect(labels == (try String(contentsOf: local.appendingPathComponent(other.directory + "/labels.csv"), encoding: .utf8)))
        }
    }

    @Test func aTaskKilledWithScancelIsReportedFailedAndResumeCompletesIt() throws {
        guard let slurm = try LocalSlurm.start() else { return }
        defer { slurm.stop() }
        let folder = try SweepTestSupport.folder("sweep-scancel")
        defer { try? FileManager.default.removeItem(at: folder) }
        // Run 1 takes a few seconds (20,000 rows, 6 restarts), long enough to be killed running.
        let data = folder.appendingPathComponent("blobs.csv")
        try SweepTestSupport.blobs(rows: 20_000, centers: 9, seed: 4, to: data)
        let file = folder.appendingPathComponent("s.json")
        try Data("""
            {"command": "cluster", "experiment": "scancel", "options": {"input": "\(data.path)", "silhouette": "off", "clusters": 8},
             "runs": [{"restarts": "1", "option": ["max_iterations=5"]}, {"restarts": "6"}]}
            """.utf8).write(to: file)
        let store = folder.appendingPathComponent("runs")
        let submitted = try SweepTestSupport.run(["sweep", file.path, "--runs", store.path, "--backend", "slurm"], environment: slurm.environment)
        #expect(submitted.status == 0, "\(submitted.errors)")
        let job = try #require(submitted.output.split(separator: " ").dropFirst(3).first.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: ":")) })
        let log = try SweepLog(store: store, name: "scancel")
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, try !log.events().contains(where: { $0.event == .started && $0.index == 1 }) { usleep(100_000) }
        // Killed while its run is open in the store (a loaded machine can take longer than any
        // fixed sleep to start the child and read its data): the store must then mark it failed.
        let key = try log.events().first { $0.event == .started && $0.index == 1 }?.key
        while Date() < deadline, try !RunStore(root: store).runs().contains(where: { $0.status == .running && $0.sweepKey == key }) {
            usleep(50_000)
        }
        usleep(200_000)
        #expect(slurm.client(["scancel", "\(job)_1"]).status == 0)
        #expect(slurm.waitForEmptyQueue())
        let status = try SweepTestSupport.run(["sweep", "status", file.path, "--runs", store.path], environment: slurm.environment)
        #expect(status.output.hasPrefix("2 runs: 1 done, 0 running, 0 pending, 1 failed"), "\(status.output)")
        #expect(status.output.contains("failed run 1") && status.output.contains("SIGTERM"), "\(status.output)")

        let resumed = try SweepTestSupport.run(["sweep", file.path, "--runs", store.path, "--backend", "slurm", "--resume"], environment: slurm.environment)
        #expect(resumed.output.contains("1 tasks (1 already finished)"), "\(resumed.output)\(resumed.errors)")
        #expect(slurm.waitForEmptyQueue())
        let after = try SweepTestSupport.run(["sweep", "status", file.path, "--runs", store.path], environment: slurm.environment)
        #expect(after.output.hasPrefix("2 runs: 2 done, 0 running, 0 pending, 0 failed"), "\(after.output)")
        let runs = try RunStore(root: store).runs()
        #expect(runs.filter { $0.status == .finished }.count == 2 && runs.filter { $0.status == .failed }.count == 1)
    }

    @Test func aBadOptionFailsBeforeSbatch() throws {
        guard let slurm = try LocalSlurm.start() else { return }
        defer { slurm.stop() }
        let folder = try SweepTestSupport.folder("sweep-slurm-bad")
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("bad.json")
        try Data(#"{"command": "cluster", "experiment": "bad", "options": {"input": "x.csv"}, "grid": {"clusters": [2], "restartz": ["3"]}}"#.utf8)
            .write(to: file)
        let store = folder.appendingPathComponent("runs")
        let result = try SweepTestSupport.run(["sweep", file.path, "--runs", store.path, "--backend", "slurm"], environment: slurm.environment)
        #expect(result.status != 0 && result.errors.contains("restartz"), "\(result.errors)")
        // The script is written just before sbatch is called: none, no job, nothing logged.
        let files = (try? FileManager.default.contentsOfDirectory(atPath: store.appendingPathComponent("sweeps/bad").path)) ?? []
        #expect(!files.contains { $0.hasSuffix(".sbatch") || $0.hasSuffix(".tasks") })
        #expect(try SweepLog(store: store, name: "bad").events().isEmpty)
        #expect(slurm.client(["squeue", "-h"]).output.isEmpty)
    }
}

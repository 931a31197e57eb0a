import AlmagestCore
import AlmagestExperiments
import Foundation

/// `almagest-bench sweep`: the local sweep backend's bar. 20 short k-means runs (3,000 x 8
/// blobs, k = 2...11, two seeds, one thread each) as child processes, one at a time and then two
/// at a time (`--jobs 2`); the two-at-a-time wall time must be at most 0.6x the one-at-a-time one
/// on 2 cores. Needs the `almagest` product beside this benchmark (swift build -c release).
func sweepBenchmarks() -> [BenchResult] {
    let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let almagest = products.appendingPathComponent("almagest")
    guard FileManager.default.isExecutableFile(atPath: almagest.path) else {
        return [failedBenchmark("sweep_local_20_kmeans", SweepError.slurm("no almagest binary at \(almagest.path); build it first"))]
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-sweep-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let data = folder.appendingPathComponent("blobs.csv")
        var random = RandomStream(seed: 7)
        var text = (0..<8).map { "x\($0)" }.joined(separator: ",") + "\n"
        for row in 0..<3_000 {
            let center = Double(row % 5) * 3
            text += (0..<8).map { _ in String(format: "%.5f", center + random.nextNormal()) }.joined(separator: ",") + "\n"
        }
        try Data(text.utf8).write(to: data)
        let plan = SweepPlan(
            command: "cluster", experiment: "bench", options: ["input": .string(data.path), "silhouette": "off", "restarts": "3"],
            grid: ["clusters": (2...11).map { .int($0) }], seeds: [0, 1], threads: 1)
        func time(jobs: Int) throws -> Double {
            let store = folder.appendingPathComponent("runs-\(jobs)")
            let log = try SweepLog(store: store, name: "bench")
            let sweep = LocalSweep(plan: plan, name: "bench", log: log, executable: almagest, store: store, jobs: jobs)
            let start = Date()
            let summary = try sweep.run(indices: Array(0..<plan.count), progress: .silent)
            guard summary.finished == plan.count else { throw SweepError.slurm("bench sweep: \(summary.description)") }
            try? FileManager.default.removeItem(at: store)
            return Date().timeIntervalSince(start)
        }
        var sequential = 0.0, parallel = 0.0
        let result = try measure("sweep_local_20_kmeans", repeats: 1) {
            sequential = try time(jobs: 1)
            parallel = try time(jobs: 2)
            let ratio = parallel / sequential
            return [
                "runs": plan.count, "sequential_s": sequential, "jobs2_s": parallel, "ratio": ratio, "bar": 0.6,
                "meets_bar": ratio <= 0.6, "cores": ProcessInfo.processInfo.activeProcessorCount,
            ]
        }
        return [result]
    } catch {
        return [failedBenchmark("sweep_local_20_kmeans", error)]
    }
}

import AlmagestCore
import AlmagestExperiments
import Foundation

/// `almagest-bench sweep`: the local sweep backend's bar. 20 short k-means runs (k = 2...11, two
/// seeds, one thread each) as child processes, one at a time and then two at a time (`--jobs 2`);
/// the two-at-a-time wall time (median of three) must be at most 0.6x the one-at-a-time one on 2 cores. Twice: on
/// 20,000 x 8 blobs (about 0.13 s per run) and on 3,000 x 8 (about 0.07 s per run, of which ~0.03 s
/// is starting the process — there the ratio measures process start-up more than the sweep).
/// Needs the `almagest` product beside this benchmark (swift build -c release).
func sweepBenchmarks() -> [BenchResult] {
    let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let almagest = products.appendingPathComponent("almagest")
    guard FileManager.default.isExecutableFile(atPath: almagest.path) else {
        return [failedBenchmark("sweep_local_20_kmeans", SweepError.slurm("no almagest binary at \(almagest.path); build it first"))]
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-sweep-bench-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: folder) }
    return [20_000, 3_000].map { rows in
        do { return try sweepRun(rows: rows, folder: folder, almagest: almagest) } catch {
            return failedBenchmark("sweep_local_20_kmeans_\(rows)x8", error)
        }
    }
}

private func sweepRun(rows: Int, folder: URL, almagest: URL) throws -> BenchResult {
    do {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let data = folder.appendingPathComponent("blobs-\(rows).csv")
        var random = RandomStream(seed: 7)
        var text = (0..<8).map { "x\($0)" }.joined(separator: ",") + "\n"
        for row in 0..<rows {
            let center = Double(row % 5) * 3
            text += (0..<8).map { _ in String(format: "%.5f", center + random.nextNormal()) }.joined(separator: ",") + "\n"
        }
        try Data(text.utf8).write(to: data)
        let plan = SweepPlan(
            command: "cluster", experiment: "bench", options: ["input": .string(data.path), "silhouette": "off", "restarts": "3"],
            grid: ["clusters": (2...11).map { .int($0) }], seeds: [0, 1], threads: 1)
        func time(jobs: Int) throws -> Double {
            let store = folder.appendingPathComponent("runs-\(rows)-\(jobs)")
            let log = try SweepLog(store: store, name: "bench")
            let sweep = LocalSweep(plan: plan, name: "bench", log: log, executable: almagest, store: store, jobs: jobs)
            let start = Date()
            let summary = try sweep.run(indices: Array(0..<plan.count), progress: .silent)
            guard summary.finished == plan.count else { throw SweepError.slurm("bench sweep: \(summary.description)") }
            try? FileManager.default.removeItem(at: store)
            return Date().timeIntervalSince(start)
        }
        var sequential = 0.0, parallel = 0.0
        let result = try measure("sweep_local_20_kmeans_\(rows)x8", repeats: 1) {
            // Three alternating measurements of each, medians (single runs of ~2 s vary by ±15% here).
            var ones = [Double](), twos = [Double]()
            for _ in 0..<3 {
                ones.append(try time(jobs: 1))
                twos.append(try time(jobs: 2))
            }
            sequential = ones.sorted()[1]
            parallel = twos.sorted()[1]
            let ratio = parallel / sequential
            return [
                "runs": plan.count, "sequential_s": sequential, "jobs2_s": parallel, "ratio": ratio, "bar": 0.6,
                "meets_bar": ratio <= 0.6, "cores": ProcessInfo.processInfo.activeProcessorCount,
            ]
        }
        return result
    }
}

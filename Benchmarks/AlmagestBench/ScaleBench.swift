import AlmagestCore
import AlmagestData
import AlmagestExperiments
import AlmagestLearn
import AlmagestTracking
import Foundation

/// Whole clustering runs at scale, as `almagest cluster` does them (read the CSV, standardise,
/// k-means with 10 restarts, every metric with the silhouette on a 10,000-row sample, 3-D PCA,
/// write the run), on 100,000 x 50 and 1,000,000 x 50 blobs written as CSV files in
/// `BenchData.directory` (`blobs_100000x50.csv`, `blobs_1000000x50.csv`, made once), and the CSV
/// read alone of the large one. Benchmarks/python/reference_bench.py `scale` reads the same files
/// with pandas and runs scikit-learn's KMeans(n_init=10) and silhouette_score(sample_size=10000).
func scaleBenchmarks() -> [BenchResult] {
    var results = [BenchResult]()
    for rows in [100_000, 1_000_000] {
        let url = BenchData.directory.appendingPathComponent("blobs_\(rows)x50.csv")
        do {
            if !FileManager.default.fileExists(atPath: url.path) {
                try FileManager.default.createDirectory(at: BenchData.directory, withIntermediateDirectories: true)
                let blobs = gaussianBlobs(rows: rows, columns: 50, centres: 10, seed: 0)
                try CSVWriter.write(blobs, columnNames: (0..<50).map { "c\($0)" }, to: url, overwrite: true)
            }
            if rows == 1_000_000 {
                results.append(try measure("csv_read_1000000x50", repeats: 2) {
                    let data = try CSVReader.read(from: url)
                    return ["rows": data.count]
                })
            }
            results.append(try measure("cluster_run_\(rows)x50_k10_restarts10", repeats: rows > 100_000 ? 1 : 2) {
                let root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-bench-\(UUID().uuidString)")
                defer { try? FileManager.default.removeItem(at: root) }
                let data = try Dataset.load(from: url)
                let experiment = ClusteringExperiment(
                    experiment: "scale", clusterer: EstimatorSpec("kmeans", options: ["restarts": 10]), clusters: 10,
                    descriptors: [.none], seed: 0)
                let result = try experiment.run(on: data, settings: .digits(), store: RunStore(root: root))[0]
                return ["inertia": result.metrics["inertia"] ?? .nan, "silhouette": result.metrics["silhouette"] ?? .nan,
                        "fit_s": result.timings["fit"] ?? .nan]
            })
        } catch {
            results.append(failedBenchmark("cluster_run_\(rows)x50_k10_restarts10", error))
        }
    }
    return results
}

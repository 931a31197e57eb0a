import AlmagestCore
import AlmagestData
import AlmagestExperiments
import AlmagestLearn
import AlmagestTracking
import Foundation

/// Whole clustering runs at scale, as `almagest cluster` does them (read the CSV, standardise,
/// k-means with 10 restarts, every metric with the silhouette on a 10,000-row sample, 3-D PCA,
/// write the run), on 100,000 x 50 and 1,000,000 x 50 blobs written as CSV files with six decimals
/// (as `numpy.savetxt(fmt="%.6f")` writes them: about 480 MB for the large one) in
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
                try writeSixDecimals(gaussianBlobs(rows: rows, columns: 50, centres: 10, seed: 0), to: url)
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

/// A header and the values with six decimals, formatted from integers (String(format:) would take
/// a minute for 50 million values).
private func writeSixDecimals(_ x: Matrix<Double>, to url: URL) throws {
    var out = [UInt8]()
    out.reserveCapacity(x.rows * x.columns * 11)
    out += Array(((0..<x.columns).map { "c\($0)" }.joined(separator: ",") + "\n").utf8)
    var digits = [UInt8](repeating: 0, count: 24)
    for i in 0..<x.rows {
        for j in 0..<x.columns {
            let scaled = Int64((x[i, j] * 1e6).rounded())
            if scaled < 0 { out.append(0x2D) }
            var v = scaled.magnitude, n = 0
            repeat { digits[n] = UInt8(v % 10) + 0x30; v /= 10; n += 1 } while v > 0 || n < 7
            for k in stride(from: n - 1, through: 0, by: -1) {
                out.append(digits[k])
                if k == 6 { out.append(0x2E) }
            }
            out.append(j + 1 == x.columns ? 0x0A : 0x2C)
        }
    }
    try Data(out).write(to: url)
}

import AlmagestCore
import AlmagestData
import AlmagestExperiments
import AlmagestLearn
import Foundation

/// Clustering benchmarks: k-means (10 clusters, 10 restarts) on the digits HOG features and on a
/// 100,000 x 50 Gaussian-blob matrix, and the silhouette on 20,000 x 36, at 1 and 2 threads; the
/// Calinski-Harabasz and Davies-Bouldin indices of the blobs under their true labels.
/// The generated inputs are also written as NPY files to `BenchData.directory`, so that
/// Benchmarks/python/reference_bench.py measures scikit-learn on exactly the same numbers.
func clusterBenchmarks() -> [BenchResult] {
    var results = [BenchResult]()
    let digits = try! EmbeddedDatasets.digits()
    let hog = try! FeatureSettings.digits().features(.hog, of: digits.features)
    let blobs = gaussianBlobs(rows: 100_000, columns: 50, centres: 10, seed: 0)
    let (silhouetteData, silhouetteLabels) = labelledBlobs(rows: 20_000, columns: 36, centres: 10, seed: 1)
    BenchData.save(blobs, as: "blobs_100000x50")
    BenchData.save(silhouetteData, as: "silhouette_20000x36")
    BenchData.save(Matrix(rows: silhouetteLabels.count, columns: 1) { i, _ in Double(silhouetteLabels[i]) }, as: "silhouette_20000x36_labels")

    let blobLabels = (0..<blobs.rows).map { $0 % 10 }
    results.append(measure("calinski_harabasz_davies_bouldin_100000x50") {
        ["calinski_harabasz": try! calinskiHarabasz(of: blobs, labels: blobLabels),
         "davies_bouldin": try! daviesBouldin(of: blobs, labels: blobLabels)]
    })
    for threads in [1, 2] {
        Parallel.withThreads(threads) {
            results.append(
                measure("kmeans_digits_hog_k10_restarts10_threads\(threads)") {
                    let model = try! KMeans(clusters: 10, restarts: 10, seed: 0).fit(hog)
                    return ["inertia": model.inertia]
                })
            results.append(
                measure("kmeans_blobs_100000x50_k10_restarts10_threads\(threads)", repeats: 2) {
                    let model = try! KMeans(clusters: 10, restarts: 10, seed: 0).fit(blobs)
                    return ["inertia": model.inertia, "iterations": model.iterations]
                })
            results.append(
                measure("silhouette_20000x36_threads\(threads)", repeats: 1) {
                    ["score": try! SilhouetteAnalysis(silhouetteData, labels: silhouetteLabels).score]
                })
        }
    }
    return results
}

/// `rows` points around `centres` random centres in [-10, 10]^d with unit normal noise.
func gaussianBlobs(rows: Int, columns: Int, centres: Int, seed: Int) -> Matrix<Double> {
    labelledBlobs(rows: rows, columns: columns, centres: centres, seed: seed).0
}

/// Blobs with their centre index as label (point i belongs to centre i mod `centres`).
func labelledBlobs(rows: Int, columns: Int, centres: Int, seed: Int) -> (Matrix<Double>, [Int]) {
    var rng = RandomStream(seed: seed)
    let c: Matrix<Double> = rng.uniformMatrix(rows: centres, columns: columns, in: -3..<3)
    let x = Matrix<Double>(rows: rows, columns: columns) { buffer in
        for i in 0..<rows {
            let k = i % centres
            for j in 0..<columns { buffer[i * columns + j] = c[k, j] + rng.nextNormal() }
        }
    }
    return (x, (0..<rows).map { $0 % centres })
}

/// Where benchmark inputs are shared with the Python reference script
/// (`ALMAGEST_BENCH_DATA`, default /tmp/almagest-bench-data).
enum BenchData {
    static var directory: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["ALMAGEST_BENCH_DATA"] ?? "/tmp/almagest-bench-data")
    }

    static func save(_ matrix: Matrix<Double>, as name: String) {
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try? NPY.write(matrix, to: directory.appendingPathComponent(name + ".npy"), overwrite: true)
    }
}

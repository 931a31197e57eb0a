import AlmagestCore
import AlmagestLearn

/// k-means (10 clusters, 10 restarts) on a 100,000 x 50 Gaussian-blob matrix, at 1 and 2 threads.
func clusterBenchmarks() -> [BenchResult] {
    var results = [BenchResult]()
    let blobs = gaussianBlobs(rows: 100_000, columns: 50, centres: 10, seed: 0)
    for threads in [1, 2] {
        results.append(
            Parallel.withThreads(threads) {
                measure("kmeans_blobs_100000x50_k10_restarts10_threads\(threads)", repeats: 2) {
                    let model = try! KMeans(clusters: 10, restarts: 10, seed: 0).fit(blobs)
                    return ["inertia": model.inertia, "iterations": model.iterations]
                }
            })
    }
    return results
}

/// `rows` points around `centres` random centres in [-10, 10]^d with unit normal noise.
func gaussianBlobs(rows: Int, columns: Int, centres: Int, seed: Int) -> Matrix<Double> {
    var rng = RandomStream(seed: seed)
    let c: Matrix<Double> = rng.uniformMatrix(rows: centres, columns: columns, in: -10..<10)
    return Matrix(rows: rows, columns: columns) { buffer in
        for i in 0..<rows {
            let k = i % centres
            for j in 0..<columns { buffer[i * columns + j] = c[k, j] + rng.nextNormal() }
        }
    }
}

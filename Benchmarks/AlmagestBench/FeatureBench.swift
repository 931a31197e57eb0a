import AlmagestCore
import AlmagestData
import AlmagestLearn
import Foundation

/// Feature benchmarks on the 1797 embedded digits, in the harness's line format (task, wall_s,
/// cpu_s, peak_rss_mb; best of the repeats): HOG (9 orientations, 4 x 4 cells, 2 x 2 blocks,
/// L2-Hys) at 1 thread and at all threads, the OpenCV-style grey histogram, PCA to 3 components on
/// the 1797 x 64 pixels, and a 2-D Barnes-Hut t-SNE of the pixels.
///
/// ```swift
/// for result in featureBenchmarks() { print(result.jsonLine) }
/// ```
func featureBenchmarks() -> [BenchResult] {
    let (pixels, source) = benchDigits()
    var results = [BenchResult]()
    func run(_ task: String, threads: Int, repeats: Int, _ body: () throws -> [String: Any]) {
        do {
            var result = try Parallel.withThreads(threads) { try measure(task, repeats: repeats, body) }
            result.extra["data"] = source
            result.extra["threads"] = threads
            results.append(result)
        } catch {
            results.append(failedBenchmark(task, error))
        }
    }
    do {
        let hog = try HOG(orientations: 9, pixelsPerCell: .init(4), cellsPerBlock: .init(2), blockNorm: .l2Hys)
        for threads in Set([1, Parallel.threads]).sorted() {
            run("hog_digits_threads\(threads)", threads: threads, repeats: 200) {
                ["features": try hog.features(of: pixels, height: 8, width: 8).columns]
            }
        }
        let histogram = try GreyHistogram.openCV(maxValue: 16)
        run("grey_histogram_digits", threads: Parallel.threads, repeats: 200) {
            ["bins": try histogram.features(of: pixels).columns]
        }
        let pca = try PCA(components: 3)
        run("pca3_digits_pixels", threads: Parallel.threads, repeats: 50) {
            let model = try pca.fit(pixels)
            _ = try model.transform(pixels)
            return ["explained_variance_ratio": model.explainedVarianceRatio.map { ($0 * 1000).rounded() / 1000 }]
        }
        let tsne = try TSNE(dimensions: 2, perplexity: 30, seed: 0)
        run("tsne2_digits_pixels", threads: Parallel.threads, repeats: 1) {
            let model = try tsne.fit(pixels)
            return ["kl_divergence": (model.klDivergence * 1000).rounded() / 1000, "neighbours": model.neighbours,
                    "iterations": 1000]
        }
    } catch {
        results.append(failedBenchmark("feature_benchmarks", error))
    }
    return results
}

// MARK: - Private

/// The embedded digits pixels (1797 x 64); synthetic images of the same shape and value range
/// when the resource cannot be read, so the timings still mean something.
private func benchDigits() -> (Matrix<Double>, String) {
    if let digits = try? EmbeddedDatasets.digits() { return (digits.features, "digits 1797x64") }
    var rng = RandomStream(seed: 0)
    return (Matrix<Double>(rows: 1797, columns: 64) { _, _ in Double(rng.nextInt(below: 17)) }, "synthetic 1797x64")
}

import AlmagestCore
import AlmagestData
import AlmagestLearn
import Foundation

/// Feature benchmarks: HOG on all 1797 digits (9 orientations, 4 x 4 cells, 2 x 2 blocks,
/// L2-Hys), the OpenCV-style grey histogram, PCA to 3 components on the 1797 x 64 pixels, and a
/// 2-D Barnes-Hut t-SNE of the pixels. One JSON line per task: median and best wall time over
/// repeats, CPU time per run (user + system of the whole process, so it includes every thread),
/// the thread count and the process's peak resident memory so far.
///
/// ```swift
/// for line in featureBenchmarks() { print(line) }
/// ```
func featureBenchmarks() -> [String] {
    let (pixels, source) = loadBenchDigits()
    var lines = [String]()
    do {
        let hog = try HOG(orientations: 9, pixelsPerCell: .init(4), cellsPerBlock: .init(2), blockNorm: .l2Hys)
        for threads in Set([1, Parallel.threads]).sorted() {
            lines.append(measure("hog_digits", source: source, threads: threads, repeats: 200, extra: ["features": 36]) {
                _ = try hog.features(of: pixels, height: 8, width: 8)
                return [:]
            })
        }
        let histogram = try GreyHistogram.openCV(maxValue: 16)
        lines.append(measure("grey_histogram_digits", source: source, threads: Parallel.threads, repeats: 200, extra: ["bins": 256]) {
            _ = try histogram.features(of: pixels)
            return [:]
        })
        let pca = try PCA(components: 3)
        lines.append(measure("pca3_digits_pixels", source: source, threads: Parallel.threads, repeats: 50, extra: ["components": 3]) {
            let model = try pca.fit(pixels)
            _ = try model.transform(pixels)
            return ["explained_variance_ratio": model.explainedVarianceRatio.map(rounded)]
        })
        let tsne = try TSNE(dimensions: 2, perplexity: 30, seed: 0)
        lines.append(measure("tsne2_digits_pixels", source: source, threads: Parallel.threads, repeats: 1, extra: ["iterations": 1000]) {
            let model = try tsne.fit(pixels)
            return ["kl_divergence": rounded(model.klDivergence), "neighbours": model.neighbours]
        })
    } catch {
        lines.append(jsonLine(["task": "feature_benchmarks", "error": "\(error)"]))
    }
    return lines
}

// MARK: - Private

/// Runs `body` `repeats` times (after one warm-up run when repeating) and describes the timings,
/// with the fields `body` returns from its last run (quality figures).
private func measure(
    _ task: String, source: String, threads: Int, repeats: Int, extra: [String: Any], _ body: () throws -> [String: Any]
) -> String {
    do {
        return try Parallel.withThreads(threads) {
            if repeats > 1 { _ = try body() }
            var walls = [Double]()
            var quality = [String: Any]()
            let cpuStart = processCPUSeconds()
            for _ in 0..<repeats {
                let start = DispatchTime.now().uptimeNanoseconds
                quality = try body()
                walls.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
            }
            let cpu = (processCPUSeconds() - cpuStart) * 1000 / Double(repeats)
            walls.sort()
            var fields: [String: Any] = [
                "task": task, "data": source, "threads": threads, "repeats": repeats,
                "wall_ms_median": rounded(walls[walls.count / 2]), "wall_ms_min": rounded(walls[0]),
                "cpu_ms_per_run": rounded(cpu), "peak_rss_mb": rounded(peakResidentMegabytes()),
            ]
            for (key, value) in extra { fields[key] = value }
            for (key, value) in quality { fields[key] = value }
            return jsonLine(fields)
        }
    } catch {
        return jsonLine(["task": task, "error": "\(error)"])
    }
}

private func rounded(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

private func jsonLine(_ fields: [String: Any]) -> String {
    guard let data = try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]) else { return "{}" }
    return String(decoding: data, as: UTF8.self)
}

private func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

private func peakResidentMegabytes() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024   // kilobytes on Linux
}

/// The digits pixels (1797 x 64) from the package resource or the shared data folder; falls back
/// to synthetic images of the same shape and value range so the timings still mean something.
private func loadBenchDigits() -> (Matrix<Double>, String) {
    var candidates = [
        "Sources/AlmagestData/Resources/digits.csv.gz",
        Bundle.main.bundleURL.appendingPathComponent("Almagest_AlmagestData.resources/digits.csv.gz").path,
        "../shared/datasets/digits/digits.csv.gz",
    ]
    if let shared = ProcessInfo.processInfo.environment["ALMAGEST_SHARED"] {
        candidates.insert(shared + "/datasets/digits/digits.csv.gz", at: 0)
    }
    for path in candidates {
        guard let packed = FileManager.default.contents(atPath: path),
              let text = try? Gzip.decompress(packed, source: path) else { continue }
        var values = [Double]()
        var rows = 0
        for line in String(decoding: text, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: ",").compactMap { Double($0) }
            guard fields.count == 65 else { continue }
            values.append(contentsOf: fields[0..<64])
            rows += 1
        }
        if rows > 0, let matrix = try? Matrix(rows: rows, columns: 64, elements: values) {
            return (matrix, "digits \(rows)x64")
        }
    }
    var rng = RandomStream(seed: 0)
    let synthetic = Matrix<Double>(rows: 1797, columns: 64) { _, _ in Double(rng.nextInt(below: 17)) }
    return (synthetic, "synthetic 1797x64")
}

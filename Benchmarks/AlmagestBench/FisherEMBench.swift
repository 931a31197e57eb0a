import AlmagestCore
import AlmagestData
import AlmagestLearn
import Foundation

/// Fisher-EM on semi-synthetic galaxy spectra (8 classes from the SDSS templates of the shared
/// data, `ALMAGEST_SHARED`, default ../shared; 3,600 wavelengths; generated in Double): wall and
/// CPU time, peak resident memory (which includes the data matrix itself, 8 bytes a value) and the
/// adjusted Rand index against the generator's classes (its default settings, seed 0). Arguments:
/// `rows=N` (default 68,000, the issue's bar: under 10 minutes and 4 GB on 2 cores), `threads=N`
/// Almagest's thread count (BLAS calls inside Fisher-EM use it), `model=DB` another DLM model
/// (default AkjBk), `starts=N` (default 1), `iterations=N` (the most per start, default 100),
/// `noise=data_mean` (default class_mean), `shrinkage=G` (default 0), `jitter=DZ` the generator's
/// redshift error (default its 1e-4), `verbose` the fit's progress with times on standard error.
/// K = 8, d = 7; the ARI of a k-means partition alone (`kmeans_ari`, seed 0, not timed) is printed
/// for comparison.
func fisherEMBenchmarks() -> [BenchResult] {
    let arguments = CommandLine.arguments.dropFirst()
    func value(_ key: String, default d: Int) -> Int {
        arguments.compactMap { $0.hasPrefix(key + "=") ? Int($0.dropFirst(key.count + 1)) : nil }.last ?? d
    }
    let rows = value("rows", default: 68_000)
    let threads = value("threads", default: Parallel.threads)
    let verbose = arguments.contains("verbose")
    let dlm = arguments.compactMap { $0.hasPrefix("model=") ? FisherEM.DLM(rawValue: String($0.dropFirst(6))) : nil }.last ?? .akjBk
    let shared = ProcessInfo.processInfo.environment["ALMAGEST_SHARED"] ?? "../shared"
    let folder = URL(fileURLWithPath: shared).appendingPathComponent("datasets/sdss-spectra")
    do {
        var p = SpectraPreparation()
        p.grid = WavelengthGrid(start: 3760, end: 8600, count: 3600)
        let templates = try SpectralTemplates(collection: SpectraCollection.load(from: folder, preparation: p))
        let jitter = arguments.compactMap { $0.hasPrefix("jitter=") ? Double($0.dropFirst(7)) : nil }.last ?? SemiSyntheticSpectra().redshiftJitter
        let synthetic = try SemiSyntheticSpectra(count: rows, mixing: 0.2, redshiftJitter: jitter, lineStrength: 0.3, noise: 0.05, seed: 0)
            .generate(from: templates, as: Double.self)
        let k = templates.count
        // The k-means partition Fisher-EM starts from, for comparison (not timed).
        let kmeansLabels = try Parallel.withThreads(threads) {
            try KMeans(clusters: k, restarts: 3, maxIterations: 100, seed: 0).fit(synthetic.flux).labels
        }
        let kmeansARI = try adjustedRandIndex(synthetic.labels, kmeansLabels)
        let task = "fisherem_\(dlm.rawValue)_spectra_\(rows)x\(synthetic.flux.columns)_k\(k)_threads\(threads)"
        return [try measure(task, repeats: 1) {
            let t0 = DispatchTime.now().uptimeNanoseconds
            let log: @Sendable (String) -> Void = { text in
                let elapsed = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
                FileHandle.standardError.write(Data("[\(String(format: "%.1f", elapsed)) s] \(text)\n".utf8))
            }
            let quiet: @Sendable (String) -> Void = { _ in }
            let noise = arguments.compactMap { $0.hasPrefix("noise=") ? FisherEM.NoiseCenter(rawValue: String($0.dropFirst(6))) : nil }.last ?? .classMean
            let gamma = arguments.compactMap { $0.hasPrefix("shrinkage=") ? Double($0.dropFirst(10)) : nil }.last ?? 0
            let configuration = FisherEM(clusters: k, model: dlm, starts: value("starts", default: 1), maxIterations: value("iterations", default: 100), seed: 0, noiseCenter: noise, shrinkage: gamma)
            let model: FisherEMModel = try FitProgress.listening(verbose ? log : quiet) {
                try Parallel.withThreads(threads) { try configuration.fit(synthetic.flux) }
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            let ari = try adjustedRandIndex(synthetic.labels, model.labels)
            let report: [String: Any] = [
                "rows": rows, "columns": synthetic.flux.columns, "clusters": k,
                "clusters_found": model.clustersFound, "iterations": model.iterations,
                "converged": model.hasConverged, "ari": ari,
                "log_likelihood": model.logLikelihood, "noise_center": noise.rawValue, "shrinkage": gamma, "bic": model.bic, "fit_s": seconds, "model": model.model.rawValue,
                "kmeans_ari": kmeansARI, "redshift_jitter": jitter,
            ]
            return report
        }]
    } catch {
        return [failedBenchmark("fisherem", error)]
    }
}

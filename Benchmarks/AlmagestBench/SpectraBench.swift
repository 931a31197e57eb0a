import AlmagestCore
import AlmagestData
import Foundation

/// Galaxy spectra: reading the 8 SDSS FITS files of the shared data (`ALMAGEST_SHARED`, default
/// ../shared) into one prepared matrix (rest frame, flux-conserving resampling onto the common
/// 1e-4 dex grid, median normalisation), the FITS decoding alone (COADD flux, loglam, ivar of every
/// file), and generating 68,000 x 3,600 semi-synthetic spectra (Float) from those 8 templates at
/// 1 and 2 threads. Benchmarks/python/reference_bench.py `spectra` reads the same files with
/// astropy and resamples with SpectRes, and generates the same-sized matrix with NumPy.
func spectraBenchmarks() -> [BenchResult] {
    let shared = ProcessInfo.processInfo.environment["ALMAGEST_SHARED"] ?? "../shared"
    let folder = URL(fileURLWithPath: shared).appendingPathComponent("datasets/sdss-spectra")
    var results = [BenchResult]()
    do {
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".fits") }.sorted()
        results.append(try measure("fits_decode_sdss_8_files", repeats: 5) {
            var pixels = 0
            for name in files {
                let table = try FITSFile(contentsOf: folder.appendingPathComponent(name)).hdu(named: "COADD").binaryTable()
                pixels += try table.doubles("flux").count + table.doubles("loglam").count + table.doubles("ivar").count
            }
            return ["values": pixels]
        })
        results.append(try measure("spectra_load_sdss_8_files", repeats: 5) {
            let c = try SpectraCollection.load(from: folder)
            return ["rows": c.flux.rows, "columns": c.flux.columns]
        })
        var p = SpectraPreparation()
        p.grid = WavelengthGrid(start: 3760, end: 8600, count: 3600)
        let templates = try SpectralTemplates(collection: SpectraCollection.load(from: folder, preparation: p))
        for threads in [1, 2] {
            results.append(try measure("spectra_generate_68000x3600_threads\(threads)", repeats: 1) {
                let s = try Parallel.withThreads(threads) {
                    try SemiSyntheticSpectra(count: 68_000, mixing: 0.2, redshiftJitter: 1e-4, lineStrength: 0.3, noise: 0.05, seed: 0)
                        .generate(from: templates)
                }
                return ["rows": s.flux.rows, "columns": s.flux.columns, "classes": templates.count,
                        "checksum": s.flux.withUnsafeBufferPointer { b in stride(from: 0, to: b.count, by: 9973).reduce(0.0) { $0 + Double(b[$1]) } }]
            })
        }
    } catch {
        results.append(failedBenchmark("spectra", error))
    }
    return results
}

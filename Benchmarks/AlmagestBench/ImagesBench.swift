import AlmagestCore
import AlmagestData
import Foundation

/// Benchmarks of the image input (`almagest-bench images`; Pillow side: reference_bench.py images),
/// on the synthetic microscopy set (600 PNG files of 64 x 64, written to a temporary folder):
/// - `images_decode_threads{1,2}`: decode the 600 files (`ImageDecoder.readAll`).
/// - `images_epoch_threads{1,2}`: one epoch of an `ImageFolder` (fresh, no cache hits): decode,
///   RGB, resize to 48 x 48 (antialiased triangle), augment (rotate=180,hflip,vflip,crop=0.8,
///   brightness=0.2,noise=0.05) and planar batches of 32.
///
/// ```swift
/// imagesBenchmarks().forEach { print($0.jsonLine) }
/// ```
func imagesBenchmarks() -> [BenchResult] {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-bench-images-\(getpid())")
    defer { try? FileManager.default.removeItem(at: folder) }
    var results: [BenchResult] = []
    do {
        try SyntheticMicroscopy(size: 64, count: 600, seed: 0).write(to: folder)
        let files = try ImageFolder(root: folder).files
        let pipeline = try Augmentation(parsing: "rotate=180,hflip,vflip,crop=0.8,brightness=0.2,noise=0.05")
        for threads in [1, 2] {
            results.append(try Parallel.withThreads(threads) {
                try measure("images_decode_threads\(threads)", repeats: 3) {
                    _ = try ImageDecoder.readAll(files)
                    return ["images": files.count, "image": "64x64 RGB PNG", "threads": threads]
                }
            })
            results.append(try Parallel.withThreads(threads) {
                try measure("images_epoch_threads\(threads)", repeats: 3) {
                    let data = try ImageFolder(root: folder, options: .init(size: 48, colour: .rgb))
                    var seen = 0
                    let batches = try data.batches(Array(0..<data.count), batchSize: 32, augmentation: pipeline, seed: 1, epoch: 0)
                    while let batch = try batches.nextBatch() { seen += batch.indices.count }
                    return ["images": seen, "size": 48, "augmentation": pipeline.description, "batch": 32, "threads": threads]
                }
            })
        }
    } catch {
        results.append(failedBenchmark("images", error))
    }
    return results
}

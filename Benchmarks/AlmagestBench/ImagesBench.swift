import AlmagestCore
import AlmagestData
import AlmagestTracking
import AlmagestExperiments
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
    do { results.append(try fineTuneBenchmark(cells: folder)) } catch { results.append(failedBenchmark("images_finetune_synthetic600", error)) }
    return results
}

/// Issue 12's quality bar: the small VGG-style net pretrained on 3,000 MNIST digits (32 x 32, four
/// epochs; `ALMAGEST_SHARED`/datasets/mnist), then fine-tuned on the 600 synthetic microscopy images
/// of 64 x 64 (rotations and flips, 15 epochs, cosine rate, seed 0): test accuracy at least 0.90.
/// Timed: the fine-tuning run (reading, training, testing, writing the run).
private func fineTuneBenchmark(cells: URL) throws -> BenchResult {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-bench-finetune-\(getpid())")
    defer { try? FileManager.default.removeItem(at: work) }
    let shared = ProcessInfo.processInfo.environment["ALMAGEST_SHARED"] ?? "../shared"
    let digits = work.appendingPathComponent("mnist")
    _ = try MNISTFolder.write(from: URL(fileURLWithPath: shared).appendingPathComponent("datasets/mnist"), to: digits, count: 3_000)
    let store = try RunStore(root: work.appendingPathComponent("runs"))
    var pretraining = ImageClassificationExperiment(data: digits.path, model: "small")
    (pretraining.size, pretraining.epochs, pretraining.gradCAMImages, pretraining.experiment) = (32, 4, 0, "pretrain")
    let pretrained = try pretraining.run(store: store)
    let weights = try pretrained.directory.map { $0.appendingPathComponent("best.safetensors").path }
        ?? { throw DataError.io(path: work.path, reason: "the pretraining run wrote no directory") }()
    var tuning = ImageClassificationExperiment(data: cells.path, model: "small", augmentation: try Augmentation(parsing: "rotate=180,hflip,vflip"))
    (tuning.size, tuning.weights, tuning.gradCAMImages, tuning.experiment) = (64, weights, 8, "fine-tune")
    return try measure("images_finetune_synthetic600", repeats: 1) {
        let result = try tuning.run(store: store)
        let accuracy = result.report.accuracy
        return ["accuracy": accuracy, "pretrain_accuracy": pretrained.report.accuracy, "bar": 0.9, "meets_bar": accuracy >= 0.9,
                "test_images": result.split.test.count, "epochs": tuning.epochs, "threads": Parallel.threads]
    }
}

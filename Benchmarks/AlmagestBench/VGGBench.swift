import AlmagestCore
import AlmagestNeural
import Foundation

/// Benchmarks of the VGG model zoo (`almagest-bench vgg`; PyTorch side: reference_bench.py vgg):
/// - `vgg11_forward_backward_threads{1,2}`: torchvision's VGG-11 (no batch norm, 1000 classes, 7x7
///   adaptive pool, 4096-4096 head; dropout active) forward + backward of the mean logit on a
///   batch of 16 x 3 x 128 x 128, best of 3 after a warm-up.
/// - `vgg_frozen_epoch_{recomputed,cached}`: one head-only epoch (batch 32, Adam) of VGG-11 with
///   batch norm, widths / 2, head 256 → 3 classes, on 256 images of 3 x 64 x 64, with the frozen
///   features recomputed every batch or read from the cache; `vgg_frozen_cache_build` is the one
///   pass that fills the cache. 2 threads.
///
/// ```swift
/// vggBenchmarks().forEach { print($0.jsonLine) }
/// ```
func vggBenchmarks() -> [BenchResult] {
    var results: [BenchResult] = []
    for threads in [1, 2] {
        let task = "vgg11_forward_backward_threads\(threads)"
        do {
            results.append(try Parallel.withThreads(threads) { try vgg11Benchmark(task) })
        } catch {
            results.append(failedBenchmark(task, error))
        }
    }
    do {
        results += try Parallel.withThreads(2) { try frozenEpochBenchmarks() }
    } catch {
        results.append(failedBenchmark("vgg_frozen_epoch", error))
    }
    return results
}

// MARK: - Private

private func vgg11Benchmark(_ task: String) throws -> BenchResult {
    let net = try VGG(.torchvision(depth: .vgg11, batchNorm: false), seed: 1)
    let images = Tensor.randomNormal([16, 3, 128, 128], seed: 2)
    func step() throws {
        let out = try net(images)
        for p in net.namedParameters() { p.tensor.zeroGradient() }
        try out.mean().backward()
    }
    try step()
    return try measure(task, repeats: 3) {
        try step()
        return ["model": "vgg11", "batch": 16, "image": "3x128x128", "threads": Parallel.threads]
    }
}

private func frozenEpochBenchmarks() throws -> [BenchResult] {
    let net = try VGG(.torchvision(depth: .vgg11, batchNorm: true, classes: 3, widthDivisor: 2, hiddenSizes: [256]), seed: 3)
    try net.setFrozen(true, part: "features")
    let images = Tensor.randomNormal([256, 3, 64, 64], seed: 4)
    let labels = (0..<256).map { $0 % 3 }
    let options = TrainingOptions(epochs: 1, batchSize: 32, seed: 5, showsProgress: false)
    let optimizer = try Adam(parameters: net.classifier.trainableParameters(), learningRate: 1e-3)
    func loss(_ logits: Tensor, _ t: TrainingTargets) throws -> Tensor { try crossEntropy(logits: logits, labels: t.classLabels!) }
    let extra: [String: Any] = ["model": "vgg11_bn/2", "images": 256, "image": "3x64x64", "batch": 32, "threads": Parallel.threads]
    let recomputed = try measure("vgg_frozen_epoch_recomputed", repeats: 2) {
        _ = try Trainer(options: options).fit(HeadOnly(net), optimizer: optimizer, inputs: images, targets: .classes(labels), loss: loss)
        return extra
    }
    var cache = Tensor.zeros([1])
    let build = try measure("vgg_frozen_cache_build", repeats: 1) {
        cache = try FrozenFeatureCache.features(net, images: images, batchSize: 32)
        return extra
    }
    var cached = try measure("vgg_frozen_epoch_cached", repeats: 3) {
        _ = try Trainer(options: options).fit(net.classifier, optimizer: optimizer, inputs: cache, targets: .classes(labels), loss: loss)
        return extra
    }
    cached.extra["speedup_vs_recomputed"] = (recomputed.wallSeconds / cached.wallSeconds * 10).rounded() / 10
    return [recomputed, build, cached]
}

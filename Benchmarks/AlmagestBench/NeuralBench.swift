import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestNeural
import Foundation

/// Benchmarks of the neural core, in the harness's line format (task, wall_s, cpu_s, peak_rss_mb):
/// - `mlp_magic_epoch`: one epoch of a 10-95-95-2 ReLU MLP with Adam, batch 256, on the MAGIC gamma
///   training part (stratified 80% = 15,216 rows, seed 42, standardised with the training part's
///   scaler; synthetic rows of the same size when the file is missing), 1 thread, best of 5 epochs
///   after one warm-up epoch.
/// - `conv_block_forward_backward_threads{1,2}`: forward + backward through conv 3x3 (3→64) + ReLU +
///   conv 3x3 (64→64) + ReLU + 2x2 max pool on 32 images of 64x64, best of 3 after a warm-up.
///
/// ```swift
/// neuralBenchmarks().forEach { print($0.jsonLine) }
/// ```
func neuralBenchmarks() -> [BenchResult] {
    var results: [BenchResult] = []
    do {
        results.append(try mlpEpochBenchmark())
    } catch {
        results.append(failedBenchmark("mlp_magic_epoch", error))
    }
    for threads in [1, 2] {
        let task = "conv_block_forward_backward_threads\(threads)"
        do {
            results.append(try Parallel.withThreads(threads) { try convBlockBenchmark(task) })
        } catch {
            results.append(failedBenchmark(task, error))
        }
    }
    return results
}

// MARK: - Private

/// The standardised MAGIC training part and its labels, or synthetic rows of the same size.
private func magicTrainingPart() throws -> (x: Tensor, labels: [Int], source: String) {
    let (features, labels, source) = magicGammaRows()
    let parts = try StratifiedSplit(testFraction: 0.2, seed: 42).split(labels: labels)
    let train = features.rows(at: parts.train)
    let x = try StandardScaler().fit(train).transform(train)
    return (Tensor(x), parts.trainLabels(labels), source)
}

private func mlpEpochBenchmark() throws -> BenchResult {
    let (x, y, source) = try magicTrainingPart()
    let net = Sequential([Linear(inputs: 10, outputs: 95, seed: 1), ReLU(), Linear(inputs: 95, outputs: 95, seed: 2),
                          ReLU(), Linear(inputs: 95, outputs: 2, seed: 3)])
    let optimizer = try Adam(parameters: net.trainableParameters(), learningRate: 1e-3)
    var epoch = 0
    func oneEpoch() throws -> Double {
        epoch += 1
        let trainer = Trainer(options: TrainingOptions(epochs: 1, batchSize: 256, seed: epoch, showsProgress: false))
        let history = try trainer.fit(net, optimizer: optimizer, inputs: x, targets: .classes(y)) { logits, t in
            try crossEntropy(logits: logits, labels: t.classLabels!)
        }
        return history.epochs.last!.trainingLoss
    }
    return try Parallel.withThreads(1) {
        _ = try oneEpoch()
        return try measure("mlp_magic_epoch", repeats: 5) {
            let loss = try oneEpoch()
            return ["layers": "10-95-95-2", "optimizer": "adam", "batch": 256, "rows": y.count, "data": source,
                    "threads": 1, "training_loss": loss]
        }
    }
}

private func convBlockBenchmark(_ task: String) throws -> BenchResult {
    let conv1 = Conv2d(inChannels: 3, outChannels: 64, kernelSize: (3, 3), padding: (1, 1), seed: 1)
    let conv2 = Conv2d(inChannels: 64, outChannels: 64, kernelSize: (3, 3), padding: (1, 1), seed: 2)
    let block = Sequential([conv1, ReLU(), conv2, ReLU(), MaxPool2d(kernel: (2, 2))])
    let images = Tensor.randomNormal([32, 3, 64, 64], seed: 3)
    func step() throws {
        let out = try block(images)
        for p in block.namedParameters() { p.tensor.zeroGradient() }
        try out.mean().backward()
    }
    try step()
    let flops = 3.0 * 2 * 32 * 64 * 64 * 64 * (27.0 + 576.0)   // forward + backward ≈ 3 x forward GEMM flops
    var result = try measure(task, repeats: 3) {
        try step()
        return ["block": "conv3x3(3->64)+relu+conv3x3(64->64)+relu+maxpool2", "batch": 32, "image": "64x64",
                "threads": Parallel.threads]
    }
    result.extra["gflops"] = (flops / result.wallSeconds / 1e7).rounded() / 100
    return result
}

import AlmagestCore
import AlmagestNeural
import Foundation

/// Benchmarks of the neural core, as JSON lines (one per measurement):
/// - `mlp_magic_epoch`: seconds per epoch of a 10-95-95-2 ReLU MLP with Adam, batch 256, on the
///   MAGIC gamma training split (80% = 15,216 rows; synthetic rows of the same size when the file
///   is missing), median of 5 epochs after one warm-up epoch.
/// - `conv_block_forward_backward`: seconds of forward + backward through conv 3x3 (3→64) + ReLU +
///   conv 3x3 (64→64) + ReLU + 2x2 max pool on 32 images of 64x64, median of 3, at 1 and 2 threads.
///
/// ```swift
/// neuralBenchmarks().forEach { print($0) }
/// ```
public func neuralBenchmarks() -> [String] {
    var lines: [String] = []
    do {
        lines.append(try mlpEpochBenchmark())
        for threads in [1, 2] { lines.append(try convBlockBenchmark(threads: threads)) }
    } catch {
        lines.append(#"{"task":"neural","error":"\#(error)"}"#)
    }
    return lines
}

// MARK: - Private

private func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

private func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }

/// MAGIC features (standardised) and labels, or synthetic rows of the same size.
private func magicTrainingRows() -> (Tensor, [Int], String) {
    let shared = ProcessInfo.processInfo.environment["ALMAGEST_SHARED"] ?? "../shared"
    let path = shared + "/datasets/magic-gamma/magic04.data"
    var features: [Float] = [], labels: [Int] = []
    if let text = try? String(contentsOfFile: path, encoding: .utf8) {
        for line in text.split(whereSeparator: \.isNewline) {
            let fields = line.split(separator: ",")
            guard fields.count == 11 else { continue }
            features += fields.dropLast().map { Float($0) ?? 0 }
            labels.append(fields.last! == "g" ? 0 : 1)
        }
    }
    var source = "magic04.data"
    if labels.isEmpty {
        var rng = RandomStream(seed: 1)
        labels = (0..<19_020).map { _ in rng.nextInt(below: 2) }
        features = (0..<(19_020 * 10)).map { _ in Float(rng.nextNormal()) }
        source = "synthetic"
    }
    // Standardise per column, then keep a seeded 80% as the training split.
    let n = labels.count
    for j in 0..<10 {
        var mean: Float = 0, sq: Float = 0
        for i in 0..<n { mean += features[i * 10 + j] }
        mean /= Float(n)
        for i in 0..<n { sq += (features[i * 10 + j] - mean) * (features[i * 10 + j] - mean) }
        let sd = Swift.max((sq / Float(n)).squareRoot(), 1e-6)
        for i in 0..<n { features[i * 10 + j] = (features[i * 10 + j] - mean) / sd }
    }
    var rng = RandomStream(seed: 42)
    let rows = Array(rng.permutation(n).prefix(n * 4 / 5))
    let x = try! Tensor(shape: [n, 10], values: features).selectingRows(rows).detached()
    return (x, rows.map { labels[$0] }, source)
}

private func mlpEpochBenchmark() throws -> String {
    let (x, y, source) = magicTrainingRows()
    let net = Sequential([Linear(inputs: 10, outputs: 95, seed: 1), ReLU(), Linear(inputs: 95, outputs: 95, seed: 2),
                          ReLU(), Linear(inputs: 95, outputs: 2, seed: 3)])
    let optimizer = try Adam(parameters: net.trainableParameters(), learningRate: 1e-3)
    let trainer = Trainer(options: TrainingOptions(epochs: 6, batchSize: 256, seed: 0, showsProgress: false))
    let history = try Parallel.withThreads(1) {
        try trainer.fit(net, optimizer: optimizer, inputs: x, targets: .classes(y)) { logits, t in
            try crossEntropy(logits: logits, labels: t.classLabels!)
        }
    }
    let epochSeconds = median(history.epochs.dropFirst().map(\.seconds))
    return #"{"task":"mlp_magic_epoch","layers":"10-95-95-2","optimizer":"adam","batch":256,"rows":\#(y.count),"data":"\#(source)","threads":1,"seconds_per_epoch":\#(epochSeconds),"final_loss":\#(history.epochs.last!.trainingLoss)}"#
}

private func convBlockBenchmark(threads: Int) throws -> String {
    let conv1 = Conv2d(inChannels: 3, outChannels: 64, kernelSize: (3, 3), padding: (1, 1), seed: 1)
    let conv2 = Conv2d(inChannels: 64, outChannels: 64, kernelSize: (3, 3), padding: (1, 1), seed: 2)
    let block = Sequential([conv1, ReLU(), conv2, ReLU(), MaxPool2d(kernel: (2, 2))])
    let images = Tensor.randomNormal([32, 3, 64, 64], seed: 3)
    var times: [Double] = []
    try Parallel.withThreads(threads) {
        for _ in 0..<4 {
            times.append(try seconds {
                let out = try block(images)
                for p in block.namedParameters() { p.tensor.zeroGradient() }
                try out.mean().backward()
            })
        }
    }
    let flops = 3.0 * 2 * 32 * 64 * 64 * 64 * (27.0 + 576.0)   // forward + backward ≈ 3 x forward GEMM flops
    let t = median(Array(times.dropFirst()))
    return #"{"task":"conv_block_forward_backward","block":"conv3x3(3->64)+relu+conv3x3(64->64)+relu+maxpool2","batch":32,"image":"64x64","threads":\#(threads),"seconds":\#(t),"gflops":\#(flops / t / 1e9)}"#
}

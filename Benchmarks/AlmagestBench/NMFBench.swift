import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestNeural
import Foundation

/// NMF on 2000 MNIST test images (784 pixels in [0, 1]; seeded uniform data when the shared
/// folder is missing), rank 10: multiplicative updates (500 iterations, scikit-learn's convention
/// from the exact-SVD NNDSVD start, as `reference_bench.py nmf` runs scikit-learn) in Double and
/// Float, the spectrum-tracking overhead, projected Adam (500 iterations,
/// hand-written gradient and through the autograd tape), deep NMF (1000 iterations), and the
/// transform of 8000 further MNIST rows against the MU model's H (200 iterations, tolerance 0).
func nmfBenchmarks() -> [BenchResult] {
    BLAS.ensureConfigured()
    let (x, source) = nmfBenchData()
    let (w0, h0) = try! NNDSVD.start(for: x, rank: 10)
    let (wa, ha) = try! NNDSVD.start(for: x, rank: 10, fill: .mean)
    var results = [BenchResult]()
    let mu = NMF(rank: 10, method: .multiplicative(convention: .scikitLearn), stopping: NMFStopping(maxIterations: 500),
                 tracking: NMFTracking(every: 0))
    // NMF pins BLAS to one thread; MU runs its row chunks on Parallel.threads (same bits either way).
    for threads in [1, 2] {
        results.append(Parallel.withThreads(threads) {
            measure("nmf_mu_mnist2000_r10_it500_threads\(threads)") {
                let model = try! mu.fit(x, w0: w0, h0: h0)
                return ["relative_error": model.relativeError, "data": source]
            }
        })
    }
    let fitted = try! mu.fit(x, w0: w0, h0: h0)
    let (rest, _) = nmfBenchData(rows: 2000..<10_000)
    results.append(measure("nmf_transform_mnist8000_r10_it200_threads1") {
        let codes = try! fitted.coefficients(of: rest, maxIterations: 200, tolerance: 0)
        return ["error": codes.error, "iterations": codes.iterations, "data": source]
    })
    let xf = x.converted(to: Float.self), w0f = w0.converted(to: Float.self), h0f = h0.converted(to: Float.self)
    for threads in [1, 2] {
        results.append(Parallel.withThreads(threads) {
            measure("nmf_mu_float32_mnist2000_r10_it500_threads\(threads)") {
                let model = try! mu.fit(xf, w0: w0f, h0: h0f)
                return ["relative_error": model.relativeError, "data": source]
            }
        })
    }
    var tracked = mu
    tracked.tracking = NMFTracking(every: 10, spectrum: true)
    results.append(Parallel.withThreads(1) { measure("nmf_mu_mnist2000_r10_it500_track_every10_threads1") {
        let model = try! tracked.fit(x, w0: w0, h0: h0)
        return ["relative_error": model.relativeError, "effective_rank": model.history.points.last!.effectiveRank]
    } })
    let gd = NMF(rank: 10, method: .adam(AdamNMF(learningRate: 1e-2)), stopping: NMFStopping(maxIterations: 500),
                 tracking: NMFTracking(every: 0))
    results.append(measure("nmf_gd_adam_mnist2000_r10_it500_threads1") {
        let model = try! gd.fit(x, w0: wa, h0: ha)
        return ["relative_error": model.relativeError]
    })
    results.append(measure("nmf_gd_adam_float32_mnist2000_r10_it500_threads1") {
        let model = try! gd.fit(xf, w0: wa.converted(to: Float.self), h0: ha.converted(to: Float.self))
        return ["relative_error": model.relativeError]
    })
    results.append(measure("nmf_gd_adam_autograd_tensor_mnist2000_r10_it500_threads1", repeats: 1) {
        ["relative_error": autogradAdamNMF(x: xf, w0: wa, h0: ha, iterations: 500, learningRate: 1e-2)]
    })
    let deep = NMF(rank: 10, method: .deep(DeepNMF(innerRanks: [20], loss: .layerwise(lambdas: [1, 1]))),
                   initialization: .nndsvda, stopping: NMFStopping(maxIterations: 1000), tracking: NMFTracking(every: 0))
    results.append(measure("nmf_deep_layerwise_20_10_mnist2000_it1000_threads1", repeats: 2) {
        let model = try! deep.fit(x)
        return ["relative_error": model.relativeError]
    })
    return results
}

/// MNIST test images `rows` scaled to [0, 1], or seeded uniform data of that shape.
private func nmfBenchData(rows: Range<Int> = 0..<2000) -> (Matrix<Double>, String) {
    let shared = ProcessInfo.processInfo.environment["ALMAGEST_SHARED"] ?? "../shared"
    let url = URL(fileURLWithPath: shared).appendingPathComponent("datasets/mnist/t10k-images-idx3-ubyte.gz")
    if let x = try? IDX.readImages(from: url, rows: rows, scaledToUnit: true) { return (x, "mnist") }
    var rng = RandomStream(seed: rows.lowerBound)
    return (rng.uniformMatrix(rows: rows.count, columns: 784), "uniform")
}

/// The same projected Adam through AlmagestNeural's tape: loss = Σ (A − relu(W)·relu(H))², then
/// clamp at 0. Returns the final relative error.
private func autogradAdamNMF(x: Matrix<Float>, w0: Matrix<Double>, h0: Matrix<Double>, iterations: Int, learningRate: Float) -> Double {
    let a = Tensor(x)
    let w = Tensor(w0, requiresGradient: true), h = Tensor(h0, requiresGradient: true)
    let optimizer = try! Adam(parameters: [w, h], learningRate: learningRate)
    var loss = Float.nan
    for _ in 0..<iterations {
        optimizer.zeroGradients()
        let residual = try! a - w.relu().matmul(h.relu())
        let l = (try! residual * residual).sum()
        try! l.backward()
        optimizer.step()
        for p in [w, h] { p.update { buffer in for i in buffer.indices where buffer[i] < 0 { buffer[i] = 0 } } }
        loss = l.item
    }
    let norm = x.elements.reduce(0.0) { $0 + Double($1) * Double($1) }
    _ = loss
    let wf = w.matrix(), hf = h.matrix(), xd = x.converted(to: Double.self)
    return try! (xd - (wf * hf)).squaredNorm() / norm
}

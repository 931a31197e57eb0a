import AlmagestCore

/// Batch normalisation (Ioffe & Szegedy, 2015) over the channel axis 1 of `[N, C]`, `[N, C, L]` or
/// `[N, C, H, W]` inputs: y = γ (x − μ) / √(σ² + ε) + β per channel.
///
/// In training, μ and σ² are the batch statistics (biased variance) and the running statistics
/// move towards them by `momentum` (unbiased variance, as PyTorch); in evaluation the running
/// statistics are used. One fused node; backward in training uses
/// dx = (γ / σ) · (dy − mean(dy) − x̂ · mean(dy · x̂)). Cost: O(n) forward and backward.
///
/// ```swift
/// let y = try batchNorm(x, gamma: g, beta: b, runningMean: m, runningVariance: v, training: true)
/// ```
public func batchNorm(_ x: Tensor, gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVariance: Tensor,
                      training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5) throws -> Tensor {
    guard x.rank >= 2, [gamma, beta, runningMean, runningVariance].allSatisfy({ $0.shape == [x.shape[1]] }) else {
        throw ShapeError.mismatch(operation: "batchNorm", left: x.shape, right: gamma.shape,
                                  expected: "input [N, C, ...] with per-channel parameters [C]")
    }
    let n = x.shape[0], c = x.shape[1], s = x.shape[2...].reduce(1, *)
    let m = n * s
    if training, m < 2 {
        throw ShapeError.invalid(shape: x.shape, reason: "batch norm in training needs more than one value per channel")
    }
    var mean = [Float](repeating: 0, count: c), invStd = mean
    if training {
        for ch in 0..<c {
            var sum = 0.0, squares = 0.0
            for i in 0..<n {
                let base = (i * c + ch) * s
                for j in 0..<s { sum += Double(x.data[base + j]) }
            }
            let mu = sum / Double(m)
            for i in 0..<n {
                let base = (i * c + ch) * s
                for j in 0..<s { let d = Double(x.data[base + j]) - mu; squares += d * d }
            }
            let variance = squares / Double(m)
            mean[ch] = Float(mu)
            invStd[ch] = Float(1 / (variance + Double(epsilon)).squareRoot())
            runningMean.data[ch] = (1 - momentum) * runningMean.data[ch] + momentum * Float(mu)
            runningVariance.data[ch] = (1 - momentum) * runningVariance.data[ch]
                + momentum * Float(squares / Double(m - 1))
        }
    } else {
        for ch in 0..<c {
            mean[ch] = runningMean.data[ch]
            invStd[ch] = 1 / (runningVariance.data[ch] + epsilon).squareRoot()
        }
    }
    var normalized = [Float](repeating: 0, count: x.count), out = normalized
    for i in 0..<n {
        for ch in 0..<c {
            let base = (i * c + ch) * s, mu = mean[ch], r = invStd[ch], g = gamma.data[ch], b = beta.data[ch]
            for j in 0..<s {
                let h = (x.data[base + j] - mu) * r
                normalized[base + j] = h
                out[base + j] = g * h + b
            }
        }
    }
    return Tensor.result(shape: x.shape, data: out, parents: [x, gamma, beta]) { node in
        let dy = node.gradient!
        var sumDy = [Float](repeating: 0, count: c), sumDyH = sumDy
        for i in 0..<n {
            for ch in 0..<c {
                let base = (i * c + ch) * s
                var a: Float = 0, b: Float = 0
                for j in 0..<s { a += dy[base + j]; b += dy[base + j] * normalized[base + j] }
                sumDy[ch] += a
                sumDyH[ch] += b
            }
        }
        if gamma.requiresGradient { gamma.withGradient { g in for ch in 0..<c { g[ch] += sumDyH[ch] } } }
        if beta.requiresGradient { beta.withGradient { g in for ch in 0..<c { g[ch] += sumDy[ch] } } }
        guard x.requiresGradient else { return }
        x.withGradient { gx in
            for i in 0..<n {
                for ch in 0..<c {
                    let base = (i * c + ch) * s, k = gamma.data[ch] * invStd[ch]
                    if training {
                        let meanDy = sumDy[ch] / Float(m), meanDyH = sumDyH[ch] / Float(m)
                        for j in 0..<s { gx[base + j] += k * (dy[base + j] - meanDy - normalized[base + j] * meanDyH) }
                    } else {
                        for j in 0..<s { gx[base + j] += k * dy[base + j] }
                    }
                }
            }
        }
    }
}

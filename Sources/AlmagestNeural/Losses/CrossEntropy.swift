import AlmagestCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Cross-entropy of class labels under softmax(logits), with optional class weights, as one fused
/// node: loss = Σᵢ w[yᵢ] · (−log softmax(xᵢ)[yᵢ]) / Σᵢ w[yᵢ] (PyTorch's weighted mean), and
/// d loss / d xᵢ = w[yᵢ] · (softmax(xᵢ) − onehot(yᵢ)) / Σ w. Stable for any logit size.
/// Cost: O(batch · classes).
///
/// ```swift
/// let loss = try crossEntropy(logits: net(x), labels: [0, 2, 1], classWeights: [1, 1, 3])
/// try loss.backward()
/// ```
public func crossEntropy(logits: Tensor, labels: [Int], classWeights: [Float]? = nil) throws -> Tensor {
    guard logits.rank == 2, logits.shape[0] == labels.count else {
        throw ShapeError.mismatch(operation: "crossEntropy", left: logits.shape, right: [labels.count],
                                  expected: "logits [batch, classes] with one label per row")
    }
    let n = logits.shape[0], c = logits.shape[1]
    if let bad = labels.first(where: { $0 < 0 || $0 >= c }) {
        throw ShapeError.indexOutOfRange(what: "class label", index: bad, bound: c)
    }
    if let w = classWeights {
        guard w.count == c else {
            throw ShapeError.mismatch(operation: "crossEntropy class weights", left: logits.shape, right: [w.count],
                                      expected: "\(c) class weights")
        }
        try require(w.allSatisfy { $0 >= 0 && $0.isFinite }, "class weights", w, expected: "finite non-negative values")
    }
    var logP = [Float](repeating: 0, count: n * c)
    logits.data.withUnsafeBufferPointer { x in
        logP.withUnsafeMutableBufferPointer { y in
            softmaxRows(x.baseAddress, y.baseAddress, outer: n, length: c, inner: 1, log: true)
        }
    }
    var total = 0.0, weightSum = 0.0
    for i in 0..<n {
        let w = Double(classWeights?[labels[i]] ?? 1)
        total -= w * Double(logP[i * c + labels[i]])
        weightSum += w
    }
    let scale = weightSum > 0 ? Float(1 / weightSum) : 0
    return Tensor.result(shape: [], data: [Float(total) * scale], parents: [logits]) { node in
        let g = node.gradient![0] * scale
        logits.withGradient { gx in
            for i in 0..<n {
                let w = (classWeights?[labels[i]] ?? 1) * g
                let row = i * c
                for j in 0..<c { gx[row + j] += w * expf(logP[row + j]) }
                gx[row + labels[i]] -= w
            }
        }
    }
}

/// Binary cross-entropy from logits, averaged: mean(max(x, 0) − x·t + log(1 + e^−|x|)), stable for
/// any logit; the gradient is (sigmoid(x) − t) / n. An optional `positiveWeight` multiplies the
/// positive term (PyTorch's `pos_weight`). Cost: O(n).
///
/// ```swift
/// let loss = try binaryCrossEntropy(logits: net(x), targets: try Tensor(shape: [4, 1], values: [0, 1, 1, 0]))
/// ```
public func binaryCrossEntropy(logits: Tensor, targets: Tensor, positiveWeight: Float = 1) throws -> Tensor {
    guard logits.shape == targets.shape else {
        throw ShapeError.mismatch(operation: "binaryCrossEntropy", left: logits.shape, right: targets.shape,
                                  expected: "equal shapes")
    }
    let n = logits.count
    let x = logits.data, t = targets.data
    var total = 0.0
    for i in 0..<n {
        // −[p t log σ(x) + (1 − t) log(1 − σ(x))] with log σ(x) = −softplus(−x).
        let softplusMinus = Swift.max(-x[i], 0) + log1pf(expf(-Swift.abs(x[i])))
        let softplusPlus = softplusMinus + x[i]
        total += Double(positiveWeight * t[i] * softplusMinus + (1 - t[i]) * softplusPlus)
    }
    let scale = 1 / Float(Swift.max(n, 1))
    return Tensor.result(shape: [], data: [Float(total) * Float(scale)], parents: [logits, targets]) { node in
        let g = node.gradient![0] * scale
        if logits.requiresGradient {
            logits.withGradient { gx in
                for i in 0..<n {
                    let s = x[i] >= 0 ? 1 / (1 + expf(-x[i])) : expf(x[i]) / (1 + expf(x[i]))
                    gx[i] += g * (positiveWeight * t[i] * (s - 1) + (1 - t[i]) * s)
                }
            }
        }
        if targets.requiresGradient {
            targets.withGradient { gt in
                for i in 0..<n {
                    let softplusMinus = Swift.max(-x[i], 0) + log1pf(expf(-Swift.abs(x[i])))
                    gt[i] += g * (positiveWeight * softplusMinus - (softplusMinus + x[i]))
                }
            }
        }
    }
}

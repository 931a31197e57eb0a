import AlmagestCore

/// Mean squared error, mean((prediction − target)²), composed from recorded ops so that both
/// arguments get gradients. Cost: O(n).
///
/// ```swift
/// let loss = try meanSquaredError(net(x), y)
/// ```
public func meanSquaredError(_ prediction: Tensor, _ target: Tensor) throws -> Tensor {
    guard prediction.shape == target.shape else {
        throw ShapeError.mismatch(operation: "meanSquaredError", left: prediction.shape, right: target.shape,
                                  expected: "equal shapes")
    }
    return try (prediction - target).pow(2).mean()
}

/// L1 penalty strength · Σ |w| over the given tensors (sparsity regulariser, as in the lasso of
/// Tibshirani, 1996); add it to a loss. Cost: O(parameters).
///
/// ```swift
/// let loss = try crossEntropy(logits: y, labels: t) + l1Penalty(net.trainableParameters(), strength: 1e-4)
/// ```
public func l1Penalty(_ tensors: [Tensor], strength: Float) throws -> Tensor {
    var total = Tensor(0)
    for t in tensors { total = try total + t.abs().sum() }
    return total * strength
}

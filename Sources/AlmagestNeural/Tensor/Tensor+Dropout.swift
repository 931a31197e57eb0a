import AlmagestCore

/// Inverted dropout (Srivastava et al., 2014): during training each element is zeroed with
/// probability `p` and the survivors are scaled by 1 / (1 - p), so evaluation needs no rescaling.
/// The mask comes from a seeded `RandomStream`, so a run is reproducible. Backward multiplies the
/// gradient by the same mask. Cost: O(n) forward and backward, one random draw per element.
///
/// ```swift
/// var rng = RandomStream(seed: 7)
/// let h = try x.dropout(probability: 0.5, generator: &rng)
/// ```
extension Tensor {
    /// Drops elements with `probability` in `0..<1`; throws `FitError.invalidParameter` otherwise.
    public func dropout(probability p: Float, generator: inout RandomStream) throws -> Tensor {
        try require(p >= 0 && p < 1, "dropout probability", p, expected: "a value in [0, 1)")
        if p == 0 { return self }
        let scale = 1 / (1 - p)
        var mask = [Float](repeating: 0, count: count)
        for i in 0..<count where generator.nextFloat() >= p { mask[i] = scale }
        let input = self
        let out = broadcastBinary(.multiply, data, shape, mask, shape, outShape: shape)
        return Tensor.result(shape: shape, data: out, parents: [self]) { node in
            input.accumulateGradient(broadcastBinary(.multiply, node.gradient!, input.shape, mask, input.shape,
                                                     outShape: input.shape))
        }
    }
}

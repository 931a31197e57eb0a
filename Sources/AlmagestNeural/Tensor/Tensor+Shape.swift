import AlmagestCore

/// Shape operations: reshape and flatten (no data movement), transpose and permute (one pass of
/// strided copying), concatenation and slicing along an axis. Each backward pass routes the
/// gradient back to where its values came from. Cost: O(n) forward and backward.
///
/// ```swift
/// let x = Tensor.zeros([2, 3, 4])
/// let y = try x.permuted([2, 0, 1])               // [4, 2, 3]
/// let z = try Tensor.concatenate([x, x], axis: 1) // [2, 6, 4]
/// let s = try z.slice(axis: 1, 1..<3)             // [2, 2, 4]
/// let f = try x.flattened()                       // [2, 12]
/// ```
extension Tensor {
    /// The same values read with another shape; one dimension may be -1 (inferred).
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        var resolved = newShape
        let known = newShape.filter { $0 != -1 }.reduce(1, *)
        let unknown = newShape.indices.filter { newShape[$0] == -1 }
        if unknown.count == 1, known > 0, count % known == 0 { resolved[unknown[0]] = count / known }
        guard unknown.count <= 1, resolved.allSatisfy({ $0 >= 0 }), resolved.reduce(1, *) == count else {
            throw ShapeError.mismatch(operation: "reshape", left: shape, right: newShape,
                                      expected: "a shape with \(count) elements (at most one -1)")
        }
        let input = self
        return Tensor.result(shape: resolved, data: data, parents: [self]) { node in
            input.accumulateGradient(node.gradient!)
        }
    }

    /// Keeps the first dimension and merges the rest: `[n, a, b, ...] -> [n, a*b*...]`.
    public func flattened() throws -> Tensor {
        guard rank >= 1 else { throw ShapeError.invalid(shape: shape, reason: "flatten needs at least one dimension") }
        return try reshaped([shape[0], count / Swift.max(shape[0], 1)])
    }

    /// Swaps two axes (the last two by default, i.e. the matrix transpose).
    public func transposed(_ axis0: Int = -2, _ axis1: Int = -1) throws -> Tensor {
        let a = try normalizedAxis(axis0), b = try normalizedAxis(axis1)
        var order = Array(0..<rank)
        order.swapAt(a, b)
        return try permuted(order)
    }

    /// Reorders the axes: dimension `i` of the result is dimension `order[i]` of this tensor.
    public func permuted(_ order: [Int]) throws -> Tensor {
        guard order.count == rank, Set(order) == Set(0..<rank) else {
            throw ShapeError.mismatch(operation: "permute", left: shape, right: order,
                                      expected: "a permutation of 0..<\(rank)")
        }
        let outShape = order.map { shape[$0] }
        var inverse = [Int](repeating: 0, count: rank)
        for (i, o) in order.enumerated() { inverse[o] = i }
        let input = self
        let out = permute(data, shape: shape, order: order)
        return Tensor.result(shape: outShape, data: out, parents: [self]) { node in
            input.accumulateGradient(permute(node.gradient!, shape: outShape, order: inverse))
        }
    }

    /// Joins tensors along `axis`; all other dimensions must agree.
    public static func concatenate(_ tensors: [Tensor], axis: Int) throws -> Tensor {
        guard let first = tensors.first else { throw ShapeError.invalid(shape: [], reason: "concatenate needs at least one tensor") }
        let ax = try first.normalizedAxis(axis)
        for t in tensors.dropFirst() {
            var a = first.shape, b = t.shape
            guard a.count == b.count else {
                throw ShapeError.mismatch(operation: "concatenate", left: first.shape, right: t.shape, expected: "equal ranks")
            }
            a[ax] = 0; b[ax] = 0
            guard a == b else {
                throw ShapeError.mismatch(operation: "concatenate", left: first.shape, right: t.shape,
                                          expected: "equal dimensions except axis \(ax)")
            }
        }
        let outer = first.shape[..<ax].reduce(1, *)
        let blocks = tensors.map { $0.shape[ax...].reduce(1, *) }
        let rowWidth = blocks.reduce(0, +)
        var outShape = first.shape
        outShape[ax] = tensors.map { $0.shape[ax] }.reduce(0, +)
        var out = [Float](repeating: 0, count: outer * rowWidth)
        var offset = 0
        for (t, block) in zip(tensors, blocks) {
            for o in 0..<outer { for j in 0..<block { out[o * rowWidth + offset + j] = t.data[o * block + j] } }
            offset += block
        }
        return result(shape: outShape, data: out, parents: tensors) { node in
            let g = node.gradient!
            var offset = 0
            for (t, block) in zip(tensors, blocks) {
                if t.requiresGradient {
                    t.withGradient { tg in
                        for o in 0..<outer { for j in 0..<block { tg[o * block + j] += g[o * rowWidth + offset + j] } }
                    }
                }
                offset += block
            }
        }
    }

    /// The part of this tensor whose index along `axis` lies in `range`.
    public func slice(axis: Int, _ range: Range<Int>) throws -> Tensor {
        let ax = try normalizedAxis(axis)
        guard range.lowerBound >= 0, range.upperBound <= shape[ax] else {
            throw ShapeError.indexOutOfRange(what: "slice of axis \(ax) with \(shape[ax]) entries: upper",
                                             index: range.lowerBound < 0 ? range.lowerBound : range.upperBound,
                                             bound: shape[ax] + 1)
        }
        let outer = shape[..<ax].reduce(1, *)
        let inner = shape[(ax + 1)...].reduce(1, *)
        let full = shape[ax] * inner, part = range.count * inner, start = range.lowerBound * inner
        var outShape = shape
        outShape[ax] = range.count
        var out = [Float](repeating: 0, count: outer * part)
        for o in 0..<outer { for j in 0..<part { out[o * part + j] = data[o * full + start + j] } }
        let input = self
        return Tensor.result(shape: outShape, data: out, parents: [self]) { node in
            let g = node.gradient!
            input.withGradient { ig in
                for o in 0..<outer { for j in 0..<part { ig[o * full + start + j] += g[o * part + j] } }
            }
        }
    }

    /// An axis in `-rank..<rank` turned into `0..<rank`.
    func normalizedAxis(_ axis: Int) throws -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank else { throw ShapeError.indexOutOfRange(what: "axis", index: axis, bound: rank) }
        return a
    }
}

// MARK: - Private

/// `values` of `shape` with axes reordered by `order`, as a new contiguous array.
func permute(_ values: [Float], shape: [Int], order: [Int]) -> [Float] {
    let rank = shape.count
    var out = [Float](repeating: 0, count: values.count)
    guard !values.isEmpty else { return out }
    if rank <= 1 || order == Array(0..<rank) { return values }
    var strides = [Int](repeating: 1, count: rank)
    for i in stride(from: rank - 2, through: 0, by: -1) { strides[i] = strides[i + 1] * shape[i + 1] }
    let outShape = order.map { shape[$0] }
    let sourceStrides = order.map { strides[$0] }
    let inner = outShape[rank - 1], innerStride = sourceStrides[rank - 1]
    let outer = values.count / Swift.max(inner, 1)
    var index = [Int](repeating: 0, count: rank - 1)
    var source = 0
    values.withUnsafeBufferPointer { x in
        out.withUnsafeMutableBufferPointer { y in
            var o = 0
            for _ in 0..<outer {
                for j in 0..<inner { y[o + j] = x[source + j * innerStride] }
                o += inner
                var d = rank - 2
                while d >= 0 {
                    index[d] += 1
                    source += sourceStrides[d]
                    if index[d] < outShape[d] { break }
                    source -= sourceStrides[d] * outShape[d]
                    index[d] = 0
                    d -= 1
                }
            }
        }
    }
    return out
}

/// Row gathering: the mini-batches of a training loop.
extension Tensor {
    /// The entries `indices` of the first axis, in that order (repeats allowed); backward adds each
    /// row's gradient back to its source row. Cost: O(selected elements).
    ///
    /// ```swift
    /// let batch = try x.selectingRows([4, 0, 9])
    /// ```
    public func selectingRows(_ indices: [Int]) throws -> Tensor {
        guard rank >= 1 else { throw ShapeError.invalid(shape: shape, reason: "selectingRows needs at least one dimension") }
        if let bad = indices.first(where: { $0 < 0 || $0 >= shape[0] }) {
            throw ShapeError.indexOutOfRange(what: "row", index: bad, bound: shape[0])
        }
        let width = shape[0] == 0 ? 0 : count / shape[0]
        var out = [Float](repeating: 0, count: indices.count * width)
        data.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in
                for (r, i) in indices.enumerated() where width > 0 {
                    (y.baseAddress! + r * width).update(from: x.baseAddress! + i * width, count: width)
                }
            }
        }
        let input = self
        return Tensor.result(shape: [indices.count] + shape.dropFirst(), data: out, parents: [self]) { node in
            let g = node.gradient!
            input.withGradient { ig in
                for (r, i) in indices.enumerated() { for j in 0..<width { ig[i * width + j] += g[r * width + j] } }
            }
        }
    }
}

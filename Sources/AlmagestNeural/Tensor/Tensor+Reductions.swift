import AlmagestCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sums and means over all elements or over chosen axes, with their backward passes (the output
/// gradient repeated over the reduced axes, divided by the count for the mean).
/// Cost: O(n) forward and backward.
///
/// ```swift
/// let total = x.sum()                                   // shape []
/// let columnMeans = try x.mean(axes: [0])               // [n] from [m, n]
/// let rowSums = try x.sum(axes: [1], keepingDimensions: true)   // [m, 1]
/// ```
extension Tensor {
    /// Sum of every element (a scalar tensor).
    public func sum() -> Tensor { try! sum(axes: Array(0..<rank)) }

    /// Mean of every element (a scalar tensor); NaN for an empty tensor.
    public func mean() -> Tensor { sum() / Float(count) }

    /// Sums over `axes` (negative axes count from the end).
    public func sum(axes: [Int], keepingDimensions: Bool = false) throws -> Tensor {
        let axes = Set(try axes.map { try normalizedAxis($0) })
        let kept = shape.indices.map { axes.contains($0) ? 1 : shape[$0] }
        let outShape = keepingDimensions ? kept : shape.indices.filter { !axes.contains($0) }.map { shape[$0] }
        var out = [Float](repeating: 0, count: kept.reduce(1, *))
        let inShape = shape
        data.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in reduceSum(x, shape: inShape, to: kept, into: y) }
        }
        let input = self
        return Tensor.result(shape: outShape, data: out, parents: [self]) { node in
            let g = node.gradient!
            input.withGradient { ig in
                g.withUnsafeBufferPointer { gp in broadcastAdd(gp, shape: kept, to: inShape, into: ig) }
            }
        }
    }

    /// Means over `axes`.
    public func mean(axes: [Int], keepingDimensions: Bool = false) throws -> Tensor {
        let n = try Set(axes.map { try normalizedAxis($0) }).map { shape[$0] }.reduce(1, *)
        return try sum(axes: axes, keepingDimensions: keepingDimensions) / Float(n)
    }
}

/// Softmax and log-softmax along an axis, numerically stable (the maximum is subtracted before
/// exponentiating). Backward: for y = softmax(x), dx = y * (g - sum(g * y)); for
/// y = log_softmax(x), dx = g - softmax(x) * sum(g). Cost: O(n) forward and backward.
///
/// ```swift
/// let p = try logits.softmax()                 // rows sum to one
/// let logP = try logits.logSoftmax(axis: -1)
/// ```
extension Tensor {
    public func softmax(axis: Int = -1) throws -> Tensor { try softmaxFamily(axis: axis, log: false) }
    public func logSoftmax(axis: Int = -1) throws -> Tensor { try softmaxFamily(axis: axis, log: true) }

    // MARK: - Private

    private func softmaxFamily(axis: Int, log: Bool) throws -> Tensor {
        let ax = try normalizedAxis(axis)
        let outer = shape[..<ax].reduce(1, *), length = shape[ax], inner = shape[(ax + 1)...].reduce(1, *)
        var out = [Float](repeating: 0, count: count)
        data.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in
                softmaxRows(x.baseAddress, y.baseAddress, outer: outer, length: length, inner: inner, log: log)
            }
        }
        let input = self
        return Tensor.result(shape: shape, data: out, parents: [self]) { node in
            let g = node.gradient!, y = node.data
            input.withGradient { ig in
                for o in 0..<outer {
                    for i in 0..<inner {
                        let base = o * length * inner + i
                        var s: Float = 0
                        if log {
                            for k in 0..<length { s += g[base + k * inner] }
                            for k in 0..<length {
                                let idx = base + k * inner
                                ig[idx] += g[idx] - expf(y[idx]) * s
                            }
                        } else {
                            for k in 0..<length { s += g[base + k * inner] * y[base + k * inner] }
                            for k in 0..<length {
                                let idx = base + k * inner
                                ig[idx] += y[idx] * (g[idx] - s)
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Stable (log-)softmax over `length` values spaced `inner` apart, for every outer and inner index.
func softmaxRows(_ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, outer: Int, length: Int,
                 inner: Int, log: Bool) {
    guard let x, let y, length > 0 else { return }
    for o in 0..<outer {
        for i in 0..<inner {
            let base = o * length * inner + i
            var m = -Float.infinity
            for k in 0..<length { m = Swift.max(m, x[base + k * inner]) }
            if m == -.infinity { m = 0 }
            var s: Float = 0
            for k in 0..<length {
                let e = expf(x[base + k * inner] - m)
                y[base + k * inner] = e
                s += e
            }
            if log {
                let logS = logf(s) + m
                for k in 0..<length { y[base + k * inner] = x[base + k * inner] - logS }
            } else {
                let r = 1 / s
                for k in 0..<length { y[base + k * inner] *= r }
            }
        }
    }
}

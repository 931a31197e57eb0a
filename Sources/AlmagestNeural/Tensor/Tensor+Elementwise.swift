import AlmagestCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Elementwise functions and activations, each forward loop beside its derivative:
/// exp, log, sqrt, pow, abs, clamp, ReLU, leaky ReLU (Maas et al., 2013), sigmoid and tanh.
/// Cost: O(n) forward and backward, one flat loop over a contiguous buffer each, cut into fixed
/// slices that run in parallel over `Parallel.threads` for large tensors.
///
/// ```swift
/// let h = try x.matmul(w).relu()
/// let p = logits.sigmoid()
/// let safe = x.clamp(min: 1e-6, max: 1).log()
/// ```
extension Tensor {
    public func exp() -> Tensor { unary(.exp) }
    /// Natural logarithm (NaN below zero, -inf at zero, as in IEEE arithmetic).
    public func log() -> Tensor { unary(.log) }
    public func sqrt() -> Tensor { unary(.sqrt) }
    /// `x` to a constant power.
    public func pow(_ exponent: Float) -> Tensor { unary(.pow(exponent)) }
    public func abs() -> Tensor { unary(.abs) }
    /// Limits every value to `min...max`; the gradient is zero where the value was clipped.
    public func clamp(min: Float = -.infinity, max: Float = .infinity) -> Tensor { unary(.clamp(min, max)) }
    /// max(x, 0).
    public func relu() -> Tensor { unary(.relu) }
    /// x for x > 0, `slope * x` otherwise.
    public func leakyRelu(slope: Float = 0.01) -> Tensor { unary(.leakyRelu(slope)) }
    /// 1 / (1 + e^-x), computed without overflow for large |x|.
    public func sigmoid() -> Tensor { unary(.sigmoid) }
    public func tanh() -> Tensor { unary(.tanh) }

    // MARK: - Private

    enum UnaryOperation {
        case exp, log, sqrt, pow(Float), abs, clamp(Float, Float), relu, leakyRelu(Float), sigmoid, tanh
    }

    func unary(_ op: UnaryOperation) -> Tensor {
        let input = self
        let out = data.withUnsafeBufferPointer { x in
            [Float](unsafeUninitializedCapacity: x.count) { y, initialized in
                adviseHugePages(y)
                if let xb = x.baseAddress, let yb = y.baseAddress {
                    let xs = SharedReadPointer(xb), ys = SharedPointer(yb)
                    forEachSlice(x.count) { lo, n in unaryForward(op, xs.base + lo, ys.base + lo, n) }
                }
                initialized = x.count
            }
        }
        return Tensor.result(shape: shape, data: out, parents: [self]) { node in
            // The local gradient overwrites the incoming one in place (elementwise: each g[i] is
            // read before it is written), so backward allocates no new buffer.
            var g = node.takeGradient()
            let y = node.data
            let n = input.count
            g.withUnsafeMutableBufferPointer { g in
                input.data.withUnsafeBufferPointer { x in
                    y.withUnsafeBufferPointer { y in
                        guard n > 0 else { return }
                        let xs = SharedReadPointer(x.baseAddress!), ys = SharedReadPointer(y.baseAddress!)
                        let gs = SharedPointer(g.baseAddress!)
                        forEachSlice(n) { lo, m in
                            unaryBackward(op, xs.base + lo, ys.base + lo, UnsafePointer(gs.base + lo), gs.base + lo, m)
                        }
                    }
                }
            }
            input.accumulateGradient(g)
        }
    }
}

/// Elements per parallel slice of an elementwise loop; smaller tensors stay on the calling thread.
private let elementwiseSlice = 1 << 16

/// Calls `body(start, count)` over `0..<n` in fixed slices, in parallel when `n` is large.
/// Elementwise results do not depend on how the slices are cut.
@inline(__always)
private func forEachSlice(_ n: Int, _ body: @Sendable (Int, Int) -> Void) {
    guard n >= 4 * elementwiseSlice else {
        if n > 0 { body(0, n) }
        return
    }
    Parallel.forEachChunk(count: n, chunkSize: elementwiseSlice) { range, _ in body(range.lowerBound, range.count) }
}

/// y = op(x) over `n` elements.
private func unaryForward(_ op: Tensor.UnaryOperation, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
    switch op {
    case .exp: for i in 0..<n { y[i] = expf(x[i]) }
    case .log: for i in 0..<n { y[i] = logf(x[i]) }
    case .sqrt: for i in 0..<n { y[i] = sqrtf(x[i]) }
    case let .pow(p):
        if p == 2 { for i in 0..<n { y[i] = x[i] * x[i] } } else { for i in 0..<n { y[i] = powf(x[i], p) } }
    case .abs: for i in 0..<n { y[i] = Swift.abs(x[i]) }
    case let .clamp(lo, hi): for i in 0..<n { y[i] = Swift.min(Swift.max(x[i], lo), hi) }
    case .relu: reluForward(x, y, n)
    case let .leakyRelu(s): for i in 0..<n { y[i] = x[i] > 0 ? x[i] : s * x[i] }
    case .sigmoid:
        for i in 0..<n {
            let v = x[i]
            if v >= 0 { y[i] = 1 / (1 + expf(-v)) } else { let e = expf(v); y[i] = e / (1 + e) }
        }
    case .tanh: for i in 0..<n { y[i] = tanhf(x[i]) }
    }
}

/// g = dy · op'(x) over `n` elements (`y` is the forward output; `g` may be `dy` itself).
private func unaryBackward(_ op: Tensor.UnaryOperation, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>,
                           _ go: UnsafePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ n: Int) {
    switch op {
    case .exp: for i in 0..<n { g[i] = go[i] * y[i] }
    case .log: for i in 0..<n { g[i] = go[i] / x[i] }
    case .sqrt: for i in 0..<n { g[i] = go[i] * 0.5 / y[i] }
    case let .pow(p):
        if p == 2 {
            for i in 0..<n { g[i] = go[i] * 2 * x[i] }
        } else {
            for i in 0..<n { g[i] = go[i] * p * powf(x[i], p - 1) }
        }
    case .abs: for i in 0..<n { g[i] = x[i] > 0 ? go[i] : (x[i] < 0 ? -go[i] : 0) }
    case let .clamp(lo, hi): for i in 0..<n { g[i] = x[i] >= lo && x[i] <= hi ? go[i] : 0 }
    case .relu: reluBackward(x, go, g, n)
    case let .leakyRelu(s): for i in 0..<n { g[i] = x[i] > 0 ? go[i] : s * go[i] }
    case .sigmoid: for i in 0..<n { g[i] = go[i] * y[i] * (1 - y[i]) }
    case .tanh: for i in 0..<n { g[i] = go[i] * (1 - y[i] * y[i]) }
    }
}

/// y = max(x, 0), eight lanes at a time.
@inline(__always)
private func reluForward(_ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ n: Int) {
    guard let x, let y else { return }
    var i = 0
    while i + 8 <= n {
        let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(y + i).storeBytes(of: v.replacing(with: 0, where: v .< 0), as: SIMD8<Float>.self)
        i += 8
    }
    while i < n { y[i] = Swift.max(x[i], 0); i += 1 }
}

/// g = (x > 0) ? dy : 0, eight lanes at a time.
@inline(__always)
private func reluBackward(_ x: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ g: UnsafeMutablePointer<Float>?, _ n: Int) {
    guard let x, let dy, let g else { return }
    var i = 0
    while i + 8 <= n {
        let v = UnsafeRawPointer(x + i).loadUnaligned(as: SIMD8<Float>.self)
        let d = UnsafeRawPointer(dy + i).loadUnaligned(as: SIMD8<Float>.self)
        UnsafeMutableRawPointer(g + i).storeBytes(of: d.replacing(with: 0, where: v .<= 0), as: SIMD8<Float>.self)
        i += 8
    }
    while i < n { g[i] = x[i] > 0 ? dy[i] : 0; i += 1 }
}

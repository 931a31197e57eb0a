import AlmagestCore

/// NumPy broadcasting for the elementwise ops: shapes are aligned on the right and a dimension of
/// size 1 (or a missing one) repeats to match the other operand.
///
/// Kernels walk the output row by row: dimensions that are contiguous for every operand are merged
/// first, so a bias added to a `[batch, features]` matrix costs one loop per row and a same-shape op
/// is one flat loop. Cost: O(output elements).
///
/// ```swift
/// let shape = try broadcastShape([4, 1, 3], [2, 1], operation: "add")    // [4, 2, 3]
/// ```
func broadcastShape(_ a: [Int], _ b: [Int], operation: String) throws -> [Int] {
    let rank = max(a.count, b.count)
    var out = [Int](repeating: 1, count: rank)
    for i in 0..<rank {
        let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
        let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
        if da == db || db == 1 {
            out[i] = da
        } else if da == 1 {
            out[i] = db
        } else {
            throw ShapeError.mismatch(operation: operation, left: a, right: b,
                                      expected: "equal dimensions or 1 in each aligned position (broadcasting)")
        }
    }
    return out
}

/// Strides of a tensor of `shape` read as `outShape` (0 where it is broadcast).
func broadcastStrides(_ shape: [Int], to outShape: [Int]) -> [Int] {
    let offset = outShape.count - shape.count
    var strides = [Int](repeating: 0, count: outShape.count)
    var running = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        strides[i + offset] = shape[i] == 1 && outShape[i + offset] != 1 ? 0 : running
        running *= shape[i]
    }
    return strides
}

/// A walk over the output in rows: merged dimensions, with per-operand strides.
struct BroadcastWalk {
    var dims: [Int]
    var strides: [[Int]]

    /// Merges adjacent dimensions that are contiguous (or broadcast) for every operand.
    init(shape: [Int], operandStrides: [[Int]]) {
        var dims: [Int] = []
        var strides = [[Int]](repeating: [], count: operandStrides.count)
        for i in 0..<shape.count where shape[i] != 1 {
            if let last = dims.last,
               (0..<operandStrides.count).allSatisfy({ op in
                   let inner = operandStrides[op][i], outer = strides[op].last!
                   return (inner == 0 && outer == 0) || (inner != 0 && outer == inner * shape[i])
               }) {
                dims[dims.count - 1] = last * shape[i]
                for op in 0..<operandStrides.count { strides[op][strides[op].count - 1] = operandStrides[op][i] }
            } else {
                dims.append(shape[i])
                for op in 0..<operandStrides.count { strides[op].append(operandStrides[op][i]) }
            }
        }
        if dims.isEmpty {
            dims = [1]
            strides = strides.map { _ in [0] }
        }
        self.dims = dims
        self.strides = strides
    }

    /// Length of the innermost loop.
    var inner: Int { dims[dims.count - 1] }
    /// Inner stride of operand `op`.
    func innerStride(_ op: Int) -> Int { strides[op][dims.count - 1] }

    /// Calls `body(offsets)` for each row, with each operand's offset to the row's first element.
    func forEachRow(_ body: ([Int]) -> Void) {
        let outer = dims.dropLast().reduce(1, *)
        var index = [Int](repeating: 0, count: max(dims.count - 1, 0))
        var offsets = [Int](repeating: 0, count: strides.count)
        for _ in 0..<outer {
            body(offsets)
            var d = dims.count - 2
            while d >= 0 {
                index[d] += 1
                for op in 0..<strides.count { offsets[op] += strides[op][d] }
                if index[d] < dims[d] { break }
                for op in 0..<strides.count { offsets[op] -= strides[op][d] * dims[d] }
                index[d] = 0
                d -= 1
            }
        }
    }
}

/// The elementwise binary operations.
enum BinaryOperation { case add, subtract, multiply, divide }

/// `a (op) b` with broadcasting into a new array of `outShape`.
func broadcastBinary(_ op: BinaryOperation, _ a: [Float], _ aShape: [Int], _ b: [Float], _ bShape: [Int],
                     outShape: [Int]) -> [Float] {
    let n = outShape.reduce(1, *)
    var out = [Float](repeating: 0, count: n)
    if n == 0 { return out }
    if aShape == bShape {
        a.withUnsafeBufferPointer { pa in
            b.withUnsafeBufferPointer { pb in
                out.withUnsafeMutableBufferPointer { po in
                    binaryRow(op, pa.baseAddress!, 1, pb.baseAddress!, 1, po.baseAddress!, n)
                }
            }
        }
        return out
    }
    let walk = BroadcastWalk(shape: outShape, operandStrides: [
        broadcastStrides(outShape, to: outShape), broadcastStrides(aShape, to: outShape),
        broadcastStrides(bShape, to: outShape),
    ])
    let inner = walk.inner, sa = walk.innerStride(1), sb = walk.innerStride(2)
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            out.withUnsafeMutableBufferPointer { po in
                walk.forEachRow { o in
                    binaryRow(op, pa.baseAddress! + o[1], sa, pb.baseAddress! + o[2], sb, po.baseAddress! + o[0], inner)
                }
            }
        }
    }
    return out
}

/// Sums `values` of `shape` down to `target` (the inverse of broadcasting), adding into `into`.
func reduceSum(_ values: UnsafeBufferPointer<Float>, shape: [Int], to target: [Int], into: UnsafeMutableBufferPointer<Float>) {
    if values.isEmpty || into.isEmpty { return }
    if shape == target {
        for i in 0..<values.count { into[i] += values[i] }
        return
    }
    let walk = BroadcastWalk(shape: shape, operandStrides: [
        broadcastStrides(shape, to: shape), broadcastStrides(target, to: shape),
    ])
    let inner = walk.inner, st = walk.innerStride(1)
    walk.forEachRow { o in
        let src = values.baseAddress! + o[0], dst = into.baseAddress! + o[1]
        if st == 0 {
            var s: Float = 0
            for j in 0..<inner { s += src[j] }
            dst[0] += s
        } else {
            for j in 0..<inner { dst[j] += src[j] }
        }
    }
}

/// Adds `values` of `shape` into `into` of `target` repeated along broadcast dimensions.
func broadcastAdd(_ values: UnsafeBufferPointer<Float>, shape: [Int], to target: [Int], into: UnsafeMutableBufferPointer<Float>) {
    if values.isEmpty || into.isEmpty { return }
    let walk = BroadcastWalk(shape: target, operandStrides: [
        broadcastStrides(target, to: target), broadcastStrides(shape, to: target),
    ])
    let inner = walk.inner, ss = walk.innerStride(1)
    walk.forEachRow { o in
        let dst = into.baseAddress! + o[0], src = values.baseAddress! + o[1]
        if ss == 0 {
            let v = src[0]
            for j in 0..<inner { dst[j] += v }
        } else {
            for j in 0..<inner { dst[j] += src[j] }
        }
    }
}

/// One row of `a (op) b`: strides 0 (broadcast) or 1.
@inline(__always)
func binaryRow(_ op: BinaryOperation, _ a: UnsafePointer<Float>, _ sa: Int, _ b: UnsafePointer<Float>, _ sb: Int,
               _ out: UnsafeMutablePointer<Float>, _ n: Int) {
    switch (op, sa, sb) {
    case (.add, 1, 1): for i in 0..<n { out[i] = a[i] + b[i] }
    case (.add, 1, 0): let v = b[0]; for i in 0..<n { out[i] = a[i] + v }
    case (.add, 0, 1): let v = a[0]; for i in 0..<n { out[i] = v + b[i] }
    case (.subtract, 1, 1): for i in 0..<n { out[i] = a[i] - b[i] }
    case (.subtract, 1, 0): let v = b[0]; for i in 0..<n { out[i] = a[i] - v }
    case (.subtract, 0, 1): let v = a[0]; for i in 0..<n { out[i] = v - b[i] }
    case (.multiply, 1, 1): for i in 0..<n { out[i] = a[i] * b[i] }
    case (.multiply, 1, 0): let v = b[0]; for i in 0..<n { out[i] = a[i] * v }
    case (.multiply, 0, 1): let v = a[0]; for i in 0..<n { out[i] = v * b[i] }
    case (.divide, 1, 1): for i in 0..<n { out[i] = a[i] / b[i] }
    case (.divide, 1, 0): let v = b[0]; for i in 0..<n { out[i] = a[i] / v }
    case (.divide, 0, 1): let v = a[0]; for i in 0..<n { out[i] = v / b[i] }
    default:
        let v: Float
        switch op {
        case .add: v = a[0] + b[0]
        case .subtract: v = a[0] - b[0]
        case .multiply: v = a[0] * b[0]
        case .divide: v = a[0] / b[0]
        }
        for i in 0..<n { out[i] = v }
    }
}

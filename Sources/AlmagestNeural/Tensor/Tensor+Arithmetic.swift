import AlmagestCore

/// Elementwise addition, subtraction, multiplication and division with NumPy broadcasting, each
/// with its backward pass: the output gradient (times the other operand for `*` and `/`) is
/// summed back over the broadcast dimensions of each input. Cost: O(output elements) forward and
/// backward.
///
/// ```swift
/// let y = try x * w + b          // [batch, n] * [n] + [n]
/// let z = try y / 2 - 1
/// ```
extension Tensor {
    public static func + (a: Tensor, b: Tensor) throws -> Tensor { try binary(.add, a, b) }
    public static func - (a: Tensor, b: Tensor) throws -> Tensor { try binary(.subtract, a, b) }
    public static func * (a: Tensor, b: Tensor) throws -> Tensor { try binary(.multiply, a, b) }
    public static func / (a: Tensor, b: Tensor) throws -> Tensor { try binary(.divide, a, b) }

    public static func + (a: Tensor, b: Float) -> Tensor { try! binary(.add, a, Tensor(b)) }
    public static func - (a: Tensor, b: Float) -> Tensor { try! binary(.subtract, a, Tensor(b)) }
    public static func * (a: Tensor, b: Float) -> Tensor { try! binary(.multiply, a, Tensor(b)) }
    public static func / (a: Tensor, b: Float) -> Tensor { try! binary(.divide, a, Tensor(b)) }
    public static func + (a: Float, b: Tensor) -> Tensor { try! binary(.add, Tensor(a), b) }
    public static func - (a: Float, b: Tensor) -> Tensor { try! binary(.subtract, Tensor(a), b) }
    public static func * (a: Float, b: Tensor) -> Tensor { try! binary(.multiply, Tensor(a), b) }
    public static func / (a: Float, b: Tensor) -> Tensor { try! binary(.divide, Tensor(a), b) }

    /// `-x`.
    public static prefix func - (x: Tensor) -> Tensor { x * -1 }

    // MARK: - Private

    /// Forward and backward of one broadcasting binary op.
    static func binary(_ op: BinaryOperation, _ a: Tensor, _ b: Tensor) throws -> Tensor {
        let name: String
        switch op {
        case .add: name = "add"
        case .subtract: name = "subtract"
        case .multiply: name = "multiply"
        case .divide: name = "divide"
        }
        let outShape = a.shape == b.shape ? a.shape : try broadcastShape(a.shape, b.shape, operation: name)
        let out = broadcastBinary(op, a.data, a.shape, b.data, b.shape, outShape: outShape)
        return result(shape: outShape, data: out, parents: [a, b]) { node in
            let g = node.gradient!
            // Gradient with respect to each input before un-broadcasting.
            let ga: [Float]?, gb: [Float]?
            switch op {
            case .add:
                ga = g; gb = g
            case .subtract:
                ga = g
                gb = b.requiresGradient ? broadcastBinary(.multiply, g, outShape, [-1], [], outShape: outShape) : nil
            case .multiply:
                ga = a.requiresGradient ? broadcastBinary(.multiply, g, outShape, b.data, b.shape, outShape: outShape) : nil
                gb = b.requiresGradient ? broadcastBinary(.multiply, g, outShape, a.data, a.shape, outShape: outShape) : nil
            case .divide:
                ga = a.requiresGradient ? broadcastBinary(.divide, g, outShape, b.data, b.shape, outShape: outShape) : nil
                if b.requiresGradient {
                    // d(a/b)/db = -(a/b)/b = -out/b.
                    let gOut = broadcastBinary(.multiply, g, outShape, node.data, outShape, outShape: outShape)
                    gb = broadcastBinary(.divide, gOut, outShape, b.data, b.shape, outShape: outShape).map { -$0 }
                } else {
                    gb = nil
                }
            }
            if a.requiresGradient, let ga { a.accumulate(ga, from: outShape) }
            if b.requiresGradient, let gb { b.accumulate(gb, from: outShape) }
        }
    }

    /// Adds a gradient of `shape` (a broadcast of this tensor's shape) into `gradient`.
    func accumulate(_ values: [Float], from shape: [Int]) {
        if shape == self.shape {
            accumulateGradient(values)
            return
        }
        let target = self.shape
        withGradient { g in
            values.withUnsafeBufferPointer { v in reduceSum(v, shape: shape, to: target, into: g) }
        }
    }
}

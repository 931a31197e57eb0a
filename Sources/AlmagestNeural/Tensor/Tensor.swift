import AlmagestCore

/// An n-dimensional Float32 array with reverse-mode automatic differentiation.
///
/// Storage is contiguous and row-major. Every operation on tensors that require a gradient
/// records a node: its parents and a hand-written backward closure that turns the output's
/// gradient into contributions to the parents' gradients (whole-tensor operations, never one node
/// per element). `backward()` sorts the graph topologically and runs the closures in reverse, as
/// in PyTorch's autograd (Paszke et al., 2017) and Karpathy's micrograd (2020).
///
/// Cost: each recorded op keeps a reference to its inputs until the output is released; backward
/// costs about twice the forward pass.
///
/// ```swift
/// let w = try Tensor(shape: [3, 2], values: [1, 2, 3, 4, 5, 6], requiresGradient: true)
/// let x = try Tensor(shape: [1, 3], values: [1, 0, -1])
/// let loss = try x.matmul(w).relu().sum()
/// try loss.backward()
/// print(w.gradient!)                          // d loss / d w, same shape as w
/// Tensor.withoutGradient { /* evaluation: no graph is recorded */ }
/// ```
public final class Tensor {
    /// The size of every dimension; `[]` for a scalar.
    public let shape: [Int]
    /// The elements in row-major order (`shape.reduce(1, *)` of them).
    public internal(set) var data: [Float]
    /// Whether `backward()` computes a gradient for this tensor. Leaves set it; results of ops
    /// inherit it when any input requires a gradient and recording is on.
    public var requiresGradient: Bool
    /// Accumulated gradient, same count as `data`; `nil` until a backward pass reaches it.
    public internal(set) var gradient: [Float]?

    /// Inputs of the op that produced this tensor (empty for leaves).
    internal var parents: [Tensor] = []
    /// Adds this tensor's gradient into the parents' gradients.
    internal var backwardFunction: ((Tensor) -> Void)?
    /// True while this tensor is the one `backward()` was called on (it keeps its gradient).
    internal var isBackwardRoot = false

    /// A tensor over `values` (row-major); throws `ShapeError.invalid` when the count does not
    /// match `shape` or a dimension is negative.
    public convenience init(shape: [Int], values: [Float], requiresGradient: Bool = false) throws {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == values.count else {
            throw ShapeError.invalid(shape: shape, reason: "needs \(shape.reduce(1, *)) values, got \(values.count)")
        }
        self.init(uncheckedShape: shape, values: values, requiresGradient: requiresGradient)
    }

    /// The library's own constructor, for shapes it has already checked.
    init(uncheckedShape shape: [Int], values: [Float], requiresGradient: Bool = false) {
        assert(shape.reduce(1, *) == values.count, "Tensor shape \(shape) needs \(shape.reduce(1, *)) values, got \(values.count)")
        self.shape = shape
        self.data = values
        self.requiresGradient = requiresGradient
    }

    /// A tensor of one repeated value (negative dimensions count as 0).
    public convenience init(shape: [Int], repeating value: Float, requiresGradient: Bool = false) {
        let shape = shape.map { Swift.max($0, 0) }
        self.init(uncheckedShape: shape, values: Array(repeating: value, count: shape.reduce(1, *)),
                  requiresGradient: requiresGradient)
    }

    /// A scalar tensor (shape `[]`).
    public convenience init(_ value: Float, requiresGradient: Bool = false) {
        self.init(uncheckedShape: [], values: [value], requiresGradient: requiresGradient)
    }

    /// A 2-D tensor from a matrix (converted to Float).
    public convenience init<S: MatrixScalar>(_ matrix: Matrix<S>, requiresGradient: Bool = false) {
        let values = S.self == Float.self ? matrix.elements as! [Float] : matrix.elements.map { Float($0) }
        self.init(uncheckedShape: [matrix.rows, matrix.columns], values: values, requiresGradient: requiresGradient)
    }

    /// Zeros of a shape.
    public static func zeros(_ shape: [Int], requiresGradient: Bool = false) -> Tensor {
        Tensor(shape: shape, repeating: 0, requiresGradient: requiresGradient)
    }

    /// Ones of a shape.
    public static func ones(_ shape: [Int], requiresGradient: Bool = false) -> Tensor {
        Tensor(shape: shape, repeating: 1, requiresGradient: requiresGradient)
    }

    /// Standard normal values times `standardDeviation`, from a seeded stream.
    public static func randomNormal(_ shape: [Int], standardDeviation: Float = 1, seed: Int,
                                    requiresGradient: Bool = false) -> Tensor {
        var rng = RandomStream(seed: seed)
        let shape = shape.map { Swift.max($0, 0) }
        let values = (0..<shape.reduce(1, *)).map { _ in Float(rng.nextNormal()) * standardDeviation }
        return Tensor(uncheckedShape: shape, values: values, requiresGradient: requiresGradient)
    }

    /// Uniform values in `range`, from a seeded stream.
    public static func randomUniform(_ shape: [Int], in range: ClosedRange<Float> = 0...1, seed: Int,
                                     requiresGradient: Bool = false) -> Tensor {
        var rng = RandomStream(seed: seed)
        let shape = shape.map { Swift.max($0, 0) }
        let width = range.upperBound - range.lowerBound
        let values = (0..<shape.reduce(1, *)).map { _ in range.lowerBound + width * rng.nextFloat() }
        return Tensor(uncheckedShape: shape, values: values, requiresGradient: requiresGradient)
    }

    /// Number of elements.
    public var count: Int { data.count }
    /// Number of dimensions.
    public var rank: Int { shape.count }
    /// The first element: the value of a one-element tensor such as a loss (NaN when empty).
    public var item: Float { data.first ?? .nan }
    /// True when this tensor was produced by a recorded op (not a leaf).
    public var hasGradientFunction: Bool { backwardFunction != nil }

    /// The values as a matrix: 2-D tensors as they are, others as `shape[0] x rest`.
    public func matrix() -> Matrix<Double> {
        let rows = shape.first ?? 1
        let columns = rows == 0 ? 0 : count / rows
        return try! Matrix(rows: rows, columns: columns, elements: data.map { Double($0) })
    }

    /// Replaces the values in place (same count), e.g. to load weights; not recorded.
    public func assign(_ values: [Float]) throws {
        guard values.count == count else {
            throw ShapeError.mismatch(operation: "assign", left: shape, right: [values.count],
                                      expected: "\(count) values")
        }
        data = values
    }

    /// Updates the values in place through a pointer (optimisers); not recorded.
    public func update(_ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        data.withUnsafeMutableBufferPointer { body($0) }
    }

    /// Drops the accumulated gradient.
    public func zeroGradient() { gradient = nil }

    /// A leaf with the same values that records no history (`x.detached()` in PyTorch).
    public func detached() -> Tensor { Tensor(uncheckedShape: shape, values: data) }

    /// Adds `values` (same count) into the gradient, allocating it on first use.
    public func accumulateGradient(_ values: [Float]) {
        if gradient == nil {
            gradient = values
            return
        }
        gradient!.withUnsafeMutableBufferPointer { g in
            values.withUnsafeBufferPointer { v in
                for i in 0..<g.count { g[i] += v[i] }
            }
        }
    }

    /// Write access to the gradient buffer, allocated as zeros on first use (backward closures).
    internal func withGradient(_ body: (UnsafeMutableBufferPointer<Float>) -> Void) {
        if gradient == nil { gradient = Array(repeating: 0, count: count) }
        gradient!.withUnsafeMutableBufferPointer { body($0) }
    }

    /// This node's gradient for its own backward closure, which may overwrite it in place: an
    /// intermediate node hands its buffer over (backward() would drop it right after), so the array
    /// is uniquely referenced and needs no copy; the root of `backward()` keeps its gradient.
    internal func takeGradient() -> [Float] {
        guard !isBackwardRoot, let taken = gradient else { return gradient! }
        gradient = nil
        return taken
    }

    /// Write access to the gradient buffer for a backward closure that can overwrite it: on first use
    /// the buffer is allocated *uninitialised* and `isFresh` is true, so `body` must write every
    /// element (no zero fill, no page touched twice); otherwise `body` must add into it.
    internal func withGradient(_ body: (_ gradient: UnsafeMutableBufferPointer<Float>, _ isFresh: Bool) -> Void) {
        guard gradient != nil else {
            gradient = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                adviseHugePages(buffer)
                body(buffer, true)
                initialized = buffer.count
            }
            return
        }
        gradient!.withUnsafeMutableBufferPointer { body($0, false) }
    }
}

// MARK: - Recording

extension Tensor {
    /// Whether ops record a graph on this thread of work; `withoutGradient` turns it off.
    @TaskLocal static var isRecording = true

    /// Runs `body` without recording a graph (evaluation, optimiser updates).
    public static func withoutGradient<R>(_ body: () throws -> R) rethrows -> R {
        try $isRecording.withValue(false) { try body() }
    }

    /// Whether ops currently record a graph.
    public static var isGradientRecordingEnabled: Bool { isRecording }

    /// The result of an op: records `backward` when recording is on and a parent needs a gradient.
    internal static func result(shape: [Int], data: [Float], parents: [Tensor],
                                backward: @escaping (Tensor) -> Void) -> Tensor {
        let out = Tensor(uncheckedShape: shape, values: data)
        if isRecording, parents.contains(where: { $0.requiresGradient }) {
            out.requiresGradient = true
            out.parents = parents
            out.backwardFunction = backward
        }
        return out
    }
}

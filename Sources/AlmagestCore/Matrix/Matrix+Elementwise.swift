/// Element-wise arithmetic. Operands must have equal shapes; a 1 x n row or n x 1 column operand
/// broadcasts across the other's rows or columns, as NumPy does for those two cases.
extension Matrix {
    /// Applies `transform` to every element.
    @inlinable
    public func map(_ transform: (Scalar) throws -> Scalar) rethrows -> Matrix {
        Matrix(unchecked: rows, columns, try storage.map(transform))
    }

    /// Applies `transform` to every element in place.
    @inlinable
    public mutating func apply(_ transform: (Scalar) -> Scalar) {
        storage.withUnsafeMutableBufferPointer { buffer in
            for i in buffer.indices { buffer[i] = transform(buffer[i]) }
        }
    }

    /// Combines two matrices element by element, broadcasting a row or a column vector.
    @inlinable
    public func combined(with other: Matrix, operation: String = "element-wise", _ f: (Scalar, Scalar) -> Scalar) throws -> Matrix {
        if other.rows == rows && other.columns == columns {
            var out = self
            out.storage.withUnsafeMutableBufferPointer { o in
                other.storage.withUnsafeBufferPointer { b in
                    for i in o.indices { o[i] = f(o[i], b[i]) }
                }
            }
            return out
        }
        if other.rows == 1 && other.columns == columns {
            var out = self
            out.storage.withUnsafeMutableBufferPointer { o in
                other.storage.withUnsafeBufferPointer { b in
                    for i in 0..<rows { for j in 0..<columns { o[i * columns + j] = f(o[i * columns + j], b[j]) } }
                }
            }
            return out
        }
        if other.columns == 1 && other.rows == rows {
            var out = self
            out.storage.withUnsafeMutableBufferPointer { o in
                other.storage.withUnsafeBufferPointer { b in
                    for i in 0..<rows { for j in 0..<columns { o[i * columns + j] = f(o[i * columns + j], b[i]) } }
                }
            }
            return out
        }
        throw ShapeError.mismatch(
            operation: operation, left: shape, right: other.shape,
            expected: "equal shapes, a 1 x \(columns) row or a \(rows) x 1 column")
    }

    @inlinable
    public static func + (a: Matrix, b: Matrix) throws -> Matrix { try a.combined(with: b, operation: "+", +) }
    @inlinable
    public static func - (a: Matrix, b: Matrix) throws -> Matrix { try a.combined(with: b, operation: "-", -) }
    /// Hadamard (element-wise) product; `*` is the matrix product.
    @inlinable
    public func hadamard(_ b: Matrix) throws -> Matrix { try combined(with: b, operation: "hadamard", *) }
    /// Element-wise division.
    @inlinable
    public func dividedElementwise(by b: Matrix) throws -> Matrix { try combined(with: b, operation: "divide", /) }

    @inlinable
    public static func * (a: Matrix, s: Scalar) -> Matrix { a.map { $0 * s } }
    @inlinable
    public static func * (s: Scalar, a: Matrix) -> Matrix { a.map { $0 * s } }
    @inlinable
    public static func / (a: Matrix, s: Scalar) -> Matrix { a.map { $0 / s } }
    @inlinable
    public static func + (a: Matrix, s: Scalar) -> Matrix { a.map { $0 + s } }
    @inlinable
    public static func - (a: Matrix, s: Scalar) -> Matrix { a.map { $0 - s } }
    @inlinable
    public static prefix func - (a: Matrix) -> Matrix { a.map { -$0 } }

    /// `self += alpha * other` through BLAS axpy (shapes must match).
    @inlinable
    public mutating func add(_ other: Matrix, scaledBy alpha: Scalar = 1) throws {
        guard other.shape == shape else {
            throw ShapeError.mismatch(operation: "add", left: shape, right: other.shape, expected: "equal shapes")
        }
        let n = count
        storage.withUnsafeMutableBufferPointer { y in
            other.storage.withUnsafeBufferPointer { x in
                Scalar.axpy(count: n, alpha: alpha, x: x.baseAddress!, y: y.baseAddress!)
            }
        }
    }

    /// True when every element is finite.
    @inlinable public var isFinite: Bool { storage.allSatisfy { $0.isFinite } }

    /// The first non-finite element as (row, column, value), if any.
    @inlinable
    public func firstNonFinite() -> (row: Int, column: Int, value: Scalar)? {
        guard let k = storage.firstIndex(where: { !$0.isFinite }) else { return nil }
        return (k / Swift.max(columns, 1), k % Swift.max(columns, 1), storage[k])
    }

    /// Largest absolute difference to `other` (infinity if shapes differ).
    @inlinable
    public func maxAbsDifference(_ other: Matrix) -> Scalar {
        guard other.shape == shape else { return .infinity }
        var m: Scalar = 0
        for i in 0..<count { m = Swift.max(m, abs(storage[i] - other.storage[i])) }
        return m
    }
}

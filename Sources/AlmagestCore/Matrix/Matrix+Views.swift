/// Row and column-range access without copying: `row(i)` is an `ArraySlice` of the storage, and a
/// `MatrixView` shares the storage of the matrix it was taken from (copy-on-write keeps both safe).
extension Matrix {
    /// Row `i` as a slice of the storage (no copy).
    @inlinable
    public func row(_ i: Int) -> ArraySlice<Scalar> {
        precondition(i >= 0 && i < rows, "row \(i) outside 0..<\(rows)")
        return storage[(i * columns)..<((i + 1) * columns)]
    }

    /// Column `j`, copied into an array (columns are strided in row-major storage).
    @inlinable
    public func column(_ j: Int) -> [Scalar] {
        precondition(j >= 0 && j < columns, "column \(j) outside 0..<\(columns)")
        return (0..<rows).map { storage[$0 * columns + j] }
    }

    /// Replaces row `i`.
    @inlinable
    public mutating func setRow(_ i: Int, _ values: some Collection<Scalar>) {
        precondition(values.count == columns, "row needs \(columns) values, got \(values.count)")
        storage.replaceSubrange((i * columns)..<((i + 1) * columns), with: values)
    }

    /// The rows as arrays (a copy; for tests and small matrices).
    public var rowArrays: [[Scalar]] { (0..<rows).map { Array(row($0)) } }

    /// A view of rows `rowRange` and columns `columnRange`, sharing storage.
    @inlinable
    public func view(rows rowRange: Range<Int>? = nil, columns columnRange: Range<Int>? = nil) -> MatrixView<Scalar> {
        MatrixView(base: self, rowRange: rowRange ?? 0..<rows, columnRange: columnRange ?? 0..<columns)
    }

    /// A new matrix holding the given rows, in the given order (duplicates allowed).
    @inlinable
    public func rows(at indices: some Collection<Int>) -> Matrix {
        var out = [Scalar]()
        out.reserveCapacity(indices.count * columns)
        for i in indices { out.append(contentsOf: row(i)) }
        return Matrix(unchecked: indices.count, columns, out)
    }

    /// A new matrix holding the given columns, in the given order.
    @inlinable
    public func columns(at indices: [Int]) -> Matrix {
        var out = Matrix(rows: rows, columns: indices.count)
        for i in 0..<rows {
            for (k, j) in indices.enumerated() { out.storage[i * indices.count + k] = storage[i * columns + j] }
        }
        return out
    }

    /// Rows of `self` followed by rows of `other`.
    @inlinable
    public func appendingRows(_ other: Matrix) throws -> Matrix {
        guard other.columns == columns || isEmpty else {
            throw ShapeError.mismatch(operation: "appendingRows", left: shape, right: other.shape, expected: "equal column counts")
        }
        return Matrix(unchecked: rows + other.rows, isEmpty ? other.columns : columns, storage + other.storage)
    }

    /// Columns of `self` followed by columns of `other`.
    @inlinable
    public func appendingColumns(_ other: Matrix) throws -> Matrix {
        guard other.rows == rows else {
            throw ShapeError.mismatch(operation: "appendingColumns", left: shape, right: other.shape, expected: "equal row counts")
        }
        var out = [Scalar]()
        out.reserveCapacity(rows * (columns + other.columns))
        for i in 0..<rows {
            out.append(contentsOf: row(i))
            out.append(contentsOf: other.row(i))
        }
        return Matrix(unchecked: rows, columns + other.columns, out)
    }
}

/// A rectangular window onto a `Matrix`, sharing its storage until materialised.
public struct MatrixView<Scalar: MatrixScalar>: Sendable {
    public let base: Matrix<Scalar>
    public let rowRange: Range<Int>
    public let columnRange: Range<Int>

    @usableFromInline
    init(base: Matrix<Scalar>, rowRange: Range<Int>, columnRange: Range<Int>) {
        precondition(rowRange.lowerBound >= 0 && rowRange.upperBound <= base.rows, "rows \(rowRange) outside 0..<\(base.rows)")
        precondition(
            columnRange.lowerBound >= 0 && columnRange.upperBound <= base.columns,
            "columns \(columnRange) outside 0..<\(base.columns)")
        self.base = base
        self.rowRange = rowRange
        self.columnRange = columnRange
    }

    public var rows: Int { rowRange.count }
    public var columns: Int { columnRange.count }

    public subscript(i: Int, j: Int) -> Scalar {
        base.storage[(rowRange.lowerBound + i) * base.columns + columnRange.lowerBound + j]
    }

    /// Row `i` of the view, as a slice of the base storage.
    @inlinable
    public func row(_ i: Int) -> ArraySlice<Scalar> {
        let start = (rowRange.lowerBound + i) * base.columns
        return base.storage[(start + columnRange.lowerBound)..<(start + columnRange.upperBound)]
    }

    /// Copies the window into its own matrix.
    @inlinable
    public func materialized() -> Matrix<Scalar> {
        if columnRange == 0..<base.columns {
            let start = rowRange.lowerBound * base.columns
            return Matrix(unchecked: rows, columns, Array(base.storage[start..<(start + rows * columns)]))
        }
        var out = [Scalar]()
        out.reserveCapacity(rows * columns)
        for i in 0..<rows { out.append(contentsOf: row(i)) }
        return Matrix(unchecked: rows, columns, out)
    }
}

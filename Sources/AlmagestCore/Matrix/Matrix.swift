/// A dense, row-major, contiguous matrix of `Float` or `Double` with value semantics.
///
/// Storage is a Swift array, so copies are free until one side writes (copy-on-write). Products go
/// through CBLAS (`Matrix+Products.swift`), decompositions through LAPACK (`LinearAlgebra/`).
///
/// ```swift
/// var x = try Matrix<Double>([[1, 2], [3, 4]])
/// x[0, 1] = 5
/// let g = x.transposed() * x          // 2 x 2 Gram matrix through dgemm
/// let means = x.mean(axis: .rows)     // column means, 1 x 2
/// ```
public struct Matrix<Scalar: MatrixScalar>: Sendable, Equatable {
    /// Number of rows.
    public let rows: Int
    /// Number of columns.
    public let columns: Int
    /// The elements, row after row; private so that the count always equals `rows * columns`.
    @usableFromInline internal var storage: [Scalar]
    /// The elements, row after row (`rows * columns` of them), read-only.
    @inlinable public var elements: [Scalar] { storage }

    /// A matrix filled with one value.
    public init(rows: Int, columns: Int, repeating value: Scalar = 0) {
        precondition(rows >= 0 && columns >= 0, "matrix dimensions must be non-negative: got \(rows) x \(columns)")
        self.rows = rows
        self.columns = columns
        self.storage = Array(repeating: value, count: rows * columns)
    }

    /// A matrix over row-major elements; throws when the count is not `rows * columns`.
    public init(rows: Int, columns: Int, elements: [Scalar]) throws {
        guard rows >= 0, columns >= 0, elements.count == rows * columns else {
            throw ShapeError.invalid(
                shape: [rows, columns],
                reason: "needs \(Swift.max(rows, 0) * Swift.max(columns, 0)) elements, got \(elements.count)")
        }
        self.rows = rows
        self.columns = columns
        self.storage = elements
    }

    /// A matrix from a list of rows; throws on ragged rows.
    public init(_ rowList: [[Scalar]]) throws {
        let width = rowList.first?.count ?? 0
        var flat = [Scalar]()
        flat.reserveCapacity(rowList.count * width)
        for (index, row) in rowList.enumerated() {
            guard row.count == width else {
                throw ShapeError.invalid(
                    shape: [rowList.count, width],
                    reason: "row \(index) has \(row.count) values, expected \(width) like row 0")
            }
            flat.append(contentsOf: row)
        }
        try self.init(rows: rowList.count, columns: width, elements: flat)
    }

    /// A matrix whose element (i, j) is `value(i, j)`.
    public init(rows: Int, columns: Int, _ value: (Int, Int) throws -> Scalar) rethrows {
        self.init(rows: rows, columns: columns)
        for i in 0..<rows { for j in 0..<columns { storage[i * columns + j] = try value(i, j) } }
    }

    /// Builds a matrix by writing straight into its uninitialised-then-zeroed buffer.
    @inlinable
    public init(rows: Int, columns: Int, fill: (UnsafeMutableBufferPointer<Scalar>) throws -> Void) rethrows {
        self.init(rows: rows, columns: columns)
        try storage.withUnsafeMutableBufferPointer { try fill($0) }
    }

    /// The n x n identity.
    public static func identity(_ n: Int) -> Matrix {
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { m.storage[i * n + i] = 1 }
        return m
    }

    /// `[rows, columns]`.
    @inlinable public var shape: [Int] { [rows, columns] }
    /// Number of elements.
    @inlinable public var count: Int { storage.count }
    /// True when there is no element.
    @inlinable public var isEmpty: Bool { storage.isEmpty }

    /// Element at row `i`, column `j` (bounds-checked in debug builds).
    @inlinable
    public subscript(i: Int, j: Int) -> Scalar {
        get {
            assert(i >= 0 && i < rows && j >= 0 && j < columns, "index (\(i), \(j)) outside \(rows) x \(columns)")
            return storage[i * columns + j]
        }
        set {
            assert(i >= 0 && i < rows && j >= 0 && j < columns, "index (\(i), \(j)) outside \(rows) x \(columns)")
            storage[i * columns + j] = newValue
        }
    }

    /// Read access to the contiguous element buffer.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Scalar>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Write access to the contiguous element buffer (copies first if the storage is shared).
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Scalar>) throws -> R
    ) rethrows -> R {
        try storage.withUnsafeMutableBufferPointer(body)
    }

    /// The same elements read as `newRows x newColumns`.
    public func reshaped(rows newRows: Int, columns newColumns: Int) throws -> Matrix {
        try Matrix(rows: newRows, columns: newColumns, elements: storage)
    }

    /// The same values in the other precision.
    @inlinable
    public func converted<Other: MatrixScalar>(to: Other.Type = Other.self) -> Matrix<Other> {
        Matrix<Other>(unchecked: rows, columns, storage.map { Other($0) })
    }

    /// Internal initialiser that trusts its caller about the element count.
    @usableFromInline
    internal init(unchecked rows: Int, _ columns: Int, _ storage: [Scalar]) {
        self.rows = rows
        self.columns = columns
        self.storage = storage
    }
}

extension Matrix: Codable {
    private enum CodingKeys: String, CodingKey { case rows, columns, elements }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let rows = try c.decode(Int.self, forKey: .rows)
        let columns = try c.decode(Int.self, forKey: .columns)
        let elements = try c.decode([Scalar].self, forKey: .elements)
        do {
            try self.init(rows: rows, columns: columns, elements: elements)
        } catch {
            throw DecodingError.dataCorruptedError(
                forKey: .elements, in: c, debugDescription: "\(error)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(rows, forKey: .rows)
        try c.encode(columns, forKey: .columns)
        try c.encode(storage, forKey: .elements)
    }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        let shown = Swift.min(rows, 8)
        var lines = ["Matrix<\(Scalar.self)> \(rows) x \(columns)"]
        for i in 0..<shown {
            let values = (0..<Swift.min(columns, 8)).map { "\(self[i, $0])" }.joined(separator: ", ")
            lines.append("  [" + values + (columns > 8 ? ", ..." : "") + "]")
        }
        if rows > shown { lines.append("  ...") }
        return lines.joined(separator: "\n")
    }
}

/// Matrix products through CBLAS, and the transpose.
extension Matrix {
    /// The transpose (a copy, blocked for cache use).
    @inlinable
    public func transposed() -> Matrix {
        var out = [Scalar](repeating: 0, count: count)
        let r = rows, c = columns
        storage.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                let block = 32
                var i0 = 0
                while i0 < r {
                    var j0 = 0
                    while j0 < c {
                        for i in i0..<Swift.min(i0 + block, r) {
                            for j in j0..<Swift.min(j0 + block, c) { dst[j * r + i] = src[i * c + j] }
                        }
                        j0 += block
                    }
                    i0 += block
                }
            }
        }
        return Matrix(unchecked: c, r, out)
    }

    /// `op(a) · op(b)` where `op` transposes when asked, through GEMM.
    @inlinable
    public static func product(
        _ a: Matrix, transposed transposeA: Bool = false, _ b: Matrix, transposed transposeB: Bool = false
    ) throws -> Matrix {
        let (m, k) = transposeA ? (a.columns, a.rows) : (a.rows, a.columns)
        let (k2, n) = transposeB ? (b.columns, b.rows) : (b.rows, b.columns)
        guard k == k2 else {
            throw ShapeError.mismatch(
                operation: "matrix product", left: transposeA ? [a.columns, a.rows] : a.shape,
                right: transposeB ? [b.columns, b.rows] : b.shape, expected: "inner dimensions equal")
        }
        var out = Matrix(rows: m, columns: n)
        if m == 0 || n == 0 || k == 0 { return out }
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                out.storage.withUnsafeMutableBufferPointer { pc in
                    BlockedGEMM.multiply(cutting: .rows, transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k,
                                         a: pa.baseAddress!, lda: a.columns, b: pb.baseAddress!, ldb: b.columns, beta: 0,
                                         c: pc.baseAddress!, ldc: n)
                }
            }
        }
        return out
    }

    /// Matrix product `a · b` (GEMM). Throws on an inner-dimension mismatch.
    @inlinable
    public static func * (a: Matrix, b: Matrix) throws -> Matrix { try product(a, b) }

    /// `self · x` for a vector `x` (GEMV).
    @inlinable
    public func multiplied(by x: [Scalar]) throws -> [Scalar] {
        guard x.count == columns else {
            throw ShapeError.mismatch(operation: "matrix-vector product", left: shape, right: [x.count], expected: "\(columns) values")
        }
        var y = [Scalar](repeating: 0, count: rows)
        if rows == 0 || columns == 0 { return y }
        storage.withUnsafeBufferPointer { a in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    Scalar.gemv(
                        transpose: false, m: rows, n: columns, alpha: 1, a: a.baseAddress!, lda: columns,
                        x: px.baseAddress!, beta: 0, y: py.baseAddress!)
                }
            }
        }
        return y
    }

    /// `selfᵀ · self` (the Gram matrix of the columns).
    @inlinable
    public func gram() -> Matrix { try! Matrix.product(self, transposed: true, self) }

    /// Squared Euclidean norm of every row.
    @inlinable
    public func rowSquaredNorms() -> [Scalar] {
        var out = [Scalar](repeating: 0, count: rows)
        storage.withUnsafeBufferPointer { e in
            for i in 0..<rows {
                let p = e.baseAddress! + i * columns
                out[i] = columns == 0 ? 0 : Scalar.dot(count: columns, p, p)
            }
        }
        return out
    }
}

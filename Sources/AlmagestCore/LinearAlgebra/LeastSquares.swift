/// Minimum-norm least squares `min ‖A X − B‖` through LAPACK `gelsd` (SVD based, handles
/// rank-deficient A). Cost O(m n min(m, n)).
///
/// ```swift
/// let fit = try a.leastSquares(b)
/// fit.solution; fit.rank; fit.singularValues
/// ```
public struct LeastSquaresSolution<Scalar: MatrixScalar>: Sendable {
    /// X, n x nrhs.
    public let solution: Matrix<Scalar>
    /// Effective rank of A (singular values above `rcond * s_max`).
    public let rank: Int
    /// Singular values of A, descending.
    public let singularValues: [Scalar]
}

extension Matrix {
    /// Solves `min ‖self · X − b‖₂` column by column; `rcond` < 0 uses machine precision.
    public func leastSquares(_ b: Matrix, rcond: Scalar = -1) throws -> LeastSquaresSolution<Scalar> {
        guard b.rows == rows else {
            throw ShapeError.mismatch(operation: "leastSquares", left: shape, right: b.shape, expected: "B with \(rows) rows")
        }
        guard rows > 0, columns > 0 else { throw FitError.emptyInput(what: "least-squares input", rows: rows, columns: columns) }
        let m = rows, n = columns, nrhs = b.columns
        let ldb = Swift.max(m, n)
        var a = storage
        var bb = [Scalar](repeating: 0, count: ldb * nrhs)
        for i in 0..<m { for j in 0..<nrhs { bb[i * nrhs + j] = b[i, j] } }
        var s = [Scalar](repeating: 0, count: Swift.min(m, n))
        var rank: Int32 = 0
        let info = a.withUnsafeMutableBufferPointer { pa in
            bb.withUnsafeMutableBufferPointer { pb in
                s.withUnsafeMutableBufferPointer { ps in
                    Scalar.gelsd(
                        m: m, n: n, nrhs: nrhs, a: pa.baseAddress!, lda: n, b: pb.baseAddress!, ldb: nrhs,
                        s: ps.baseAddress!, rcond: rcond, rank: &rank)
                }
            }
        }
        guard info == 0 else { throw FitError.numerical(routine: "LAPACK gelsd", reason: "info = \(info)") }
        let x = Matrix(unchecked: n, nrhs, Array(bb[0..<(n * nrhs)]))
        return LeastSquaresSolution(solution: x, rank: Int(rank), singularValues: s)
    }
}

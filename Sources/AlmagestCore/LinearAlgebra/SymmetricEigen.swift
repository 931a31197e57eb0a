/// Eigen-decomposition of a symmetric matrix through LAPACK `syevd` (divide and conquer).
///
/// Only the lower triangle is read. Eigenvalues come in ascending order (LAPACK's order) and
/// `vectors` holds the matching unit eigenvectors as columns. Cost O(n³).
///
/// ```swift
/// let eig = try covariance.symmetricEigen()
/// let largest = eig.values.last!
/// ```
public struct SymmetricEigen<Scalar: MatrixScalar>: Sendable {
    /// Eigenvalues, ascending.
    public let values: [Scalar]
    /// Eigenvectors as columns (n x n), column j for `values[j]`.
    public let vectors: Matrix<Scalar>
}

extension Matrix {
    /// The eigen-decomposition of this symmetric matrix.
    public func symmetricEigen() throws -> SymmetricEigen<Scalar> {
        guard rows == columns else {
            throw ShapeError.mismatch(operation: "symmetricEigen", left: shape, right: shape, expected: "a square matrix")
        }
        guard rows > 0 else { throw FitError.emptyInput(what: "eigen-decomposition input", rows: rows, columns: columns) }
        if let bad = firstNonFinite() {
            throw FitError.nonFinite(what: "eigen-decomposition input", row: bad.row, column: bad.column, value: Double(bad.value))
        }
        var a = storage
        var w = [Scalar](repeating: 0, count: rows)
        let n = rows
        let info = a.withUnsafeMutableBufferPointer { pa in
            w.withUnsafeMutableBufferPointer { pw in
                Scalar.syevd(vectors: true, n: n, a: pa.baseAddress!, lda: n, w: pw.baseAddress!)
            }
        }
        guard info == 0 else { throw FitError.numerical(routine: "LAPACK syevd", reason: "info = \(info)") }
        return SymmetricEigen(values: w, vectors: Matrix(unchecked: n, n, a))
    }
}

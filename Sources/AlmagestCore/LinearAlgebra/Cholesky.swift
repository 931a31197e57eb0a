/// Cholesky factorisation `A = L Lᵀ` of a symmetric positive-definite matrix (LAPACK `potrf`),
/// and the triangular solves that use it. Cost O(n³/3).
///
/// ```swift
/// let l = try a.cholesky()              // lower triangular
/// let x = try a.choleskySolve(b)        // solves A x = b
/// ```
extension Matrix {
    /// The lower-triangular factor L (upper triangle zero). Throws when not positive definite.
    public func cholesky() throws -> Matrix {
        guard rows == columns else {
            throw ShapeError.mismatch(operation: "cholesky", left: shape, right: shape, expected: "a square matrix")
        }
        guard rows > 0 else { throw FitError.emptyInput(what: "Cholesky input", rows: rows, columns: columns) }
        var a = storage
        let n = rows
        let info = a.withUnsafeMutableBufferPointer { Scalar.potrf(n: n, a: $0.baseAddress!, lda: n) }
        guard info == 0 else {
            throw FitError.numerical(
                routine: "LAPACK potrf",
                reason: info > 0 ? "the leading minor of order \(info) is not positive definite" : "illegal argument \(-info)")
        }
        for i in 0..<n { for j in (i + 1)..<Swift.max(n, i + 1) { a[i * n + j] = 0 } }
        return Matrix(unchecked: n, n, a)
    }

    /// Solves `self · X = B` for symmetric positive-definite `self`.
    public func choleskySolve(_ b: Matrix) throws -> Matrix {
        guard b.rows == rows else {
            throw ShapeError.mismatch(operation: "choleskySolve", left: shape, right: b.shape, expected: "B with \(rows) rows")
        }
        let l = try cholesky()
        let n = rows
        var x = b
        // Forward: L Y = B.
        for c in 0..<b.columns {
            for i in 0..<n {
                var s = x[i, c]
                for k in 0..<i { s -= l[i, k] * x[k, c] }
                x[i, c] = s / l[i, i]
            }
            // Backward: Lᵀ X = Y.
            for i in stride(from: n - 1, through: 0, by: -1) {
                var s = x[i, c]
                for k in (i + 1)..<n { s -= l[k, i] * x[k, c] }
                x[i, c] = s / l[i, i]
            }
        }
        return x
    }
}

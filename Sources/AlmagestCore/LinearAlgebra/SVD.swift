/// Singular value decomposition through LAPACK's divide-and-conquer `gesdd`.
///
/// `A = U · diag(S) · Vᵀ` with singular values in descending order. The thin form keeps
/// `min(m, n)` columns of U and rows of Vᵀ; the full form keeps all of them. Cost O(m n min(m, n)).
///
/// ```swift
/// let svd = try x.svd()                 // thin
/// let s = svd.singularValues            // descending
/// let approx = try svd.reconstruction(rank: 3)
/// ```
public struct SVD<Scalar: MatrixScalar>: Sendable {
    /// Left singular vectors, m x k (k = min(m, n) for thin, m for full).
    public let u: Matrix<Scalar>
    /// Singular values, descending.
    public let singularValues: [Scalar]
    /// Right singular vectors as rows, k x n (k = min(m, n) for thin, n for full).
    public let vt: Matrix<Scalar>

    /// The best rank-`rank` approximation `U_r · diag(S_r) · Vᵀ_r`.
    public func reconstruction(rank: Int? = nil) throws -> Matrix<Scalar> {
        let r = Swift.min(rank ?? singularValues.count, singularValues.count)
        var us = u.columns(at: Array(0..<r))
        for i in 0..<us.rows { for j in 0..<r { us[i, j] *= singularValues[j] } }
        return try Matrix.product(us, vt.rows(at: 0..<r))
    }
}

extension Matrix {
    /// The singular value decomposition; `full` asks for square U and Vᵀ.
    public func svd(full: Bool = false) throws -> SVD<Scalar> {
        guard rows > 0, columns > 0 else { throw FitError.emptyInput(what: "SVD input", rows: rows, columns: columns) }
        if let bad = firstNonFinite() {
            throw FitError.nonFinite(what: "SVD input", row: bad.row, column: bad.column, value: Double(bad.value))
        }
        let m = rows, n = columns, k = Swift.min(m, n)
        let uColumns = full ? m : k
        let vtRows = full ? n : k
        var a = storage
        var s = [Scalar](repeating: 0, count: k)
        var u = [Scalar](repeating: 0, count: m * uColumns)
        var vt = [Scalar](repeating: 0, count: vtRows * n)
        let info = a.withUnsafeMutableBufferPointer { pa in
            s.withUnsafeMutableBufferPointer { ps in
                u.withUnsafeMutableBufferPointer { pu in
                    vt.withUnsafeMutableBufferPointer { pv in
                        Scalar.gesdd(
                            job: full ? 65 : 83, m: m, n: n, a: pa.baseAddress!, lda: n, s: ps.baseAddress!,
                            u: pu.baseAddress!, ldu: uColumns, vt: pv.baseAddress!, ldvt: n)
                    }
                }
            }
        }
        guard info == 0 else {
            throw FitError.numerical(routine: "LAPACK gesdd", reason: "info = \(info) (\(info > 0 ? "did not converge" : "illegal argument \(-info)"))")
        }
        return SVD(
            u: Matrix(unchecked: m, uColumns, u), singularValues: s, vt: Matrix(unchecked: vtRows, n, vt))
    }

    /// Singular values only (descending), cheaper than the full decomposition.
    public func singularValues() throws -> [Scalar] {
        guard rows > 0, columns > 0 else { return [] }
        let m = rows, n = columns, k = Swift.min(m, n)
        var a = storage
        var s = [Scalar](repeating: 0, count: k)
        var dummy = [Scalar](repeating: 0, count: 1)
        var dummy2 = [Scalar](repeating: 0, count: 1)
        let info = a.withUnsafeMutableBufferPointer { pa in
            s.withUnsafeMutableBufferPointer { ps in
                dummy.withUnsafeMutableBufferPointer { pu in
                    dummy2.withUnsafeMutableBufferPointer { pv in
                        Scalar.gesdd(
                            job: 78, m: m, n: n, a: pa.baseAddress!, lda: n, s: ps.baseAddress!,
                            u: pu.baseAddress!, ldu: Swift.max(m, n), vt: pv.baseAddress!, ldvt: Swift.max(m, n))
                    }
                }
            }
        }
        guard info == 0 else { throw FitError.numerical(routine: "LAPACK gesdd", reason: "info = \(info)") }
        return s
    }
}

import CBLAS

/// The element types a `Matrix` can hold: `Float` and `Double`, each bound to its BLAS and LAPACK
/// routines so that generic code dispatches to `sgemm` or `dgemm` without a branch.
public protocol MatrixScalar: BinaryFloatingPoint, Codable, Sendable, LosslessStringConvertible
where Self.RawSignificand: FixedWidthInteger {
    /// C = alpha * op(A) * op(B) + beta * C, all row-major.
    static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Self,
        a: UnsafePointer<Self>, lda: Int, b: UnsafePointer<Self>, ldb: Int, beta: Self,
        c: UnsafeMutablePointer<Self>, ldc: Int)
    /// y = alpha * op(A) * x + beta * y, A row-major m x n.
    static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Self, a: UnsafePointer<Self>, lda: Int,
        x: UnsafePointer<Self>, beta: Self, y: UnsafeMutablePointer<Self>)
    /// Sum of x[i] * y[i].
    static func dot(count: Int, _ x: UnsafePointer<Self>, _ y: UnsafePointer<Self>) -> Self
    /// y += alpha * x.
    static func axpy(count: Int, alpha: Self, x: UnsafePointer<Self>, y: UnsafeMutablePointer<Self>)
    /// LAPACK gesdd (divide and conquer SVD), row-major; returns info.
    static func gesdd(
        job: CChar, m: Int, n: Int, a: UnsafeMutablePointer<Self>, lda: Int,
        s: UnsafeMutablePointer<Self>, u: UnsafeMutablePointer<Self>, ldu: Int,
        vt: UnsafeMutablePointer<Self>, ldvt: Int) -> Int
    /// LAPACK syevd (symmetric eigen-decomposition, lower triangle), row-major; returns info.
    static func syevd(
        vectors: Bool, n: Int, a: UnsafeMutablePointer<Self>, lda: Int, w: UnsafeMutablePointer<Self>) -> Int
    /// LAPACK potrf (Cholesky, lower), row-major; returns info.
    static func potrf(n: Int, a: UnsafeMutablePointer<Self>, lda: Int) -> Int
    /// LAPACK gelsd (minimum-norm least squares by SVD), row-major; returns info and the rank.
    static func gelsd(
        m: Int, n: Int, nrhs: Int, a: UnsafeMutablePointer<Self>, lda: Int,
        b: UnsafeMutablePointer<Self>, ldb: Int, s: UnsafeMutablePointer<Self>, rcond: Self,
        rank: UnsafeMutablePointer<Int32>) -> Int
    /// `exp`, `log`, `sqrt` and `pow` without Foundation's overload ambiguity.
    static func exp(_ x: Self) -> Self
    static func log(_ x: Self) -> Self
    static func pow(_ x: Self, _ y: Self) -> Self
    static func atan2(_ y: Self, _ x: Self) -> Self
}

@usableFromInline let rowMajor = CblasRowMajor
@usableFromInline func blasTranspose(_ t: Bool) -> CBLAS_TRANSPOSE { t ? CblasTrans : CblasNoTrans }

extension Double: MatrixScalar {
    @inlinable public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Double,
        a: UnsafePointer<Double>, lda: Int, b: UnsafePointer<Double>, ldb: Int, beta: Double,
        c: UnsafeMutablePointer<Double>, ldc: Int
    ) {
        cblas_dgemm(
            rowMajor, blasTranspose(transposeA), blasTranspose(transposeB), Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inlinable public static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, lda: Int,
        x: UnsafePointer<Double>, beta: Double, y: UnsafeMutablePointer<Double>
    ) {
        cblas_dgemv(rowMajor, blasTranspose(transpose), Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }
    @inlinable public static func dot(count: Int, _ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>) -> Double {
        cblas_ddot(Int32(count), x, 1, y, 1)
    }
    @inlinable public static func axpy(count: Int, alpha: Double, x: UnsafePointer<Double>, y: UnsafeMutablePointer<Double>) {
        cblas_daxpy(Int32(count), alpha, x, 1, y, 1)
    }
    public static func gesdd(
        job: CChar, m: Int, n: Int, a: UnsafeMutablePointer<Double>, lda: Int, s: UnsafeMutablePointer<Double>,
        u: UnsafeMutablePointer<Double>, ldu: Int, vt: UnsafeMutablePointer<Double>, ldvt: Int
    ) -> Int {
        Int(LAPACKE_dgesdd(LAPACK_ROW_MAJOR, job, Int32(m), Int32(n), a, Int32(lda), s, u, Int32(ldu), vt, Int32(ldvt)))
    }
    public static func syevd(vectors: Bool, n: Int, a: UnsafeMutablePointer<Double>, lda: Int, w: UnsafeMutablePointer<Double>) -> Int {
        Int(LAPACKE_dsyevd(LAPACK_ROW_MAJOR, vectors ? 86 : 78, 76, Int32(n), a, Int32(lda), w))
    }
    public static func potrf(n: Int, a: UnsafeMutablePointer<Double>, lda: Int) -> Int {
        Int(LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 76, Int32(n), a, Int32(lda)))
    }
    public static func gelsd(
        m: Int, n: Int, nrhs: Int, a: UnsafeMutablePointer<Double>, lda: Int, b: UnsafeMutablePointer<Double>,
        ldb: Int, s: UnsafeMutablePointer<Double>, rcond: Double, rank: UnsafeMutablePointer<Int32>
    ) -> Int {
        Int(LAPACKE_dgelsd(LAPACK_ROW_MAJOR, Int32(m), Int32(n), Int32(nrhs), a, Int32(lda), b, Int32(ldb), s, rcond, rank))
    }
    @inlinable public static func exp(_ x: Double) -> Double { _exp(x) }
    @inlinable public static func log(_ x: Double) -> Double { _log(x) }
    @inlinable public static func pow(_ x: Double, _ y: Double) -> Double { _pow(x, y) }
    @inlinable public static func atan2(_ y: Double, _ x: Double) -> Double { _atan2(y, x) }
}

extension Float: MatrixScalar {
    @inlinable public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, alpha: Float,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int, beta: Float,
        c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            rowMajor, blasTranspose(transposeA), blasTranspose(transposeB), Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
    @inlinable public static func gemv(
        transpose: Bool, m: Int, n: Int, alpha: Float, a: UnsafePointer<Float>, lda: Int,
        x: UnsafePointer<Float>, beta: Float, y: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemv(rowMajor, blasTranspose(transpose), Int32(m), Int32(n), alpha, a, Int32(lda), x, 1, beta, y, 1)
    }
    @inlinable public static func dot(count: Int, _ x: UnsafePointer<Float>, _ y: UnsafePointer<Float>) -> Float {
        cblas_sdot(Int32(count), x, 1, y, 1)
    }
    @inlinable public static func axpy(count: Int, alpha: Float, x: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(Int32(count), alpha, x, 1, y, 1)
    }
    public static func gesdd(
        job: CChar, m: Int, n: Int, a: UnsafeMutablePointer<Float>, lda: Int, s: UnsafeMutablePointer<Float>,
        u: UnsafeMutablePointer<Float>, ldu: Int, vt: UnsafeMutablePointer<Float>, ldvt: Int
    ) -> Int {
        Int(LAPACKE_sgesdd(LAPACK_ROW_MAJOR, job, Int32(m), Int32(n), a, Int32(lda), s, u, Int32(ldu), vt, Int32(ldvt)))
    }
    public static func syevd(vectors: Bool, n: Int, a: UnsafeMutablePointer<Float>, lda: Int, w: UnsafeMutablePointer<Float>) -> Int {
        Int(LAPACKE_ssyevd(LAPACK_ROW_MAJOR, vectors ? 86 : 78, 76, Int32(n), a, Int32(lda), w))
    }
    public static func potrf(n: Int, a: UnsafeMutablePointer<Float>, lda: Int) -> Int {
        Int(LAPACKE_spotrf(LAPACK_ROW_MAJOR, 76, Int32(n), a, Int32(lda)))
    }
    public static func gelsd(
        m: Int, n: Int, nrhs: Int, a: UnsafeMutablePointer<Float>, lda: Int, b: UnsafeMutablePointer<Float>,
        ldb: Int, s: UnsafeMutablePointer<Float>, rcond: Float, rank: UnsafeMutablePointer<Int32>
    ) -> Int {
        Int(LAPACKE_sgelsd(LAPACK_ROW_MAJOR, Int32(m), Int32(n), Int32(nrhs), a, Int32(lda), b, Int32(ldb), s, rcond, rank))
    }
    @inlinable public static func exp(_ x: Float) -> Float { _expf(x) }
    @inlinable public static func log(_ x: Float) -> Float { _logf(x) }
    @inlinable public static func pow(_ x: Float, _ y: Float) -> Float { _powf(x, y) }
    @inlinable public static func atan2(_ y: Float, _ x: Float) -> Float { _atan2f(y, x) }
}

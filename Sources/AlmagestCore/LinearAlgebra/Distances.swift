/// Pairwise squared Euclidean distances through GEMM: `‖a‖² − 2 a·b + ‖b‖²`, clamped at 0.
///
/// The full m x n matrix is only for small inputs; algorithms that scan large data (silhouette,
/// k-means assignment, neighbours) ask for one block of rows at a time with `squaredDistances(
/// rows:of:to:)`, so memory stays at `blockRows x n`, and hand the blocks to `Parallel`.
/// Cost O(m n d) in one GEMM per block.
///
/// ```swift
/// let d2 = try Distances.squaredEuclidean(x, centroids)          // n x k
/// let norms = Distances.Norms(x)                                 // reuse across blocks
/// let block = Distances.squaredDistances(rows: 0..<512, of: x, to: x, normsA: norms, normsB: norms)
/// ```
public enum Distances {
    /// Squared row norms, computed once and reused across blocks.
    public struct Norms<Scalar: MatrixScalar>: Sendable {
        public let values: [Scalar]
        @inlinable
        public init(_ x: Matrix<Scalar>) { values = x.rowSquaredNorms() }
    }

    /// All squared distances between rows of `a` and rows of `b` (m x n).
    @inlinable
    public static func squaredEuclidean<Scalar>(_ a: Matrix<Scalar>, _ b: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard a.columns == b.columns else {
            throw ShapeError.mismatch(
                operation: "squared distances", left: a.shape, right: b.shape, expected: "the same number of columns")
        }
        return squaredDistances(rows: 0..<a.rows, of: a, to: b, normsA: Norms(a), normsB: Norms(b))
    }

    /// Squared distances from rows `rows` of `a` to every row of `b` (rows.count x b.rows).
    /// Column counts must agree (checked by the public entry points that call this).
    @inlinable
    public static func squaredDistances<Scalar>(
        rows: Range<Int>, of a: Matrix<Scalar>, to b: Matrix<Scalar>, normsA: Norms<Scalar>, normsB: Norms<Scalar>
    ) -> Matrix<Scalar> {
        precondition(a.columns == b.columns, "squared distances need equal column counts: \(a.columns) vs \(b.columns)")
        let m = rows.count, n = b.rows, d = a.columns
        var out = Matrix<Scalar>(rows: m, columns: n)
        guard m > 0, n > 0 else { return out }
        out.withUnsafeMutableBufferPointer { pc in
            if d > 0 {
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        Scalar.gemm(
                            transposeA: false, transposeB: true, m: m, n: n, k: d, alpha: -2,
                            a: pa.baseAddress! + rows.lowerBound * d, lda: d, b: pb.baseAddress!, ldb: d, beta: 0,
                            c: pc.baseAddress!, ldc: n)
                    }
                }
            }
            normsB.values.withUnsafeBufferPointer { nb in
                for i in 0..<m {
                    let na = normsA.values[rows.lowerBound + i]
                    let rowStart = i * n
                    for j in 0..<n {
                        let v = pc[rowStart + j] + na + nb[j]
                        pc[rowStart + j] = v > 0 ? v : 0
                    }
                }
            }
        }
        return out
    }

    /// Euclidean distance between two equal-length vectors, subtracting coordinates directly
    /// (exact for identical points, unlike the GEMM form).
    @inlinable
    public static func euclidean<Scalar: MatrixScalar>(_ a: ArraySlice<Scalar>, _ b: ArraySlice<Scalar>) -> Scalar {
        var s: Scalar = 0
        var i = a.startIndex, j = b.startIndex
        while i < a.endIndex {
            let d = a[i] - b[j]
            s += d * d
            i += 1
            j += 1
        }
        return s.squareRoot()
    }
}

/// A GEMM cut into fixed blocks of rows or columns of C, run over `Parallel.threads`, each block
/// one single-threaded BLAS call (`BLAS.ensureConfigured`). The blocks depend only on the
/// product's shape, never on the thread count, so the bits are the same at any thread count —
/// which OpenBLAS's own threads do not promise, as they split the work by how many there are.
///
/// Products under 2^22 multiply-adds, or with fewer than 128 rows (columns) to cut, are one call;
/// so is any product when a caller gave OpenBLAS more threads (`BLAS.withThreads`). A block is
/// an eighth of the cut dimension rounded up to 16, at least 64. Cost: the GEMM's, in parallel.
///
/// ```swift
/// BlockedGEMM.multiply(cutting: .rows, transposeA: false, transposeB: false, m: m, n: n, k: k,
///                      a: a, lda: k, b: b, ldb: n, beta: 0, c: c, ldc: n)     // C = A B
/// ```
public enum BlockedGEMM {
    /// Which dimension of C the blocks cut.
    public enum Cut: Sendable { case rows, columns }

    /// C = op(A) op(B) + beta C (row-major; B is `n x k` when `transposeB`, else `k x n`; A is
    /// `k x m` when `transposeA`, else `m x k`).
    public static func multiply<Scalar: MatrixScalar>(
        cutting cut: Cut, transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int, a: UnsafePointer<Scalar>, lda: Int,
        b: UnsafePointer<Scalar>, ldb: Int, beta: Scalar, c: UnsafeMutablePointer<Scalar>, ldc: Int
    ) {
        BLAS.ensureConfigured()
        let length = cut == .rows ? m : n
        guard m * n * k >= 1 << 22, length >= 128, BLAS.threads == 1 else {
            Scalar.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb,
                        beta: beta, c: c, ldc: ldc)
            return
        }
        let block = Swift.max(64, (length / 8 + 15) / 16 * 16)
        let (pa, pb, pc) = (SharedReadPointer(a), SharedReadPointer(b), SharedPointer(c))
        Parallel.forEachChunk(count: length, chunkSize: block) { part, _ in
            let s = part.lowerBound
            switch cut {
            case .rows:
                Scalar.gemm(transposeA: transposeA, transposeB: transposeB, m: part.count, n: n, k: k, alpha: 1,
                            a: transposeA ? pa.base + s : pa.base + s * lda, lda: lda, b: pb.base, ldb: ldb, beta: beta,
                            c: pc.base + s * ldc, ldc: ldc)
            case .columns:
                Scalar.gemm(transposeA: transposeA, transposeB: transposeB, m: m, n: part.count, k: k, alpha: 1, a: pa.base, lda: lda,
                            b: transposeB ? pb.base + s * ldb : pb.base + s, ldb: ldb, beta: beta, c: pc.base + s, ldc: ldc)
            }
        }
    }
}

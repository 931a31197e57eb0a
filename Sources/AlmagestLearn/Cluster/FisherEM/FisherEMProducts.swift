import AlmagestCore

/// The three products of Fisher-EM that read the whole n x p data, split into fixed blocks of rows
/// run in parallel (Almagest's threads, one BLAS thread each), so that the result is bit-identical
/// whatever the thread count: a block's rows are always computed by the same GEMM call, and
/// partial sums over rows are added in block order (or, for the p x p covariance, in two fixed
/// lanes so that only two p x p accumulators exist).
///
/// Cost: the GEMMs' own, O(n·p·m) for an m-column factor and O(n·p²) for the covariance.
///
/// ```swift
/// let xu = FisherEMProducts.product(x, u)              // n x d
/// let txt = FisherEMProducts.transposedProduct(t, x)   // K x p = tᵀ·x
/// ```
enum FisherEMProducts {
    /// Rows per block.
    static let blockRows = 2048

    /// x·u (n x m) for x (n x p) and u (p x m).
    static func product(_ x: Matrix<Double>, _ u: Matrix<Double>) -> Matrix<Double> {
        let (n, p, m) = (x.rows, x.columns, u.columns)
        var out = Matrix<Double>(rows: n, columns: m)
        if n == 0 || m == 0 { return out }
        x.withUnsafeBufferPointer { xb in
            u.withUnsafeBufferPointer { ub in
                out.withUnsafeMutableBufferPointer { ob in
                    let (xp, up, op) = (SharedReadPointer(xb.baseAddress!), SharedReadPointer(ub.baseAddress!), SharedPointer(ob.baseAddress!))
                    BLAS.withThreads(1) {
                        Parallel.forEachChunk(count: n, chunkSize: blockRows) { range, _ in
                            Double.gemm(transposeA: false, transposeB: false, m: range.count, n: m, k: p, alpha: 1,
                                        a: xp.base + range.lowerBound * p, lda: p, b: up.base, ldb: m, beta: 0,
                                        c: op.base + range.lowerBound * m, ldc: m)
                        }
                    }
                }
            }
        }
        return out
    }

    /// tᵀ·x (K x p) for t (n x K) and x (n x p), summed over blocks of rows in block order.
    static func transposedProduct(_ t: Matrix<Double>, _ x: Matrix<Double>) -> Matrix<Double> {
        let (n, k, p) = (x.rows, t.columns, x.columns)
        var total = [Double](repeating: 0, count: k * p)
        x.withUnsafeBufferPointer { xb in
            t.withUnsafeBufferPointer { tb in
                let (xp, tp) = (SharedReadPointer(xb.baseAddress!), SharedReadPointer(tb.baseAddress!))
                let partials = BLAS.withThreads(1) {
                    Parallel.mapChunks(count: n, chunkSize: blockRows) { range, _ -> [Double] in
                        var part = [Double](repeating: 0, count: k * p)
                        part.withUnsafeMutableBufferPointer { pb in
                            Double.gemm(transposeA: true, transposeB: false, m: k, n: p, k: range.count, alpha: 1,
                                        a: tp.base + range.lowerBound * k, lda: k, b: xp.base + range.lowerBound * p, ldb: p,
                                        beta: 0, c: pb.baseAddress!, ldc: p)
                        }
                        return part
                    }
                }
                for part in partials { for i in 0..<(k * p) { total[i] += part[i] } }
            }
        }
        return try! Matrix(rows: k, columns: p, elements: total)
    }

    /// (x − 1·x̄ᵀ)ᵀ(x − 1·x̄ᵀ)/n (p x p): blocks of centred rows accumulated in two fixed lanes
    /// (blocks 0, 2, 4, ... and 1, 3, 5, ...), then the two lanes added.
    static func covariance(_ x: Matrix<Double>, mean: [Double]) -> Matrix<Double> {
        let (n, p) = (x.rows, x.columns)
        let blocks = Parallel.chunkCount(count: n, chunkSize: blockRows)
        let lanes = Swift.min(2, blocks)
        var sums = x.withUnsafeBufferPointer { xb -> [[Double]] in
            let xp = SharedReadPointer(xb.baseAddress!)
            return BLAS.withThreads(1) {
                Parallel.map(lanes) { lane -> [Double] in
                    var s = [Double](repeating: 0, count: p * p)
                    var block = [Double](repeating: 0, count: blockRows * p)
                    for b in stride(from: lane, to: blocks, by: lanes) {
                        let start = b * blockRows
                        let rows = Swift.min(blockRows, n - start)
                        for i in 0..<rows { for j in 0..<p { block[i * p + j] = xp[(start + i) * p + j] - mean[j] } }
                        block.withUnsafeBufferPointer { bb in
                            s.withUnsafeMutableBufferPointer { sb in
                                Double.gemm(transposeA: true, transposeB: false, m: p, n: p, k: rows, alpha: 1 / Double(n),
                                            a: bb.baseAddress!, lda: p, b: bb.baseAddress!, ldb: p, beta: 1,
                                            c: sb.baseAddress!, ldc: p)
                            }
                        }
                    }
                    return s
                }
            }
        }
        var s = sums.removeFirst()
        for lane in sums { for i in 0..<(p * p) { s[i] += lane[i] } }
        return try! Matrix(rows: p, columns: p, elements: s)
    }
}

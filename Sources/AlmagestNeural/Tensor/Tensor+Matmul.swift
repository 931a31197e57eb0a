import AlmagestCore

/// Matrix product through OpenBLAS SGEMM, 2-D or batched.
///
/// `[m, k] x [k, n] -> [m, n]`; `[..., m, k] x [..., k, n]` with equal leading (batch) dimensions;
/// and `[..., m, k] x [k, n]`, where the right matrix is shared by the whole batch (a linear layer
/// over a batch of sequences). Backward: dA = dC · Bᵀ and dB = Aᵀ · dC, both SGEMM calls that
/// accumulate straight into the gradient buffers (beta = 1). Cost: 2·m·n·k flops per matrix,
/// twice that backward.
///
/// ```swift
/// let y = try x.matmul(w)                       // [batch, in] x [in, out]
/// ```
extension Tensor {
    public func matmul(_ other: Tensor) throws -> Tensor {
        let a = self, b = other
        guard a.rank >= 2, b.rank >= 2, a.shape[a.rank - 1] == b.shape[b.rank - 2],
              b.rank == 2 || a.shape.dropLast(2) == b.shape.dropLast(2) else {
            throw ShapeError.mismatch(operation: "matmul", left: a.shape, right: b.shape,
                                      expected: "[..., m, k] x [..., k, n] with equal batch dimensions, or [..., m, k] x [k, n]")
        }
        BLAS.ensureConfigured()   // single-threaded OpenBLAS unless a caller asked otherwise
        let m = a.shape[a.rank - 2], k = a.shape[a.rank - 1], n = b.shape[b.rank - 1]
        let batch = a.shape.dropLast(2).reduce(1, *)
        let sharedRight = b.rank == 2
        // A shared right matrix over a batch is one tall product.
        let (gm, gBatch) = sharedRight ? (m * batch, 1) : (m, batch)
        let outShape = Array(a.shape.dropLast()) + [n]
        var out = [Float](repeating: 0, count: outShape.reduce(1, *))
        if !out.isEmpty && k > 0 {
            a.data.withUnsafeBufferPointer { pa in
                b.data.withUnsafeBufferPointer { pb in
                    out.withUnsafeMutableBufferPointer { pc in
                        for i in 0..<gBatch {
                            Float.gemm(transposeA: false, transposeB: false, m: gm, n: n, k: k, alpha: 1,
                                       a: pa.baseAddress! + i * gm * k, lda: k, b: pb.baseAddress! + i * k * n, ldb: n,
                                       beta: 0, c: pc.baseAddress! + i * gm * n, ldc: n)
                        }
                    }
                }
            }
        }
        return Tensor.result(shape: outShape, data: out, parents: [a, b]) { node in
            guard k > 0, gm > 0, n > 0 else { return }
            let g = node.gradient!
            g.withUnsafeBufferPointer { pg in
                if a.requiresGradient {
                    a.withGradient { ga in
                        b.data.withUnsafeBufferPointer { pb in
                            for i in 0..<gBatch {
                                Float.gemm(transposeA: false, transposeB: true, m: gm, n: k, k: n, alpha: 1,
                                           a: pg.baseAddress! + i * gm * n, lda: n, b: pb.baseAddress! + i * k * n, ldb: n,
                                           beta: 1, c: ga.baseAddress! + i * gm * k, ldc: k)
                            }
                        }
                    }
                }
                if b.requiresGradient {
                    b.withGradient { gb in
                        a.data.withUnsafeBufferPointer { pa in
                            for i in 0..<gBatch {
                                Float.gemm(transposeA: true, transposeB: false, m: k, n: n, k: gm, alpha: 1,
                                           a: pa.baseAddress! + i * gm * k, lda: k, b: pg.baseAddress! + i * gm * n, ldb: n,
                                           beta: 1, c: gb.baseAddress! + i * k * n, ldc: n)
                            }
                        }
                    }
                }
            }
        }
    }
}

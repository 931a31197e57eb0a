import AlmagestCore

/// SGEMM and DGEMM 2048 in GFLOP/s, with OpenBLAS on 1 and on 2 threads.
func coreBenchmarks() -> [BenchResult] {
    var results = [BenchResult]()
    let n = 2048
    var rng = RandomStream(seed: 0)
    let af: Matrix<Float> = rng.uniformMatrix(rows: n, columns: n)
    let bf: Matrix<Float> = rng.uniformMatrix(rows: n, columns: n)
    let ad = af.converted(to: Double.self), bd = bf.converted(to: Double.self)
    let flops = 2.0 * Double(n) * Double(n) * Double(n)
    for threads in [1, 2] {
        BLAS.withThreads(threads) {
            var r = measure("sgemm_2048_threads\(threads)") {
                _ = try! af * bf
                return [:]
            }
            r.extra["gflops"] = (flops / r.wallSeconds / 1e9 * 10).rounded() / 10
            results.append(r)
            var d = measure("dgemm_2048_threads\(threads)") {
                _ = try! ad * bd
                return [:]
            }
            d.extra["gflops"] = (flops / d.wallSeconds / 1e9 * 10).rounded() / 10
            results.append(d)
        }
    }
    return results
}

import AlmagestCore
import AlmagestData
import Foundation

/// SGEMM and DGEMM 2048 in GFLOP/s, with OpenBLAS on 1 and on 2 threads; reading a numeric CSV of
/// 200,000 x 10 values with a header (written to `BenchData.directory` for the Python side).
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
    results.append(csvBenchmark())
    return results
}

/// `CSVReader.read` of 200,000 rows x 10 columns of values with six decimals, as measurements
/// usually are (about 20 MB).
private func csvBenchmark() -> BenchResult {
    var rng = RandomStream(seed: 3)
    let raw: Matrix<Double> = rng.uniformMatrix(rows: 200_000, columns: 10, in: -100..<100)
    let table = raw.map { ($0 * 1e6).rounded() / 1e6 }
    let url = BenchData.directory.appendingPathComponent("table_200000x10.csv")
    try? FileManager.default.createDirectory(at: BenchData.directory, withIntermediateDirectories: true)
    do {
        try CSVWriter.write(table, columnNames: (0..<10).map { "c\($0)" }, to: url, overwrite: true)
        // Equality with the written values is checked once, outside the timed reads.
        let equal = try CSVReader.read(from: url).features == table
        var result = try measure("csv_read_200000x10") {
            let dataset = try CSVReader.read(from: url)
            return ["rows": dataset.count]
        }
        result.extra["equal"] = equal
        return result
    } catch {
        return failedBenchmark("csv_read_200000x10", error)
    }
}

import AlmagestCore
import Foundation

/// The matrix Q of the C-SVC dual, Q_ij = y_i y_j K(x_i, x_j), served row by row to the SMO
/// solver in the solver's current order of the variables (shrinking permutes them), through a
/// `KernelRowCache`. A row's missing entries are computed as one GEMV of the rows' dot products
/// with x_i followed by the kernel's element-wise map; long stretches are cut into fixed chunks
/// computed in parallel (`Parallel`: the same values whatever the thread count). Entries are
/// kept in Float, as libsvm does, the diagonal in Double. Cost: O(n d) per computed row.
///
/// ```swift
/// let q = SignedKernelRows(x: rows, signs: y, kernel: kernel, cacheMegabytes: 200)
/// let qi = q.row(i, length: activeSize)          // qi[j] = y_i y_j K(x_i, x_j)
/// ```
final class SignedKernelRows {
    /// Entries computed per parallel chunk; shorter stretches are computed on the calling thread.
    static let chunkEntries = 2048

    let count: Int
    /// K(x_i, x_i) in the current order.
    private(set) var diagonal: [Double]
    private let width: Int
    private let kernel: SVMKernel
    private let cache: KernelRowCache
    private var x: [Double]
    private var norms: [Double]
    private var signs: [Double]
    private var dots: [Double]

    init(x: Matrix<Double>, signs: [Double], kernel: SVMKernel, cacheMegabytes: Double) {
        count = x.rows
        width = x.columns
        self.kernel = kernel
        self.x = x.elements
        self.signs = signs
        norms = x.rowSquaredNorms()
        cache = KernelRowCache(rows: x.rows, megabytes: cacheMegabytes)
        dots = Array(repeating: 0, count: x.rows)
        diagonal = []
        diagonal = (0..<count).map { i in
            let dot = self.x.withUnsafeBufferPointer { Double.dot(count: width, $0.baseAddress! + i * width, $0.baseAddress! + i * width) }
            return kernel.value(dot: dot, squaredNormU: norms[i], squaredNormV: norms[i])
        }
    }

    /// The first `length` entries of row `i` of Q. Valid until the next call to `row` or `swap`.
    func row(_ i: Int, length: Int) -> UnsafePointer<Float> {
        let (row, start) = cache.row(i, length: length)
        if start < length { fill(row, of: i, from: start, to: length) }
        return UnsafePointer(row)
    }

    /// Exchanges variables `i` and `j` (their data, sign, diagonal and cached entries).
    func swap(_ i: Int, _ j: Int) {
        guard i != j else { return }
        cache.swap(i, j)
        x.withUnsafeMutableBufferPointer { e in
            for k in 0..<width { e.swapAt(i * width + k, j * width + k) }
        }
        norms.swapAt(i, j)
        signs.swapAt(i, j)
        diagonal.swapAt(i, j)
    }

    // MARK: - Private

    private func fill(_ row: UnsafeMutablePointer<Float>, of i: Int, from start: Int, to end: Int) {
        let (d, kernel, signI, normI) = (width, kernel, signs[i], norms[i])
        let target = SharedPointer(row)
        x.withUnsafeBufferPointer { px in
            norms.withUnsafeBufferPointer { pn in
                signs.withUnsafeBufferPointer { ps in
                    dots.withUnsafeMutableBufferPointer { pd in
                        let data = SharedReadPointer(px.baseAddress!), normList = SharedReadPointer(pn.baseAddress!)
                        let signList = SharedReadPointer(ps.baseAddress!), scratch = SharedPointer(pd.baseAddress!)
                        let body: @Sendable (Range<Int>, Int) -> Void = { range, _ in
                            let first = start + range.lowerBound, n = range.count
                            Double.gemv(transpose: false, m: n, n: d, alpha: 1, a: data.base + first * d, lda: d,
                                        x: data.base + i * d, beta: 0, y: scratch.base + first)
                            for j in first..<(first + n) {
                                let k = kernel.value(dot: scratch[j], squaredNormU: normI, squaredNormV: normList[j])
                                target[j] = Float(signI * signList[j] * k)
                            }
                        }
                        let total = end - start
                        if total < 2 * Self.chunkEntries {
                            body(0..<total, 0)
                        } else {
                            Parallel.forEachChunk(count: total, chunkSize: Self.chunkEntries, body)
                        }
                    }
                }
            }
        }
    }
}

import AlmagestCore
import Foundation

/// The sparse input affinities of t-SNE: for every point its k nearest neighbours, Gaussian
/// conditional probabilities whose bandwidth makes their perplexity equal the target, then the
/// symmetric joint probabilities `P = (P_cond + P_condᵀ) / Σ`.
///
/// Reference: L. van der Maaten, "Accelerating t-SNE using tree-based algorithms", JMLR 2014
/// (k = 3 · perplexity neighbours); the bandwidth search as in scikit-learn's
/// `_binary_search_perplexity` (natural-log entropy, tolerance 1e-5, at most 100 steps, on squared
/// distances). Neighbours come from blocks of GEMM distances (`‖a‖² - 2 a·b + ‖b‖²`, as
/// `Distances.squaredDistances` but specialised here, in one `dgemm` per block of rows), so
/// memory is O(block · n + n k), never n x n. Cost O(n² d) for the neighbours, O(n k log k) for the rest.
///
/// ```swift
/// let p = try TSNEAffinities(x, perplexity: 30)
/// p.rowStart, p.columns, p.values      // CSR, symmetric, values sum to 1
/// ```
struct TSNEAffinities: Sendable {
    /// CSR row offsets (n + 1).
    let rowStart: [Int]
    /// Column of every stored entry.
    let columns: [Int32]
    /// Joint probability of every stored entry (all sum to 1).
    let values: [Double]
    /// Neighbours per point used to build them.
    let neighbours: Int

    var count: Int { rowStart.count - 1 }

    /// Builds the affinities of the rows of `x` (validated by the caller: finite, n > perplexity).
    init(_ x: Matrix<Double>, perplexity: Double) {
        let n = x.rows
        let k = Swift.min(n - 1, Int(3 * perplexity + 1))
        neighbours = k
        let (indices, distances) = Self.nearestNeighbours(x, k: k)
        let conditional = Self.conditionalProbabilities(distances, n: n, k: k, perplexity: perplexity)
        (rowStart, columns, values) = Self.symmetrised(indices: indices, conditional: conditional, n: n, k: k)
    }
}

// MARK: - Private

extension TSNEAffinities {
    /// Rows of distances per block, so that a block holds about 4 million doubles at most.
    private static func blockRows(n: Int) -> Int { Swift.max(1, Swift.min(256, 4_000_000 / Swift.max(n, 1))) }

    /// The k nearest neighbours of every row (self excluded), sorted by distance then index, with
    /// their squared distances.
    static func nearestNeighbours(_ x: Matrix<Double>, k: Int) -> (indices: [Int32], distances: [Double]) {
        let n = x.rows, d = x.columns
        var indices = [Int32](repeating: 0, count: n * k)
        var distances = [Double](repeating: 0, count: n * k)
        guard k > 0 else { return (indices, distances) }
        BLAS.ensureConfigured()
        let norms: [Double] = x.withUnsafeBufferPointer { e in
            (0..<n).map { i in
                var s = 0.0
                for j in 0..<d { s += e[i * d + j] * e[i * d + j] }
                return s
            }
        }
        let blockSize = blockRows(n: n)
        indices.withUnsafeMutableBufferPointer { pi in
            distances.withUnsafeMutableBufferPointer { pd in
                x.withUnsafeBufferPointer { px in
                    norms.withUnsafeBufferPointer { pn in
                        let outIndices = SharedPointer(pi.baseAddress!), outDistances = SharedPointer(pd.baseAddress!)
                        let data = SharedReadPointer(px.baseAddress!), norm = SharedReadPointer(pn.baseAddress!)
                        Parallel.forEachChunk(count: n, chunkSize: blockSize) { range, _ in
                            // ‖a‖² - 2 a·b + ‖b‖² for the rows of this block against all rows, one GEMM.
                            var block = [Double](repeating: 0, count: range.count * n)
                            var heap = [(Double, Int32)]()
                            heap.reserveCapacity(k)
                            block.withUnsafeMutableBufferPointer { b in
                                Double.gemm(
                                    transposeA: false, transposeB: true, m: range.count, n: n, k: d, alpha: -2,
                                    a: data.base + range.lowerBound * d, lda: d, b: data.base, ldb: d, beta: 0,
                                    c: b.baseAddress!, ldc: n)
                                for (r, i) in range.enumerated() {
                                    heap.removeAll(keepingCapacity: true)
                                    let row = b.baseAddress! + r * n
                                    let ni = norm[i]
                                    for j in 0..<n where j != i {
                                        push(&heap, (Swift.max(row[j] + ni + norm[j], 0), Int32(j)), limit: k)
                                    }
                                    heap.sort { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
                                    for (t, entry) in heap.enumerated() {
                                        outDistances[i * k + t] = entry.0
                                        outIndices[i * k + t] = entry.1
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return (indices, distances)
    }

    /// Keeps the `limit` smallest (distance, index) pairs in a max-heap.
    @inline(__always)
    private static func push(_ heap: inout [(Double, Int32)], _ item: (Double, Int32), limit: Int) {
        func greater(_ a: (Double, Int32), _ b: (Double, Int32)) -> Bool { a.0 > b.0 || (a.0 == b.0 && a.1 > b.1) }
        if heap.count < limit {
            heap.append(item)
            var c = heap.count - 1
            while c > 0 {
                let parent = (c - 1) / 2
                if !greater(heap[c], heap[parent]) { break }
                heap.swapAt(c, parent)
                c = parent
            }
            return
        }
        guard greater(heap[0], item) else { return }
        heap[0] = item
        var p = 0
        while true {
            let l = 2 * p + 1, r = l + 1
            var largest = p
            if l < limit && greater(heap[l], heap[largest]) { largest = l }
            if r < limit && greater(heap[r], heap[largest]) { largest = r }
            if largest == p { break }
            heap.swapAt(p, largest)
            p = largest
        }
    }

    /// Row-wise Gaussian probabilities over the neighbours, each row of perplexity `perplexity`.
    static func conditionalProbabilities(_ distances: [Double], n: Int, k: Int, perplexity: Double) -> [Double] {
        var p = [Double](repeating: 0, count: n * k)
        guard k > 0 else { return p }
        let target = Foundation.log(perplexity)
        p.withUnsafeMutableBufferPointer { out in
            let output = SharedPointer(out.baseAddress!)
            distances.withUnsafeBufferPointer { dist in
                let d = SharedReadPointer(dist.baseAddress!)
                Parallel.forEachChunk(count: n, chunkSize: 512) { range, _ in
                    for i in range { calibrateRow(d.base + i * k, k: k, target: target, into: output.base + i * k) }
                }
            }
        }
        return p
    }

    /// Binary search on β = 1 / (2σ²) so that the entropy of `exp(-β d)` (normalised) is `target`.
    /// Distances are shifted by the smallest one first, which changes nothing but avoids underflow.
    private static func calibrateRow(_ d: UnsafePointer<Double>, k: Int, target: Double, into p: UnsafeMutablePointer<Double>) {
        let shift = d[0]
        var beta = 1.0, low = -Double.infinity, high = Double.infinity
        for _ in 0..<100 {
            var sum = 0.0, weighted = 0.0
            for j in 0..<k {
                let e = Foundation.exp(-(d[j] - shift) * beta)
                p[j] = e
                sum += e
                weighted += (d[j] - shift) * e
            }
            let entropy = Foundation.log(sum) + beta * weighted / sum
            for j in 0..<k { p[j] /= sum }
            let difference = entropy - target
            if abs(difference) <= 1e-5 { break }
            if difference > 0 {
                low = beta
                beta = high == .infinity ? beta * 2 : (beta + high) / 2
            } else {
                high = beta
                beta = low == -.infinity ? beta / 2 : (beta + low) / 2
            }
        }
    }

    /// `P_cond + P_condᵀ` as CSR with sorted columns, normalised to sum 1.
    static func symmetrised(indices: [Int32], conditional: [Double], n: Int, k: Int) -> ([Int], [Int32], [Double]) {
        // Incoming entries (j <- i) grouped by target j, in increasing source order.
        var incomingStart = [Int](repeating: 0, count: n + 1)
        for e in indices { incomingStart[Int(e) + 1] += 1 }
        for j in 0..<n { incomingStart[j + 1] += incomingStart[j] }
        var fill = incomingStart
        var incomingSource = [Int32](repeating: 0, count: n * k)
        var incomingValue = [Double](repeating: 0, count: n * k)
        for i in 0..<n {
            for t in 0..<k {
                let j = Int(indices[i * k + t])
                incomingSource[fill[j]] = Int32(i)
                incomingValue[fill[j]] = conditional[i * k + t]
                fill[j] += 1
            }
        }
        var rowStart = [Int](repeating: 0, count: n + 1)
        var columns = [Int32](), values = [Double]()
        columns.reserveCapacity(2 * n * k)
        values.reserveCapacity(2 * n * k)
        var own = [(Int32, Double)]()
        own.reserveCapacity(k)
        var total = 0.0
        for i in 0..<n {
            own.removeAll(keepingCapacity: true)
            for t in 0..<k { own.append((indices[i * k + t], conditional[i * k + t])) }
            own.sort { $0.0 < $1.0 }
            var a = 0, b = incomingStart[i]
            let bEnd = incomingStart[i + 1]
            while a < own.count || b < bEnd {
                let takeOwn = b >= bEnd || (a < own.count && own[a].0 <= incomingSource[b])
                let column = takeOwn ? own[a].0 : incomingSource[b]
                var value = 0.0
                if a < own.count && own[a].0 == column { value += own[a].1; a += 1 }
                if b < bEnd && incomingSource[b] == column { value += incomingValue[b]; b += 1 }
                columns.append(column)
                values.append(value)
                total += value
            }
            rowStart[i + 1] = columns.count
        }
        if total > 0 { for e in values.indices { values[e] /= total } }
        return (rowStart, columns, values)
    }
}

import AlmagestCore

/// Silhouette coefficients: for point i, `a` = mean distance to the other members of its
/// cluster, `b` = the smallest mean distance to the members of another cluster, and
/// `s(i) = (b - a) / max(a, b)` (0 for a point alone in its cluster). The score is the mean of
/// s(i); per-cluster means feed silhouette plots.
/// Reference: Rousseeuw, "Silhouettes: a graphical aid to the interpretation and validation of
/// cluster analysis" (1987).
///
/// Cost O(n² d) time, but never an n x n matrix: rows are processed in blocks (at most 256 rows,
/// fewer for large n so a block stays near 4 M distances), each block's squared Euclidean
/// distances to all points come from one GEMM (dgemm, as in `Distances.squaredDistances`), and each row only
/// keeps its k per-cluster distance sums. Memory O(block x n + n + k) per thread. Blocks run in
/// parallel through `Parallel` and write disjoint rows, so the result does not depend on the
/// thread count. Distances use the GEMM form `sqrt(‖a‖² − 2a·b + ‖b‖²)` (clamped at 0, a point's
/// distance to itself set to exactly 0), the same form as scikit-learn. Rows are gathered in
/// cluster order first, so each per-cluster sum runs over a contiguous range.
///
/// ```swift
/// let analysis = try SilhouetteAnalysis(x, labels: model.labels)
/// print(analysis.score, analysis.clusterMeans)
/// let s = try silhouetteSamples(of: x, labels: model.labels)
/// ```
public struct SilhouetteAnalysis: Sendable, Equatable {
    /// s(i) for every point, in row order.
    public let samples: [Double]
    /// Mean of `samples` (singletons count as 0).
    public let score: Double
    /// Sorted distinct labels.
    public let clusterLabels: [Int]
    /// Points per cluster, in `clusterLabels` order.
    public let clusterSizes: [Int]
    /// Mean s(i) over each cluster's members, in `clusterLabels` order.
    public let clusterMeans: [Double]

    /// Computes the silhouettes of `x` (one row per point) under `labels`.
    /// Throws for empty or non-finite data, a label count different from the row count, or a
    /// number of clusters outside 2...n-1. `blockRows` caps the rows per distance block.
    public init<Scalar>(_ x: Matrix<Scalar>, labels: [Int], blockRows: Int = 256) throws {
        try require(blockRows >= 1, "blockRows", blockRows, expected: "at least 1")
        let assignment = try ClusterAssignment(x, labels: labels, for: "silhouette")
        let samples = Self.blockedSamples(x, assignment, blockRows: blockRows)
        var clusterSums = [Double](repeating: 0, count: assignment.clusterCount)
        for (i, s) in samples.enumerated() { clusterSums[assignment.index[i]] += s }
        self.samples = samples
        self.score = samples.reduce(0, +) / Double(samples.count)
        self.clusterLabels = assignment.clusterLabels
        self.clusterSizes = assignment.sizes
        self.clusterMeans = zip(clusterSums, assignment.sizes).map { $0 / Double($1) }
    }

    /// Rows per block for n points: `requested`, lowered so a block holds about 4 M distances.
    public static func blockRows(for n: Int, requested: Int = 256) -> Int {
        Swift.max(1, Swift.min(requested, Swift.max(8, 4_000_000 / Swift.max(n, 1))))
    }

    // MARK: - Private

    /// Rows are first gathered in cluster order (a stable sort, so each cluster keeps the input
    /// order), which turns the per-cluster distance sums of a row into sums over contiguous
    /// ranges. The kernel runs on concrete `Double`s: a `Float` matrix is widened once, O(n d).
    private static func blockedSamples<Scalar>(
        _ x: Matrix<Scalar>, _ assignment: ClusterAssignment, blockRows requested: Int
    ) -> [Double] {
        let n = x.rows, d = x.columns, k = assignment.clusterCount
        let order = (0..<n).sorted { (assignment.index[$0], $0) < (assignment.index[$1], $1) }
        var sorted = [Double](repeating: 0, count: n * d)
        x.withUnsafeBufferPointer { p in
            for (to, from) in order.enumerated() {
                for j in 0..<d { sorted[to * d + j] = Double(p[from * d + j]) }
            }
        }
        let bounds = assignment.sizes.reduce(into: [0]) { $0.append($0.last! + $1) }
        let norms = (0..<n).map { i in (0..<d).reduce(0.0) { $0 + sorted[i * d + $1] * sorted[i * d + $1] } }
        let block = blockRows(for: n, requested: requested)
        let sizes = assignment.sizes
        let clusterOfSorted = order.map { assignment.index[$0] }
        var inSortedOrder = [Double](repeating: 0, count: n)
        inSortedOrder.withUnsafeMutableBufferPointer { outBuffer in
            let out = SharedPointer(outBuffer.baseAddress!)
            sorted.withUnsafeBufferPointer { points in
                let xs = SharedReadPointer(points.baseAddress!)
                Parallel.forEachChunk(count: n, chunkSize: block) { rows, _ in
                    let m = rows.count
                    let distances = UnsafeMutablePointer<Double>.allocate(capacity: m * n)
                    defer { distances.deallocate() }
                    var sums = [Double](repeating: 0, count: k)
                    Double.gemm(
                        transposeA: false, transposeB: true, m: m, n: n, k: d, alpha: -2,
                        a: xs.base + rows.lowerBound * d, lda: d, b: xs.base, ldb: d, beta: 0, c: distances, ldc: n)
                    norms.withUnsafeBufferPointer { normsOf in
                        for local in 0..<m {
                            let i = rows.lowerBound + local
                            let row = distances + local * n
                            euclideanFromGram(row, count: n, rowNorm: normsOf[i], norms: normsOf.baseAddress!)
                            row[i] = 0  // a point's distance to itself, exactly
                            for c in 0..<k { sums[c] = rangeSum(row, bounds[c]..<bounds[c + 1]) }
                            out[i] = silhouette(own: clusterOfSorted[i], sums: sums, sizes: sizes)
                        }
                    }
                }
            }
        }
        var result = [Double](repeating: 0, count: n)
        for (position, original) in order.enumerated() { result[original] = inSortedOrder[position] }
        return result
    }

    /// Turns `-2 a·b` entries into `sqrt(max(‖a‖² − 2 a·b + ‖b‖², 0))` in place.
    @inline(__always)
    private static func euclideanFromGram(
        _ row: UnsafeMutablePointer<Double>, count: Int, rowNorm: Double, norms: UnsafePointer<Double>
    ) {
        for j in 0..<count {
            let squared = row[j] + rowNorm + norms[j]
            row[j] = squared > 0 ? squared.squareRoot() : 0
        }
    }

    /// Sum of `row[range]` with four interleaved accumulators (vectorisable).
    @inline(__always)
    private static func rangeSum(_ row: UnsafeMutablePointer<Double>, _ range: Range<Int>) -> Double {
        var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
        var j = range.lowerBound
        while j + 4 <= range.upperBound {
            s0 += row[j]
            s1 += row[j + 1]
            s2 += row[j + 2]
            s3 += row[j + 3]
            j += 4
        }
        while j < range.upperBound {
            s0 += row[j]
            j += 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// s(i) from the point's per-cluster distance sums (which exclude the point itself).
    private static func silhouette(own: Int, sums: [Double], sizes: [Int]) -> Double {
        guard sizes[own] > 1 else { return 0 }
        let a = sums[own] / Double(sizes[own] - 1)
        var b = Double.infinity
        for c in 0..<sizes.count where c != own { b = Swift.min(b, sums[c] / Double(sizes[c])) }
        let denominator = Swift.max(a, b)
        return denominator > 0 ? (b - a) / denominator : 0
    }
}

/// s(i) for every row of `x` under `labels` (see `SilhouetteAnalysis`).
public func silhouetteSamples<Scalar>(of x: Matrix<Scalar>, labels: [Int]) throws -> [Double] {
    try SilhouetteAnalysis(x, labels: labels).samples
}

/// Mean silhouette coefficient of `x` under `labels` (see `SilhouetteAnalysis`).
public func silhouetteScore<Scalar>(of x: Matrix<Scalar>, labels: [Int]) throws -> Double {
    try SilhouetteAnalysis(x, labels: labels).score
}

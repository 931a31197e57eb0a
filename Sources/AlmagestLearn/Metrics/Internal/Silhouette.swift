import AlmagestCore

/// Silhouette coefficients: for point i, `a` = mean distance to the other members of its
/// cluster, `b` = the smallest mean distance to the members of another cluster, and
/// `s(i) = (b - a) / max(a, b)` (0 for a point alone in its cluster). The score is the mean of
/// s(i); per-cluster means feed silhouette plots.
/// Reference: Rousseeuw, "Silhouettes: a graphical aid to the interpretation and validation of
/// cluster analysis" (1987).
///
/// Cost O(n² d) time, but never an n x n matrix. Rows are first gathered in cluster order, so the
/// points of a cluster are contiguous. Then blocks of `blockRows` rows (default 64) are taken
/// against tiles of 2,048 columns: one GEMM (dgemm) per tile gives `-2 a·b`, the tile becomes
/// Euclidean distances `sqrt(max(‖a‖² − 2a·b + ‖b‖², 0))` in place (the same GEMM form as
/// `Distances.squaredDistances` and scikit-learn; a point's distance to itself is set to exactly
/// 0), and each row adds the tile's contiguous per-cluster ranges to its k running sums. A tile
/// (1 MB) stays in cache; memory is O(blockRows x 2048 + blockRows x k) per thread plus O(n d)
/// for the sorted copy. Row blocks run in parallel through `Parallel` and write disjoint rows,
/// with a fixed summation order, so results do not depend on the thread count.
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
    /// number of clusters outside 2...n-1. `blockRows` is the number of rows per parallel block.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public init<Scalar>(_ x: Matrix<Scalar>, labels: [Int], blockRows: Int = 64) throws {
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

    /// Columns per distance tile (blockRows x columnTile doubles stay in cache).
    public static let columnTile = 2_048

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
        let block = requested, tile = columnTile
        let sizes = assignment.sizes
        let clusterOfSorted = order.map { assignment.index[$0] }
        var inSortedOrder = [Double](repeating: 0, count: n)
        inSortedOrder.withUnsafeMutableBufferPointer { outBuffer in
            let out = SharedPointer(outBuffer.baseAddress!)
            sorted.withUnsafeBufferPointer { points in
                let xs = SharedReadPointer(points.baseAddress!)
                Parallel.forEachChunk(count: n, chunkSize: block) { rows, _ in
                    let m = rows.count
                    let distances = UnsafeMutablePointer<Double>.allocate(capacity: m * Swift.min(tile, n))
                    defer { distances.deallocate() }
                    var sums = [Double](repeating: 0, count: m * k)
                    norms.withUnsafeBufferPointer { normsOf in
                        for start in stride(from: 0, to: n, by: tile) {
                            let end = Swift.min(start + tile, n), width = end - start
                            Double.gemm(
                                transposeA: false, transposeB: true, m: m, n: width, k: d, alpha: -2,
                                a: xs.base + rows.lowerBound * d, lda: d, b: xs.base + start * d, ldb: d, beta: 0,
                                c: distances, ldc: width)
                            for local in 0..<m {
                                let i = rows.lowerBound + local
                                let row = distances + local * width
                                euclideanFromGram(row, count: width, rowNorm: normsOf[i], norms: normsOf.baseAddress! + start)
                                if (start..<end).contains(i) { row[i - start] = 0 }  // self-distance, exactly
                                for c in 0..<k where bounds[c] < end && bounds[c + 1] > start {
                                    let range = (Swift.max(bounds[c], start) - start)..<(Swift.min(bounds[c + 1], end) - start)
                                    sums[local * k + c] += rangeSum(row, range)
                                }
                            }
                        }
                    }
                    for local in 0..<m {
                        let i = rows.lowerBound + local
                        out[i] = silhouette(own: clusterOfSorted[i], sums: sums[(local * k)..<(local * k + k)], sizes: sizes)
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
            row[j] = Swift.max(row[j] + rowNorm + norms[j], 0).squareRoot()
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
    private static func silhouette(own: Int, sums: ArraySlice<Double>, sizes: [Int]) -> Double {
        guard sizes[own] > 1 else { return 0 }
        let a = sums[sums.startIndex + own] / Double(sizes[own] - 1)
        var b = Double.infinity
        for c in 0..<sizes.count where c != own { b = Swift.min(b, sums[sums.startIndex + c] / Double(sizes[c])) }
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

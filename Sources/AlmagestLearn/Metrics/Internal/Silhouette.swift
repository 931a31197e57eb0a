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
/// distances to all points come from one GEMM (`Distances.squaredDistances`), and each row only
/// keeps its k per-cluster distance sums. Memory O(block x n + n + k) per thread. Blocks run in
/// parallel through `Parallel` and write disjoint rows, so the result does not depend on the
/// thread count. Distances use the GEMM form `sqrt(‖a‖² − 2a·b + ‖b‖²)` (clamped at 0, a point's
/// distance to itself is excluded), the same form as scikit-learn.
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

    private static func blockedSamples<Scalar>(
        _ x: Matrix<Scalar>, _ assignment: ClusterAssignment, blockRows requested: Int
    ) -> [Double] {
        let n = x.rows, k = assignment.clusterCount
        let block = blockRows(for: n, requested: requested)
        let norms = Distances.Norms(x)
        let index = assignment.index
        let sizes = assignment.sizes
        var result = [Double](repeating: 0, count: n)
        result.withUnsafeMutableBufferPointer { buffer in
            let out = SharedPointer(buffer.baseAddress!)
            Parallel.forEachChunk(count: n, chunkSize: block) { rows, _ in
                let squared = Distances.squaredDistances(rows: rows, of: x, to: x, normsA: norms, normsB: norms)
                var sums = [Double](repeating: 0, count: k)
                squared.withUnsafeBufferPointer { d2 in
                    for local in 0..<rows.count {
                        let i = rows.lowerBound + local
                        for c in 0..<k { sums[c] = 0 }
                        let rowStart = local * n
                        for j in 0..<n where j != i {
                            sums[index[j]] += Double(d2[rowStart + j]).squareRoot()
                        }
                        out[i] = silhouette(own: index[i], sums: sums, sizes: sizes)
                    }
                }
            }
        }
        return result
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

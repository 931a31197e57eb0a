import AlmagestCore

/// A validated labeling of the rows of a data matrix, as the internal validity indices
/// (silhouette, Calinski-Harabasz, Davies-Bouldin) need it: labels are arbitrary integers,
/// re-indexed to `0..<k` in sorted order, with the size of every cluster.
/// The checks happen once here, at the public boundary: finite non-empty data, one label per
/// row, and 2 <= k <= n - 1 clusters (these scores are undefined otherwise). Cost O(n log n).
///
/// ```swift
/// let assignment = try ClusterAssignment(x, labels: [7, 7, 42, 42, 9])
/// assignment.clusterLabels   // [7, 9, 42]
/// assignment.index           // [0, 0, 2, 2, 1]
/// ```
public struct ClusterAssignment: Sendable, Equatable {
    /// Sorted distinct labels.
    public let clusterLabels: [Int]
    /// Position of each point's label in `clusterLabels`.
    public let index: [Int]
    /// Number of points per cluster, in `clusterLabels` order.
    public let sizes: [Int]

    /// Number of clusters k.
    public var clusterCount: Int { clusterLabels.count }
    /// Number of points n.
    public var sampleCount: Int { index.count }

    /// Validates `x` and `labels` for an internal score named `what` and re-indexes the labels.
    /// Throws `FitError.emptyInput`/`.nonFinite` for bad data, `FitError.invalidLabels` when the
    /// label count differs from the row count, and `FitError.invalidParameter` unless 2 <= k <= n - 1.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public init<Scalar>(_ x: Matrix<Scalar>, labels: [Int], for what: String = "clustering score") throws {
        try x.validateForFit("\(what) input")
        guard labels.count == x.rows else {
            throw FitError.invalidLabels(
                reason: "\(what) got \(labels.count) labels for \(x.rows) rows; expected one label per row")
        }
        let distinct = Array(Set(labels)).sorted()
        let n = labels.count, k = distinct.count
        guard k >= 2 && k <= n - 1 else {
            throw FitError.invalidParameter(
                name: "number of clusters in the labels", value: "\(k)",
                expected: "2 <= k <= n - 1 for \(what) with n = \(n) samples")
        }
        var position: [Int: Int] = [:]
        for (i, label) in distinct.enumerated() { position[label] = i }
        let index = labels.map { position[$0]! }
        var sizes = [Int](repeating: 0, count: k)
        for c in index { sizes[c] += 1 }
        self.clusterLabels = distinct
        self.index = index
        self.sizes = sizes
    }

    /// Cluster centroids (k x d) as Double, each the plain mean of its members' rows.
    @_specialize(where Scalar == Double)
    @_specialize(where Scalar == Float)
    public func centroids<Scalar>(of x: Matrix<Scalar>) -> [[Double]] {
        let d = x.columns
        var sums = [[Double]](repeating: [Double](repeating: 0, count: d), count: clusterCount)
        x.withUnsafeBufferPointer { p in
            for i in 0..<x.rows {
                let c = index[i]
                for j in 0..<d { sums[c][j] += Double(p[i * d + j]) }
            }
        }
        for c in 0..<clusterCount {
            let size = Double(sizes[c])
            for j in 0..<d { sums[c][j] /= size }
        }
        return sums
    }
}

import AlmagestCore

/// Davies-Bouldin index: `(1/k) sum_i max_{j != i} (S_i + S_j) / ‖c_i − c_j‖`, where `S_i` is the
/// mean Euclidean distance of cluster i's points to its centroid `c_i`. Lower is better; 0 when
/// every scatter or every centroid distance is (near) zero, as in scikit-learn.
/// Every distance subtracts coordinates directly (no GEMM shortcut), so a singleton cluster has
/// scatter exactly 0; this matches scikit-learn's formula evaluated with direct distances.
/// Reference: Davies & Bouldin, "A cluster separation measure" (1979).
/// Cost O(n d + k² d) time, O(k d) memory.
///
/// ```swift
/// let db = try daviesBouldin(of: x, labels: model.labels)
/// ```
@_specialize(where Scalar == Double)
@_specialize(where Scalar == Float)
public func daviesBouldin<Scalar>(of x: Matrix<Scalar>, labels: [Int]) throws -> Double {
    let assignment = try ClusterAssignment(x, labels: labels, for: "Davies-Bouldin")
    let n = x.rows, d = x.columns, k = assignment.clusterCount
    let centroids = assignment.centroids(of: x)
    var scatter = [Double](repeating: 0, count: k)
    x.withUnsafeBufferPointer { p in
        for i in 0..<n {
            let c = assignment.index[i]
            var squared = 0.0
            for j in 0..<d {
                let diff = Double(p[i * d + j]) - centroids[c][j]
                squared += diff * diff
            }
            scatter[c] += squared.squareRoot()
        }
    }
    for c in 0..<k { scatter[c] /= Double(assignment.sizes[c]) }
    var separation = [[Double]](repeating: [Double](repeating: 0, count: k), count: k)
    for a in 0..<k {
        for b in 0..<k where b != a {
            var squared = 0.0
            for j in 0..<d {
                let diff = centroids[a][j] - centroids[b][j]
                squared += diff * diff
            }
            separation[a][b] = squared.squareRoot()
        }
    }
    let nearZero = 1e-8
    if scatter.allSatisfy({ abs($0) <= nearZero }) || separation.joined().allSatisfy({ abs($0) <= nearZero }) {
        return 0
    }
    var total = 0.0
    for a in 0..<k {
        var worst = 0.0
        for b in 0..<k where b != a && separation[a][b] > 0 {
            worst = Swift.max(worst, (scatter[a] + scatter[b]) / separation[a][b])
        }
        total += worst
    }
    return total / Double(k)
}

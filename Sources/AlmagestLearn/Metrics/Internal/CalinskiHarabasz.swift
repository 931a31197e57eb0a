import AlmagestCore

/// Calinski-Harabasz index (variance ratio criterion): `[tr(B)/(k-1)] / [tr(W)/(n-k)]` with the
/// between-cluster dispersion `tr(B) = sum_k n_k ‖c_k − c‖²` and the within-cluster dispersion
/// `tr(W) = sum_i ‖x_i − c_k(i)‖²`. Higher is better; 1 when tr(W) = 0 (as scikit-learn).
/// Reference: Caliński & Harabasz, "A dendrite method for cluster analysis" (1974).
/// Cost O(n d) time, O(k d) memory.
///
/// ```swift
/// let ch = try calinskiHarabasz(of: x, labels: model.labels)
/// ```
@_specialize(where Scalar == Double)
@_specialize(where Scalar == Float)
public func calinskiHarabasz<Scalar>(of x: Matrix<Scalar>, labels: [Int]) throws -> Double {
    let assignment = try ClusterAssignment(x, labels: labels, for: "Calinski-Harabasz")
    let n = x.rows, d = x.columns, k = assignment.clusterCount
    let centroids = assignment.centroids(of: x)
    var mean = [Double](repeating: 0, count: d)
    x.withUnsafeBufferPointer { p in
        for i in 0..<n { for j in 0..<d { mean[j] += Double(p[i * d + j]) } }
    }
    for j in 0..<d { mean[j] /= Double(n) }
    var between = 0.0, within = 0.0
    for c in 0..<k {
        var squared = 0.0
        for j in 0..<d {
            let diff = centroids[c][j] - mean[j]
            squared += diff * diff
        }
        between += Double(assignment.sizes[c]) * squared
    }
    x.withUnsafeBufferPointer { p in
        for i in 0..<n {
            let centroid = centroids[assignment.index[i]]
            for j in 0..<d {
                let diff = Double(p[i * d + j]) - centroid[j]
                within += diff * diff
            }
        }
    }
    if within == 0 { return 1 }
    return between * Double(n - k) / (within * (Double(k) - 1))
}

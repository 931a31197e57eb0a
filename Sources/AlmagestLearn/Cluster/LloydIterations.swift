import AlmagestCore

/// Lloyd's iterations for one k-means restart: assign every row to its nearest centroid (GEMM
/// distances over blocks of rows), move each centroid to the mean of its rows, until the squared
/// centroid shift drops below the scaled tolerance or no label changes.
///
/// Empty clusters take the rows farthest from their current centroids, as scikit-learn does.
/// Cost O(k n d) per iteration; memory O(block · k + k · d).
struct LloydProblem: Sendable {
    let x: Matrix<Double>
    let norms: Distances.Norms<Double>
    /// Tolerance scaled by the mean feature variance.
    let shiftTolerance: Double
    let maxIterations: Int

    init(x: Matrix<Double>, tolerance: Double, maxIterations: Int) {
        self.x = x
        self.norms = Distances.Norms(x)
        let variances = x.variance(axis: .rows).elements
        self.shiftTolerance = tolerance * variances.reduce(0, +) / Double(max(variances.count, 1))
        self.maxIterations = maxIterations
    }

    func run(from start: Matrix<Double>) -> KMeansModel {
        var centroids = start
        var labels = [Int](repeating: -1, count: x.rows)
        var minDistances = [Double](repeating: 0, count: x.rows)
        var iterations = 0
        var converged = false
        while iterations < maxIterations {
            iterations += 1
            FitProgress.report("k-means iteration \(iterations)")
            let changed = assign(centroids, labels: &labels, distances: &minDistances)
            if !changed && iterations > 1 {
                converged = true
                break
            }
            let updated = update(labels: labels, distances: minDistances, previous: centroids)
            let shift = updated.storageDifference(centroids)
            centroids = updated
            if shift <= shiftTolerance {
                converged = true
                break
            }
        }
        // Final assignment, so labels and inertia match the returned centroids.
        _ = assign(centroids, labels: &labels, distances: &minDistances)
        let inertia = minDistances.reduce(0, +)
        return KMeansModel(
            centroids: centroids, labels: labels, inertia: inertia, iterations: iterations, hasConverged: converged)
    }

    // MARK: - Private

    /// Nearest centroid of every row; returns true when a label changed.
    private func assign(_ centroids: Matrix<Double>, labels: inout [Int], distances: inout [Double]) -> Bool {
        let n = x.rows, k = centroids.rows, d = x.columns
        let centroidNorms = centroids.rowSquaredNorms()
        let block = 2048
        var scratch = [Double](repeating: 0, count: min(block, n) * k)
        var changed = false
        x.withUnsafeBufferPointer { px in
            centroids.withUnsafeBufferPointer { pc in
                scratch.withUnsafeMutableBufferPointer { s in
                    var start = 0
                    while start < n {
                        let rows = min(block, n - start)
                        Double.gemm(
                            transposeA: false, transposeB: true, m: rows, n: k, k: d, alpha: -2,
                            a: px.baseAddress! + start * d, lda: d, b: pc.baseAddress!, ldb: d, beta: 0,
                            c: s.baseAddress!, ldc: k)
                        for r in 0..<rows {
                            let i = start + r
                            var best = 0
                            var bestValue = Double.infinity
                            for j in 0..<k {
                                let v = s[r * k + j] + centroidNorms[j]
                                if v < bestValue {
                                    bestValue = v
                                    best = j
                                }
                            }
                            if labels[i] != best {
                                labels[i] = best
                                changed = true
                            }
                            distances[i] = Swift.max(bestValue + norms.values[i], 0)
                        }
                        start += rows
                    }
                }
            }
        }
        return changed
    }

    /// Means of the rows of each cluster; empty clusters are re-seeded with far-away rows.
    private func update(labels: [Int], distances: [Double], previous: Matrix<Double>) -> Matrix<Double> {
        let k = previous.rows, d = x.columns
        var sums = [Double](repeating: 0, count: k * d)
        var counts = [Int](repeating: 0, count: k)
        x.withUnsafeBufferPointer { px in
            for i in 0..<x.rows {
                let c = labels[i]
                counts[c] += 1
                let row = px.baseAddress! + i * d
                for j in 0..<d { sums[c * d + j] += row[j] }
            }
        }
        let empty = (0..<k).filter { counts[$0] == 0 }
        if !empty.isEmpty {
            // Farthest rows first (ties by index), each moved into one empty cluster.
            let far = (0..<x.rows).sorted { distances[$0] != distances[$1] ? distances[$0] > distances[$1] : $0 < $1 }
            for (slot, c) in empty.enumerated() where slot < far.count {
                let i = far[slot]
                let old = labels[i]
                for j in 0..<d {
                    sums[old * d + j] -= x[i, j]
                    sums[c * d + j] = x[i, j]
                }
                counts[old] -= 1
                counts[c] = 1
            }
        }
        var out = Matrix<Double>(rows: k, columns: d)
        for c in 0..<k {
            for j in 0..<d { out[c, j] = counts[c] > 0 ? sums[c * d + j] / Double(counts[c]) : previous[c, j] }
        }
        return out
    }
}

extension Matrix where Scalar == Double {
    /// Sum of squared element differences (shapes assumed equal).
    fileprivate func storageDifference(_ other: Matrix<Double>) -> Double {
        var s = 0.0
        for i in 0..<count {
            let t = elements[i] - other.elements[i]
            s += t * t
        }
        return s
    }
}

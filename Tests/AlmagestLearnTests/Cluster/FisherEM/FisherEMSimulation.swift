import AlmagestCore

/// A DLM mixture with a known discriminative subspace: three classes whose latent means and
/// covariances live in a 2-D subspace of R^p spanned by a random orthonormal U (p x 2), unit
/// isotropic noise in the other p − 2 directions, and a constant offset on every feature.
struct FisherEMSimulation {
    let x: Matrix<Double>
    let labels: [Int]
    let subspace: Matrix<Double>

    init(perClass: Int = 80, features p: Int = 20, seed: Int = 5) {
        var rng = RandomStream(seed: seed)
        let u = randomOrthonormal(rows: p, columns: 2, rng: &rng)
        let latentMeans: [[Double]] = [[0, 0], [7, 0], [3.5, 6]]
        let latentDeviations: [[Double]] = [[1, 0.6], [0.8, 1.2], [1.1, 0.9]]
        var rows: [[Double]] = []
        var labels: [Int] = []
        for c in 0..<3 {
            for _ in 0..<perClass {
                let y = (0..<2).map { latentMeans[c][$0] + latentDeviations[c][$0] * rng.nextNormal() }
                var e = (0..<p).map { _ in rng.nextNormal() }
                // Remove the noise's component inside the subspace: (I − UUᵀ)ε.
                for a in 0..<2 {
                    let dot = (0..<p).reduce(0.0) { $0 + u[$1, a] * e[$1] }
                    for j in 0..<p { e[j] -= dot * u[j, a] }
                }
                rows.append((0..<p).map { j in 5 + u[j, 0] * y[0] + u[j, 1] * y[1] + e[j] })
                labels.append(c)
            }
        }
        x = try! Matrix(rows)
        self.labels = labels
        subspace = u
    }
}

/// A p x d matrix with orthonormal columns (Gram-Schmidt on normal draws).
func randomOrthonormal(rows p: Int, columns d: Int, rng: inout RandomStream) -> Matrix<Double> {
    var columns: [[Double]] = []
    while columns.count < d {
        var v = (0..<p).map { _ in rng.nextNormal() }
        for u in columns {
            let dot = zip(u, v).reduce(0.0) { $0 + $1.0 * $1.1 }
            for j in 0..<p { v[j] -= dot * u[j] }
        }
        let norm = v.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        columns.append(v.map { $0 / norm })
    }
    return Matrix(rows: p, columns: d) { i, c in columns[c][i] }
}

/// A soft partition: each row's posterior leans on its label but is never 0 or 1.
func softPartition(_ labels: [Int], clusters k: Int, seed: Int) -> Matrix<Double> {
    var rng = RandomStream(seed: seed)
    var t = Matrix<Double>(rows: labels.count, columns: k)
    for (i, label) in labels.enumerated() {
        var row = (0..<k).map { _ in 0.05 + rng.nextDouble() }
        row[label] += 2
        let s = row.reduce(0, +)
        for c in 0..<k { t[i, c] = row[c] / s }
    }
    return t
}

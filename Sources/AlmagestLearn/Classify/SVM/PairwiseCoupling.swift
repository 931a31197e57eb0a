import Foundation

/// Class probabilities from pairwise ones, by the second method of Wu, Lin & Weng ("Probability
/// estimates for multi-class classification by pairwise coupling", JMLR 2004): p minimises
/// Σ_i Σ_{j≠i} (r_ji p_i − r_ij p_j)² subject to Σ p = 1, p ≥ 0, where r_ij estimates
/// P(y = i | y ∈ {i, j}). The minimiser solves [Q e; eᵀ 0][p; b] = [0; 1] with
/// Q_ii = Σ_{j≠i} r_ji², Q_ij = −r_ji r_ij; it is found by the paper's fixed-point iteration,
/// which keeps p on the simplex, until max_t |(Qp)_t − pᵀQp| < 0.005 / k (at most max(100, k)
/// sweeps). Cost: O(k²) per sweep.
///
/// For two classes the minimiser is r itself, returned as is (as libsvm since 3.24; scikit-learn's
/// older libsvm runs the iteration there too, whose stopping rule leaves up to 0.0025 of error).
///
/// ```swift
/// let p = PairwiseCoupling.probabilities(r)      // r[i][j] = P(i | i or j), r[j][i] = 1 − r[i][j]
/// ```
enum PairwiseCoupling {
    static func probabilities(_ r: [[Double]]) -> [Double] {
        switch r.count {
        case 1: return [1]
        case 2: return [r[0][1], r[1][0]]
        default: return iterated(r)
        }
    }

    /// The fixed-point iteration itself, for any k ≥ 2.
    static func iterated(_ r: [[Double]]) -> [Double] {
        let k = r.count
        var q = Array(repeating: Array(repeating: 0.0, count: k), count: k)
        for t in 0..<k {
            for j in 0..<k where j != t {
                q[t][t] += r[j][t] * r[j][t]
                q[t][j] = -r[j][t] * r[t][j]
            }
        }
        var p = Array(repeating: 1 / Double(k), count: k)
        var qp = Array(repeating: 0.0, count: k)
        let (maxSweeps, epsilon) = (Swift.max(100, k), 0.005 / Double(k))
        for _ in 0..<maxSweeps {
            var pqp = 0.0
            for t in 0..<k {
                qp[t] = 0
                for j in 0..<k { qp[t] += q[t][j] * p[j] }
                pqp += p[t] * qp[t]
            }
            var largestError = 0.0
            for t in 0..<k { largestError = Swift.max(largestError, abs(qp[t] - pqp)) }
            if largestError < epsilon { break }
            for t in 0..<k {
                let change = (-qp[t] + pqp) / q[t][t]
                p[t] += change
                let scale = 1 + change
                pqp = (pqp + change * (change * q[t][t] + 2 * qp[t])) / (scale * scale)
                for j in 0..<k {
                    qp[j] = (qp[j] + change * q[t][j]) / scale
                    p[j] /= scale
                }
            }
        }
        return p
    }
}

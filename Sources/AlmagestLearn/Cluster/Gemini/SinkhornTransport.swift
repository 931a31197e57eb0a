import AlmagestCore
import Foundation

/// Entropic optimal transport by Sinkhorn's iterations in the log domain (Cuturi, "Sinkhorn
/// distances", NeurIPS 2013, eq. 2; log-domain updates as in Peyré & Cuturi, "Computational
/// Optimal Transport", 2019, eqs. 4.43–4.44, Remark 4.22): with regularisation ε > 0,
/// f_i = −ε log Σ_j b_j exp((g_j − C_ij)/ε) and g_j = −ε log Σ_i a_i exp((f_i − C_ij)/ε),
/// alternated until the column marginals are within `tolerance` (L1). The log-sum-exp is
/// stabilised by its maximum, so small ε neither under- nor overflows.
///
/// The value returned is the dual objective Σ a_i f_i + Σ b_j g_j (which equals
/// ⟨P, C⟩ + ε KL(P ‖ a bᵀ) at convergence) and its gradient in a is f, exactly (up to the
/// convergence tolerance) — so the GEMINI built on it has an exact gradient, unlike a gradient
/// of the un-regularised plan cost. As ε → 0 the value tends to the exact transport cost, with a
/// bias of order ε log(m n). Cost: O(m n) per iteration, no simplex pivots: for batches larger
/// than a few hundred points.
///
/// ```swift
/// let s = try SinkhornTransport(regularization: 0.05).solve(a: a, b: b, cost: c)
/// s.cost, s.u, s.v
/// ```
public struct SinkhornTransport: Sendable, Equatable {
    /// ε, in the units of the cost.
    public var regularization: Double
    public var maxIterations: Int
    /// Stop when the L1 error of the column marginals is below this.
    public var tolerance: Double

    public init(regularization: Double, maxIterations: Int = 10_000, tolerance: Double = 1e-12) {
        self.regularization = regularization
        self.maxIterations = maxIterations
        self.tolerance = tolerance
    }

    /// Solves for masses `a` (m) and `b` (n) of equal totals, costs `cost` (m x n). The result's
    /// `optimal` says whether the tolerance was reached within `maxIterations`.
    public func solve(a: [Double], b: [Double], cost: Matrix<Double>) throws -> ExactTransport.Solution {
        let m = a.count, n = b.count
        guard regularization > 0, regularization.isFinite else {
            throw FitError.invalidParameter(name: "regularization", value: "\(regularization)", expected: "a finite number > 0")
        }
        guard m > 0, n > 0, cost.rows == m, cost.columns == n else {
            throw FitError.invalidParameter(
                name: "transport cost", value: "\(cost.rows) x \(cost.columns)", expected: "\(m) x \(n) (masses' lengths), both > 0")
        }
        guard a.allSatisfy({ $0 >= 0 && $0.isFinite }), b.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw FitError.invalidParameter(name: "transport masses", value: "negative or non-finite", expected: "finite masses ≥ 0")
        }
        let c = cost.withUnsafeBufferPointer { Array($0) }
        let eps = regularization
        let logA = a.map { $0 > 0 ? Foundation.log($0) : -Double.infinity }
        let logB = b.map { $0 > 0 ? Foundation.log($0) : -Double.infinity }
        var f = [Double](repeating: 0, count: m), g = [Double](repeating: 0, count: n)
        var terms = [Double](repeating: 0, count: max(m, n))
        var iterations = 0, converged = false
        while iterations < maxIterations {
            iterations += 1
            for i in 0..<m { f[i] = -eps * Self.logSumExp(n, &terms) { j in logB[j] + (g[j] - c[i * n + j]) / eps } }
            // Column marginals of the plan after the f update (before g's).
            var error = 0.0
            for j in 0..<n {
                let logColumn = Self.logSumExp(m, &terms) { i in logA[i] + (f[i] - c[i * n + j]) / eps }
                error += abs(Foundation.exp(logColumn + g[j] / eps) - b[j])
                g[j] = -eps * logColumn
            }
            if error < tolerance { converged = true; break }
        }
        // A last f update so the row marginals hold exactly and Σ a f + Σ b g is the dual value.
        for i in 0..<m { f[i] = -eps * Self.logSumExp(n, &terms) { j in logB[j] + (g[j] - c[i * n + j]) / eps } }
        var value = 0.0
        for i in 0..<m where a[i] > 0 { value += a[i] * f[i] }
        for j in 0..<n where b[j] > 0 { value += b[j] * g[j] }
        return ExactTransport.Solution(cost: value, u: f, v: g, optimal: converged, pivots: iterations)
    }
}

// MARK: - Private

extension SinkhornTransport {
    /// log Σ_k exp(term(k)) over k < count, stabilised by the maximum (−∞ terms skipped).
    @inline(__always)
    fileprivate static func logSumExp(_ count: Int, _ buffer: inout [Double], _ term: (Int) -> Double) -> Double {
        var top = -Double.infinity
        for k in 0..<count {
            let t = term(k)
            buffer[k] = t
            if t > top { top = t }
        }
        guard top > -Double.infinity else { return -Double.infinity }
        var sum = 0.0
        for k in 0..<count { sum += Foundation.exp(buffer[k] - top) }
        return top + Foundation.log(sum)
    }
}

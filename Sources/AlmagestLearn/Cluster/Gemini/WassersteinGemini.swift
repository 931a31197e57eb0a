import AlmagestCore
import Foundation

/// The Wasserstein GEMINI (Ohl et al., "Generalised mutual information for discriminative
/// clustering", NeurIPS 2022, §3 and eq. 5): how far apart, in optimal-transport cost over a
/// distance between samples, the clusters' distributions are — one-vs-all (each cluster against
/// the whole data) or one-vs-one (every pair) — as a function of the soft assignments Y (n x K),
/// with its gradient d value / d Y.
///
/// With π_k = mean_i Y_ik and w_k = Y_·k / (n π_k) (a probability vector over the n samples),
/// one-vs-all: value = Σ_k π_k W(w_k, 1/n); one-vs-one: value = Σ_k Σ_l π_k π_l W(w_k, w_l)
/// (ordered pairs). Y is clipped to [ε, 1 − ε] (ε = 1e-12), the gradient of a clipped entry is 0.
///
/// W is the exact transport cost (`ExactTransport`, for batches up to a few hundred samples) or
/// the entropic one (`SinkhornTransport`, log domain, for larger batches; biased by O(ε log n)).
/// The gradient comes from the dual potentials f of each problem (dW/dw = f up to a constant):
/// d W(w_k, ·) / d Y_jk = (f_j − w_k·f) / (n π_k), plus the π terms; it is unique where the
/// transport problem is non-degenerate (for soft Y, generically). Cost: K (one-vs-all) or
/// K(K − 1)/2 (one-vs-one) transport problems of n x n, plus O(n² d) for Euclidean distances.
///
/// ```swift
/// let objective = WassersteinGemini(ovo: true)
/// let d = WassersteinGemini.euclideanDistances(x)
/// let (value, gradient) = try objective.evaluate(y, distances: d)
/// ```
public struct WassersteinGemini: Sendable, Equatable {
    /// How each transport problem is solved.
    public enum Transport: Codable, Sendable, Equatable {
        case exact
        /// Entropic, with regularisation ε in the units of the distances.
        case sinkhorn(regularization: Double)
    }

    /// One-vs-one (every pair of clusters) or one-vs-all.
    public var ovo: Bool
    public var transport: Transport
    /// Clipping of Y.
    public var epsilon: Double

    public init(ovo: Bool, transport: Transport = .exact, epsilon: Double = 1e-12) {
        self.ovo = ovo
        self.transport = transport
        self.epsilon = epsilon
    }

    /// Euclidean distances between the rows of `x` (n x n), by explicit differences so the
    /// diagonal is exactly 0 (a Gram-matrix formula would leave √rounding ≈ 1e-8 there).
    public static func euclideanDistances(_ x: Matrix<Double>) -> Matrix<Double> {
        let n = x.rows, d = x.columns
        return x.withUnsafeBufferPointer { p in
            var out = Matrix<Double>(rows: n, columns: n)
            for i in 0..<n {
                for j in (i + 1)..<max(n, i + 1) {
                    var s = 0.0
                    for t in 0..<d { let e = p[i * d + t] - p[j * d + t]; s += e * e }
                    let r = s.squareRoot()
                    out[i, j] = r
                    out[j, i] = r
                }
            }
            return out
        }
    }

    /// The value and its gradient with respect to Y, for distances `distances` (n x n) between
    /// the samples. Throws `FitError` when the shapes disagree.
    public func evaluate(_ y: Matrix<Double>, distances: Matrix<Double>) throws -> (value: Double, gradient: Matrix<Double>) {
        let n = y.rows, k = y.columns
        guard distances.rows == n, distances.columns == n, n > 0, k > 0 else {
            throw FitError.invalidParameter(
                name: "cluster probabilities", value: "\(n) x \(k)",
                expected: "one row per sample of the \(distances.rows) x \(distances.columns) distances")
        }
        let clipped = y.map { min(max($0, epsilon), 1 - epsilon) }
        let nd = Double(n)
        let pi = (0..<k).map { c in (0..<n).reduce(0.0) { $0 + clipped[$1, c] } / nd }
        let weights = (0..<k).map { c in (0..<n).map { clipped[$0, c] / (nd * pi[c]) } }
        var h = Matrix<Double>(rows: n, columns: k)  // the w-part of the gradient
        var piGradient = [Double](repeating: 0, count: k)
        var value = 0.0
        /// Adds `scale` · d W / d Y_·c from potentials `f` of cluster c's side.
        func addPotential(_ f: [Double], cluster c: Int, scale: Double) {
            let mean = zip(weights[c], f).reduce(0.0) { $0 + $1.0 * $1.1 }
            for j in 0..<n { h[j, c] += scale * (f[j] - mean) / (nd * pi[c]) }
        }
        if ovo {
            for a in 0..<k {
                for b in (a + 1)..<max(k, a + 1) {
                    let s = try solve(weights[a], weights[b], distances)
                    value += 2 * pi[a] * pi[b] * s.cost
                    piGradient[a] += 2 * pi[b] * s.cost
                    piGradient[b] += 2 * pi[a] * s.cost
                    addPotential(s.u, cluster: a, scale: 2 * pi[a] * pi[b])
                    addPotential(s.v, cluster: b, scale: 2 * pi[a] * pi[b])
                }
            }
        } else {
            let uniform = [Double](repeating: 1 / nd, count: n)
            for c in 0..<k {
                let s = try solve(weights[c], uniform, distances)
                value += pi[c] * s.cost
                piGradient[c] = s.cost
                addPotential(s.u, cluster: c, scale: pi[c])
            }
        }
        var gradient = Matrix<Double>(rows: n, columns: k)
        for i in 0..<n {
            for c in 0..<k where y[i, c] > epsilon && y[i, c] < 1 - epsilon {
                gradient[i, c] = piGradient[c] / nd + h[i, c]
            }
        }
        return (value, gradient)
    }

    // MARK: - Private

    private func solve(_ a: [Double], _ b: [Double], _ cost: Matrix<Double>) throws -> ExactTransport.Solution {
        switch transport {
        case .exact: return try ExactTransport().solve(a: a, b: b, cost: cost)
        case let .sinkhorn(regularization): return try SinkhornTransport(regularization: regularization).solve(a: a, b: b, cost: cost)
        }
    }
}

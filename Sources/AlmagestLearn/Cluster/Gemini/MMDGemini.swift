import AlmagestCore
import Foundation

/// The MMD GEMINI (Ohl et al., "Generalised mutual information for discriminative clustering",
/// NeurIPS 2022): how far apart, in a kernel's feature space, the clusters' distributions are —
/// one-vs-all (each cluster against the whole data) or one-vs-one (every pair) — as a function of
/// the soft assignments Y (n x K, rows on the simplex), with its gradient d value / d Y.
///
/// With π_k = mean_i Y_ik, α_ik = Y_ik / π_k and K̃ = K / n²:
/// - one-vs-all: δ_k² = α_kᵀ K̃ α_k − 2·1ᵀ K̃ α_k + 1ᵀ K̃ 1 (clamped at 0), value = Σ_k π_k δ_k;
/// - one-vs-one: Ω = αᵀ K̃ α, D_kl = √max(Ω_kk + Ω_ll − 2Ω_kl, 0), value = Σ_k Σ_l π_k π_l D_kl.
/// Y is clipped to [ε, 1 − ε] (ε = 1e-12) and the gradient of a clipped entry is 0, as gemclus.
/// The gradient treats every entry of Y as free (π moves with Y): d value / d Y_jk =
/// ∂_π + H_jk / π_k − Σ_i H_ik Y_ik / (n π_k²), with H = d value / d α (derivation in the doc of
/// `evaluate`); the row-centred part is what a softmax model uses.
///
/// Affinities: a kernel matrix (`.gram`), or — for the linear kernel — the features themselves
/// (`.features`): K̃ α = X (Xᵀ α) / n², so no n x n matrix is ever formed and a step costs O(n d K)
/// instead of O(n² K). Cost with a Gram matrix: O(n² K) (one GEMM), plus O(n K²).
///
/// ```swift
/// let objective = MMDGemini(ovo: true)
/// let (value, gradient) = try objective.evaluate(y, affinity: .features(x))   // linear kernel
/// ```
public struct MMDGemini: Sendable, Equatable {
    /// One-vs-one (every pair of clusters) or one-vs-all.
    public var ovo: Bool
    /// Clipping of Y.
    public var epsilon: Double

    public init(ovo: Bool, epsilon: Double = 1e-12) {
        self.ovo = ovo
        self.epsilon = epsilon
    }

    /// What the kernel products are taken from.
    public enum Affinity: Sendable {
        /// The linear kernel of these rows, never formed: products go through the features.
        case features(Matrix<Double>)
        /// A kernel (Gram) matrix, n x n.
        case gram(Matrix<Double>)
        /// A kernel matrix kept in single precision: products by SGEMM, read back in double.
        case singlePrecisionGram(Matrix<Float>)

        var count: Int {
            switch self {
            case let .features(x): return x.rows
            case let .gram(k): return k.rows
            case let .singlePrecisionGram(k): return k.rows
            }
        }

        /// K α / n² and 1ᵀ... : `kernelTimes(a)` = K a (n x m) for an n x m matrix a.
        func kernelTimes(_ a: Matrix<Double>) throws -> Matrix<Double> {
            switch self {
            case let .features(x): return try x * Matrix.product(x, transposed: true, a)
            case let .gram(k): return try k * a
            case let .singlePrecisionGram(k): return try (k * a.converted(to: Float.self)).converted(to: Double.self)
            }
        }
    }

    /// The value and its gradient with respect to Y. Throws `FitError` when the shapes disagree.
    ///
    /// Derivation (H = d value / d α): one-vs-all, H_k = π_k (K̃ α_k − K̃ 1) / δ_k (0 where δ_k = 0),
    /// and ∂value/∂π_k = δ_k. One-vs-one, with W_kl = π_k π_l / (2 D_kl) (0 where D_kl = 0) and
    /// G = 2 diag(W 1) − 2W, H = 2 K̃ α G, and ∂value/∂π_k = 2 Σ_l π_l D_kl. Then, since
    /// α_ik = Y_ik / π_k and π_k = Σ_i Y_ik / n, d value / d Y_jk = (∂value/∂π_k) / n + H_jk / π_k
    /// − Σ_i H_ik Y_ik / (n π_k²).
    public func evaluate(_ y: Matrix<Double>, affinity: Affinity) throws -> (value: Double, gradient: Matrix<Double>) {
        let n = y.rows, k = y.columns
        guard affinity.count == n, n > 0, k > 0 else {
            throw FitError.invalidParameter(
                name: "cluster probabilities", value: "\(n) x \(k)", expected: "one row per sample of the affinity (\(affinity.count))")
        }
        let nd = Double(n)
        // Flat row-major copies (n x k): the loops below are O(n K²) and run every step.
        let clipped = y.withUnsafeBufferPointer { yb in yb.map { min(max($0, epsilon), 1 - epsilon) } }
        var pi = [Double](repeating: 0, count: k)
        for i in 0..<n { for c in 0..<k { pi[c] += clipped[i * k + c] } }
        for c in 0..<k { pi[c] /= nd }
        // K̃ α, and for one-vs-all K̃ 1 in the same product (the last column is the ones).
        let width = ovo ? k : k + 1
        var augmented = Matrix<Double>(rows: n, columns: width)
        augmented.withUnsafeMutableBufferPointer { a in
            for i in 0..<n {
                for c in 0..<k { a[i * width + c] = clipped[i * k + c] / pi[c] }
                if !ovo { a[i * width + k] = 1 }
            }
        }
        let scale = 1 / (nd * nd)
        let product = try affinity.kernelTimes(augmented).withUnsafeBufferPointer { $0.map { $0 * scale } }  // n x width
        let alpha = augmented.withUnsafeBufferPointer { Array($0) }
        var h = [Double](repeating: 0, count: n * k)
        var piGradient = [Double](repeating: 0, count: k)
        var value = 0.0
        if ovo {
            // Ω = αᵀ K̃ α.
            var omega = [Double](repeating: 0, count: k * k)
            for i in 0..<n {
                for a in 0..<k {
                    let alphaIA = alpha[i * k + a]
                    for b in 0..<k { omega[a * k + b] += alphaIA * product[i * k + b] }
                }
            }
            var weights = [Double](repeating: 0, count: k * k)
            for a in 0..<k {
                for b in 0..<k where a != b {
                    let d = max(omega[a * k + a] + omega[b * k + b] - 2 * omega[a * k + b], 0).squareRoot()
                    value += pi[a] * pi[b] * d
                    piGradient[a] += 2 * pi[b] * d
                    weights[a * k + b] = d > 0 ? pi[a] * pi[b] / (2 * d) : 0
                }
            }
            var g = [Double](repeating: 0, count: k * k)
            for a in 0..<k {
                let rowSum = (0..<k).reduce(0.0) { $0 + weights[a * k + $1] }
                for b in 0..<k { g[a * k + b] = (a == b ? 2 * rowSum : 0) - 2 * weights[a * k + b] }
            }
            for i in 0..<n {
                for b in 0..<k {
                    let p = 2 * product[i * k + b]
                    for c in 0..<k { h[i * k + c] += p * g[b * k + c] }
                }
            }
        } else {
            var whole = 0.0  // 1ᵀ K̃ 1
            for i in 0..<n { whole += product[i * width + k] }
            for c in 0..<k {
                var square = whole
                for i in 0..<n {
                    square += alpha[i * width + c] * product[i * width + c] - 2 * product[i * width + k] * alpha[i * width + c]
                }
                let delta = max(square, 0).squareRoot()
                value += pi[c] * delta
                piGradient[c] = delta
                if delta > 0 {
                    for i in 0..<n { h[i * k + c] = pi[c] * (product[i * width + c] - product[i * width + k]) / delta }
                }
            }
        }
        var weighted = [Double](repeating: 0, count: k)
        for i in 0..<n { for c in 0..<k { weighted[c] += h[i * k + c] * clipped[i * k + c] } }
        var gradient = Matrix<Double>(rows: n, columns: k)
        y.withUnsafeBufferPointer { yb in
            gradient.withUnsafeMutableBufferPointer { out in
                for c in 0..<k {
                    let shared = piGradient[c] / nd - weighted[c] / (nd * pi[c] * pi[c])
                    for i in 0..<n {
                        let inside = yb[i * k + c] > epsilon && yb[i * k + c] < 1 - epsilon
                        out[i * k + c] = inside ? shared + h[i * k + c] / pi[c] : 0
                    }
                }
            }
        }
        return (value, gradient)
    }
}

import AlmagestCore

/// The M-step and E-step of Fisher-EM for a fixed subspace U, in log space.
///
/// Reference: Bouveyron & Brunet (2012), Section 2.1 (the DLM model) and Section 3 (E-step,
/// M-step). In the model, `x = U·y + ε` with the data centred: class k's mean lies in the
/// subspace, `x̄ + U·(μ_k − Uᵀx̄)` with `μ_k = Uᵀm_k`, and its covariance is
/// `U·Σ_k·Uᵀ + β_k·(I − U·Uᵀ)`; with `y = Uᵀx`,
/// `−2·log(π_k·f_k(x)) = (y − μ_k)ᵀΣ_k⁻¹(y − μ_k) + ‖(I − UUᵀ)(x − x̄)‖²/β_k + log|Σ_k|
///  + (p − d)·log β_k − 2·log π_k + p·log 2π` (the cost function Γ_k of the paper's E-step).
/// The residual outside the subspace is the same for every class,
/// `‖(I − UUᵀ)(x − x̄)‖² = ‖x − x̄‖² − ‖Uᵀ(x − x̄)‖²`, so an iteration needs the n x d projection (one
/// GEMM) and nothing per sample beyond O(K·d²): no p x p matrix. Posteriors and the
/// log-likelihood use log-sum-exp over classes, so nothing underflows even when each log-density
/// is near −10⁵ (3,600 dimensions).
///
/// The M-step maximises the expected complete log-likelihood of this model for the given U:
/// proportions, latent means and Σ_k as in the paper, and
/// `β_k = Σ_i t_ik·‖(I − UUᵀ)(x_i − x̄)‖² / (n_k·(p − d))`, the maximum-likelihood value of the
/// model whose noise is centred on x̄ (the paper writes trace(C_k) − Σ_j u_jᵀC_k·u_j with C_k centred
/// on the class mean, which is not the maximiser of that model). The R package instead centres the
/// noise on each class mean m_k in its E-step, which makes the complement of the subspace
/// discriminative as well and the fit close to k-means in the full space; and it divides by
/// n_k − 1. With exact maximisation an E-step followed by an M-step never decreases the likelihood
/// while U is fixed. Cost per iteration: O(n·p·(K + d)) through GEMM plus O(n·K·d²).
struct FisherEMSteps: Sendable {
    let x: Matrix<Double>
    let subspace: FisherSubspace
    let model: FisherEM.DLM

    /// Everything one M-step yields, with the n x d projection and the residuals outside the
    /// subspace that the next E-step reuses.
    struct Estimate: Sendable {
        var parameters: FisherEMParameters
        var projected: Matrix<Double>
        var residuals: [Double]
    }

    /// Class sizes n_k and means m_k (K x p) of the soft partition `t` (n x K).
    func classMeans(_ t: Matrix<Double>) -> (counts: [Double], means: Matrix<Double>) {
        let counts = t.sum(axis: .rows).elements
        var means = FisherEMProducts.transposedProduct(t, x)
        means.withUnsafeMutableBufferPointer { m in
            let p = x.columns
            for c in 0..<counts.count { for j in 0..<p { m[c * p + j] /= counts[c] } }
        }
        return (counts, means)
    }

    /// The M-step for subspace `u` (p x d) and soft partition `t`.
    func maximize(t: Matrix<Double>, counts: [Double], means: Matrix<Double>, u: Matrix<Double>) -> Estimate {
        let (n, p, k, d) = (x.rows, x.columns, t.columns, u.columns)
        let total = counts.reduce(0, +)
        let proportions = counts.map { $0 / total }
        let projected = FisherEMProducts.product(x, u)                                    // n x d
        let latentMeans = try! Matrix.product(means, u)                                     // K x d
        let residuals = Self.residuals(projected: projected, subspace: u, center: subspace.center,
                                       centeredSquaredNorms: subspace.centeredSquaredNorms)
        var raw = [Matrix<Double>](repeating: Matrix(rows: d, columns: d), count: k)
        var noise = [Double](repeating: 0, count: k)
        for c in 0..<k {
            var sigma = [Double](repeating: 0, count: d * d)
            var outside = 0.0
            var diff = [Double](repeating: 0, count: d)
            for i in 0..<n {
                let w = t[i, c]
                if w == 0 { continue }
                for a in 0..<d { diff[a] = projected[i, a] - latentMeans[c, a] }
                for a in 0..<d { for b in 0...a { sigma[a * d + b] += w * diff[a] * diff[b] } }
                outside += w * residuals[i]
            }
            for a in 0..<d { for b in 0...a { sigma[a * d + b] /= counts[c]; sigma[b * d + a] = sigma[a * d + b] } }
            raw[c] = try! Matrix(rows: d, columns: d, elements: sigma)
            noise[c] = outside / (counts[c] * Double(p - d))
        }
        let floor = 1e-10 * subspace.meanVariance
        let (latent, betas) = model.constrain(raw: raw, noise: noise, proportions: proportions)
        let parameters = FisherEMParameters(
            proportions: proportions, means: means, center: subspace.center, subspace: u, latentMeans: latentMeans,
            latentCovariances: latent, noiseVariances: betas.map { Swift.max($0, floor) }, varianceFloor: floor)
        return Estimate(parameters: parameters, projected: projected, residuals: residuals)
    }

    /// ‖(I − UUᵀ)(x_i − c)‖² = ‖x_i − c‖² − ‖Uᵀx_i − Uᵀc‖² for each row, from the projection.
    static func residuals(projected: Matrix<Double>, subspace u: Matrix<Double>, center: [Double],
                          centeredSquaredNorms: [Double]) -> [Double] {
        let (p, d) = (u.rows, u.columns)
        let centerProjection = (0..<d).map { a in (0..<p).reduce(0.0) { $0 + u[$1, a] * center[$1] } }
        return (0..<projected.rows).map { i in
            var inside = 0.0
            for a in 0..<d { let v = projected[i, a] - centerProjection[a]; inside += v * v }
            return Swift.max(centeredSquaredNorms[i] - inside, 0)
        }
    }
}

/// The parameters of a fitted DLM model (Bouveyron & Brunet 2012, Section 2.1).
public struct FisherEMParameters: Codable, Sendable, Equatable {
    /// Mixture proportions π_k.
    public let proportions: [Double]
    /// Class means m_k in the observation space (K x p): the weighted means of the data. The
    /// model's class mean is their part in the subspace, x̄ + UUᵀ(m_k − x̄).
    public let means: Matrix<Double>
    /// The data's mean x̄, the centre of the noise outside the subspace.
    public let center: [Double]
    /// Orthonormal basis U of the discriminative subspace (p x d).
    public let subspace: Matrix<Double>
    /// Class means μ_k = Uᵀm_k in the latent space (K x d).
    public let latentMeans: Matrix<Double>
    /// Latent covariances Σ_k (d x d each), constrained by the model.
    public let latentCovariances: [Matrix<Double>]
    /// Noise variances β_k outside the subspace.
    public let noiseVariances: [Double]
    /// Smallest variance allowed (a tiny fraction of the data's mean feature variance).
    public let varianceFloor: Double

    /// log(π_k·f_k(x_i)) (n x K) from the projection `projected` (n x d) and the residuals
    /// ‖(I − UUᵀ)(x_i − x̄)‖² (n).
    func logJoint(projected: Matrix<Double>, residuals: [Double]) -> Matrix<Double> {
        let (n, k, d, p) = (projected.rows, proportions.count, latentMeans.columns, means.columns)
        // Σ_k = Q·Λ·Qᵀ; whitened coordinates z = Λ^{-1/2}·Qᵀ(y − μ_k).
        var transforms: [[Double]] = []   // d x d, row a = q_aᵀ/√λ_a
        var constants: [Double] = []
        let log2pi = 1.8378770664093453
        for c in 0..<k {
            let eig = try? latentCovariances[c].symmetricEigen()
            var transform = [Double](repeating: 0, count: d * d)
            var logDet = 0.0
            for a in 0..<d {
                let lambda = Swift.max(eig?.values[a] ?? varianceFloor, varianceFloor)
                logDet += Double.log(lambda)
                let scale = 1 / lambda.squareRoot()
                for b in 0..<d { transform[a * d + b] = (eig?.vectors[b, a] ?? (a == b ? 1 : 0)) * scale }
            }
            transforms.append(transform)
            constants.append(Double.log(proportions[c])
                - 0.5 * (logDet + Double(p - d) * Double.log(noiseVariances[c]) + Double(p) * log2pi))
        }
        var out = Matrix<Double>(rows: n, columns: k)
        let inverseNoise = noiseVariances.map { 1 / $0 }
        out.withUnsafeMutableBufferPointer { o in
            var diff = [Double](repeating: 0, count: d)
            for i in 0..<n {
                for c in 0..<k {
                    for a in 0..<d { diff[a] = projected[i, a] - latentMeans[c, a] }
                    var mahalanobis = 0.0
                    for a in 0..<d {
                        var z = 0.0
                        for b in 0..<d { z += transforms[c][a * d + b] * diff[b] }
                        mahalanobis += z * z
                    }
                    o[i * k + c] = constants[c] - 0.5 * (mahalanobis + residuals[i] * inverseNoise[c])
                }
            }
        }
        return out
    }

    /// Posterior probabilities (n x K) and the log-likelihood Σ_i log Σ_k π_k f_k(x_i), by
    /// log-sum-exp per row.
    static func posteriors(_ logJoint: Matrix<Double>) -> (t: Matrix<Double>, logLikelihood: Double) {
        let (n, k) = (logJoint.rows, logJoint.columns)
        var t = logJoint
        var total = 0.0
        t.withUnsafeMutableBufferPointer { e in
            for i in 0..<n {
                var top = -Double.infinity
                for c in 0..<k { top = Swift.max(top, e[i * k + c]) }
                var s = 0.0
                for c in 0..<k { let v = Double.exp(e[i * k + c] - top); e[i * k + c] = v; s += v }
                for c in 0..<k { e[i * k + c] /= s }
                total += top + Double.log(s)
            }
        }
        return (t, total)
    }
}

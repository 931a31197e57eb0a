import AlmagestCore

/// The M-step and E-step of Fisher-EM for a fixed subspace U, in log space.
///
/// Reference: Bouveyron & Brunet (2012), Section 2.1 (the DLM model) and Section 3 (E-step,
/// M-step). Class k's covariance is `U·Σ_k·Uᵀ + β_k·(I − U·Uᵀ)`; with `y = Uᵀx`, `μ_k = Uᵀm_k` and
/// `c_k` the centre of the noise outside the subspace,
/// `−2·log(π_k·f_k(x)) = (y − μ_k)ᵀΣ_k⁻¹(y − μ_k) + ‖(I − UUᵀ)(x − c_k)‖²/β_k + log|Σ_k|
///  + (p − d)·log β_k − 2·log π_k + p·log 2π` (the cost function Γ_k of the paper's E-step).
/// Two centres (`FisherEM.NoiseCenter`):
/// - `classMean`, c_k = m_k: the paper's E-step (its projection P(x) passes through m_k) and the R
///   package's `fem.estep`. The class mean is m_k in the whole space, so the classes also differ
///   outside the subspace. `‖(I − UUᵀ)(x − m_k)‖² = ‖x − m_k‖² − ‖y − μ_k‖²`, and
///   `‖x − m_k‖²` comes from one n x K GEMM (`residuals`).
/// - `dataMean`, c_k = x̄: the model `x = U·y + ε` read literally, class means inside the subspace
///   (`x̄ + U·(μ_k − Uᵀx̄)`); the residual is the same for every class.
/// Either way an iteration needs the n x d projection and an n x K product (GEMM), nothing per
/// sample beyond O(K·d²), and no p x p matrix. Posteriors and the log-likelihood use log-sum-exp
/// over classes, so nothing underflows even when each log-density is near −10⁵ (3,600 dimensions).
///
/// The M-step maximises the expected complete log-likelihood for the given U and centre:
/// proportions, latent means and Σ_k as in the paper, and
/// `β_k = Σ_i t_ik·‖(I − UUᵀ)(x_i − c_k)‖² / (n_k·(p − d))` — for c_k = m_k the paper's
/// `(trace(C_k) − Σ_j u_jᵀC_k·u_j)/(p − d)`; the R package divides by n_k − 1 instead, which is not
/// the maximiser. With exact maximisation an E-step followed by an M-step never decreases the
/// likelihood while U is fixed (tested for both centres). Cost per iteration: O(n·p·(K + d))
/// through GEMM plus O(n·K·d²).
struct FisherEMSteps: Sendable {
    let x: Matrix<Double>
    let subspace: FisherSubspace
    let model: FisherEM.DLM
    /// Where the noise outside the subspace is centred.
    var noiseCenter: FisherEM.NoiseCenter = .classMean
    /// Shrinkage γ of the total covariance in the F-step.
    var shrinkage: Double = 0

    /// Everything one M-step yields, with the n x d projection and the residuals outside the
    /// subspace that the next E-step reuses.
    struct Estimate: Sendable {
        var parameters: FisherEMParameters
        var projected: Matrix<Double>
        var residuals: Matrix<Double>
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
        let residuals = Self.residuals(x: x, projected: projected, subspace: u, center: subspace.center,
                                       centeredSquaredNorms: subspace.centeredSquaredNorms,
                                       means: noiseCenter == .classMean ? means : nil, latentMeans: latentMeans)
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
                outside += w * residuals[i, c]
            }
            for a in 0..<d { for b in 0...a { sigma[a * d + b] /= counts[c]; sigma[b * d + a] = sigma[a * d + b] } }
            raw[c] = try! Matrix(rows: d, columns: d, elements: sigma)
            noise[c] = outside / (counts[c] * Double(p - d))
        }
        let floor = 1e-10 * subspace.meanVariance
        let (latent, betas) = model.constrain(raw: raw, noise: noise, proportions: proportions)
        let parameters = FisherEMParameters(
            proportions: proportions, means: means, center: subspace.center, subspace: u, latentMeans: latentMeans,
            latentCovariances: latent, noiseVariances: betas.map { Swift.max($0, floor) }, varianceFloor: floor,
            noiseCenter: noiseCenter)
        return Estimate(parameters: parameters, projected: projected, residuals: residuals)
    }

    /// The squared residuals outside the subspace, n x K: `‖(I − UUᵀ)(x_i − x̄)‖²` in every column
    /// when `means` is nil (noise centred on the data mean), else `‖(I − UUᵀ)(x_i − m_k)‖²`
    /// for class k, from the projection and one n x K GEMM:
    /// `‖x_i − m_k‖² = ‖x_i − x̄‖² − 2·(x_i − x̄)·(m_k − x̄) + ‖m_k − x̄‖²` minus
    /// `‖Uᵀx_i − μ_k‖²` (μ_k = Uᵀm_k, `latentMeans`).
    static func residuals(x: Matrix<Double>, projected: Matrix<Double>, subspace u: Matrix<Double>, center: [Double],
                          centeredSquaredNorms: [Double], means: Matrix<Double>?, latentMeans: Matrix<Double>) -> Matrix<Double> {
        let (n, p, d) = (projected.rows, u.rows, u.columns)
        guard let means else {
            let centerProjection = (0..<d).map { a in (0..<p).reduce(0.0) { $0 + u[$1, a] * center[$1] } }
            let k = latentMeans.rows
            var out = Matrix<Double>(rows: n, columns: k)
            for i in 0..<n {
                var inside = 0.0
                for a in 0..<d { let v = projected[i, a] - centerProjection[a]; inside += v * v }
                let r = Swift.max(centeredSquaredNorms[i] - inside, 0)
                for c in 0..<k { out[i, c] = r }
            }
            return out
        }
        let k = means.rows
        let offsets = Matrix<Double>(rows: p, columns: k) { j, c in means[c, j] - center[j] }     // (m_k − x̄)ᵀ
        let cross = FisherEMProducts.product(x, offsets)                                          // x_i·(m_k − x̄)
        let centerDot = (0..<k).map { c in (0..<p).reduce(0.0) { $0 + center[$1] * offsets[$1, c] } }
        let offsetNorms = (0..<k).map { c in (0..<p).reduce(0.0) { $0 + offsets[$1, c] * offsets[$1, c] } }
        var out = Matrix<Double>(rows: n, columns: k)
        for i in 0..<n {
            for c in 0..<k {
                let full = centeredSquaredNorms[i] - 2 * (cross[i, c] - centerDot[c]) + offsetNorms[c]
                var inside = 0.0
                for a in 0..<d { let v = projected[i, a] - latentMeans[c, a]; inside += v * v }
                out[i, c] = Swift.max(full - inside, 0)
            }
        }
        return out
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

    /// Where the noise outside the subspace is centred (`FisherEM.noiseCenter`).
    public let noiseCenter: FisherEM.NoiseCenter

    /// log(π_k·f_k(x_i)) (n x K) from the projection `projected` (n x d) and the residuals
    /// outside the subspace (n x K, `FisherEMSteps.residuals`).
    func logJoint(projected: Matrix<Double>, residuals: Matrix<Double>) -> Matrix<Double> {
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
                    o[i * k + c] = constants[c] - 0.5 * (mahalanobis + residuals[i, c] * inverseNoise[c])
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

// Parameters saved before `noiseCenter` existed centred the noise on the data mean.
extension FisherEMParameters {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            proportions: try c.decode([Double].self, forKey: .proportions), means: try c.decode(Matrix<Double>.self, forKey: .means),
            center: try c.decode([Double].self, forKey: .center), subspace: try c.decode(Matrix<Double>.self, forKey: .subspace),
            latentMeans: try c.decode(Matrix<Double>.self, forKey: .latentMeans),
            latentCovariances: try c.decode([Matrix<Double>].self, forKey: .latentCovariances),
            noiseVariances: try c.decode([Double].self, forKey: .noiseVariances),
            varianceFloor: try c.decode(Double.self, forKey: .varianceFloor),
            noiseCenter: try c.decodeIfPresent(FisherEM.NoiseCenter.self, forKey: .noiseCenter) ?? .dataMean)
    }
}

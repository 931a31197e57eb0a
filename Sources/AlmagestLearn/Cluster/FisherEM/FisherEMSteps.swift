import AlmagestCore

/// The M-step and E-step of Fisher-EM for a fixed subspace U, in log space.
///
/// Reference: Bouveyron & Brunet (2012), Section 3.1 (E-step) and Section 3.3 (M-step). The class
/// density is Gaussian with mean m_k (in the observation space) and covariance
/// `U·Σ_k·Uᵀ + β_k·(I − U·Uᵀ)`, so that, with `y = Uᵀx`, `μ_k = Uᵀm_k`,
/// `−2·log(π_k·f_k(x)) = (y − μ_k)ᵀΣ_k⁻¹(y − μ_k) + ‖(I − UUᵀ)(x − m_k)‖²/β_k + log|Σ_k|
///  + (p − d)·log β_k − 2·log π_k + p·log 2π` (the paper's cost function Γ_k of the E-step).
/// The residual `‖(I − UUᵀ)(x − m_k)‖² = ‖x − m_k‖² − ‖y − μ_k‖²` needs only the n x K matrix of
/// squared distances to the class means (one GEMM) and the n x d projection (one GEMM): no p x p
/// matrix and nothing per sample beyond O(K·d²). Posteriors and the log-likelihood use
/// log-sum-exp over classes, so nothing underflows even when each log-density is near −10⁵.
///
/// The M-step maximises the expected complete log-likelihood in the means, proportions, Σ_k and
/// β_k for the given U (maximum-likelihood denominators n_k, where the R package divides by
/// n_k − 1), which makes an E-step followed by an M-step never decrease the likelihood while U is
/// fixed. Cost per iteration: O(n·p·(K + d)) through GEMM plus O(n·K·d²).
struct FisherEMSteps: Sendable {
    let x: Matrix<Double>
    let subspace: FisherSubspace
    let model: FisherEM.DLM

    /// Everything one M-step yields, with the n x d projection and squared distances the next
    /// E-step reuses.
    struct Estimate: Sendable {
        var parameters: FisherEMParameters
        var projected: Matrix<Double>
        var squaredDistances: Matrix<Double>
    }

    /// Class sizes n_k and means m_k (K x p) of the soft partition `t` (n x K).
    func classMeans(_ t: Matrix<Double>) -> (counts: [Double], means: Matrix<Double>) {
        let counts = t.sum(axis: .rows).elements
        var means = BLAS.withThreads(Parallel.threads) { try! Matrix.product(t, transposed: true, x) }
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
        let projected = BLAS.withThreads(Parallel.threads) { try! Matrix.product(x, u) }   // n x d
        let latentMeans = try! Matrix.product(means, u)                                     // K x d
        let distances = Self.squaredDistances(x, means: means, center: subspace.center,
                                              centeredSquaredNorms: subspace.centeredSquaredNorms)
        var raw = [Matrix<Double>](repeating: Matrix(rows: d, columns: d), count: k)
        var noise = [Double](repeating: 0, count: k)
        for c in 0..<k {
            var sigma = [Double](repeating: 0, count: d * d)
            var trace = 0.0
            var diff = [Double](repeating: 0, count: d)
            for i in 0..<n {
                let w = t[i, c]
                if w == 0 { continue }
                for a in 0..<d { diff[a] = projected[i, a] - latentMeans[c, a] }
                for a in 0..<d { for b in 0...a { sigma[a * d + b] += w * diff[a] * diff[b] } }
                trace += w * distances[i, c]
            }
            for a in 0..<d { for b in 0...a { sigma[a * d + b] /= counts[c]; sigma[b * d + a] = sigma[a * d + b] } }
            raw[c] = try! Matrix(rows: d, columns: d, elements: sigma)
            let latentTrace = (0..<d).reduce(0.0) { $0 + sigma[$1 * d + $1] }
            noise[c] = (trace / counts[c] - latentTrace) / Double(p - d)
        }
        let floor = 1e-10 * subspace.meanVariance
        let (latent, betas) = model.constrain(raw: raw, noise: noise, proportions: proportions)
        let parameters = FisherEMParameters(
            proportions: proportions, means: means, subspace: u, latentMeans: latentMeans,
            latentCovariances: latent, noiseVariances: betas.map { Swift.max($0, floor) }, varianceFloor: floor)
        return Estimate(parameters: parameters, projected: projected, squaredDistances: distances)
    }

    /// ‖x_i − m_k‖² (n x K) as ‖x_i − c‖² − 2(x_i − c)·(m_k − c) + ‖m_k − c‖² with c near the data's
    /// centre, which keeps the cancellation small; one GEMM.
    static func squaredDistances(_ x: Matrix<Double>, means: Matrix<Double>, center: [Double],
                                 centeredSquaredNorms: [Double]) -> Matrix<Double> {
        let (n, p, k) = (x.rows, x.columns, means.rows)
        let shifted = Matrix<Double>(rows: k, columns: p) { c, j in means[c, j] - center[j] }
        let shiftNorms = shifted.rowSquaredNorms()
        let centerDots = (0..<k).map { c in (0..<p).reduce(0.0) { $0 + center[$1] * shifted[c, $1] } }
        var cross = BLAS.withThreads(Parallel.threads) { try! Matrix.product(x, transposed: false, shifted, transposed: true) }   // n x K
        cross.withUnsafeMutableBufferPointer { e in
            for i in 0..<n {
                for c in 0..<k {
                    let dot: Double = e[i * k + c] - centerDots[c]
                    let value: Double = centeredSquaredNorms[i] - 2 * dot + shiftNorms[c]
                    e[i * k + c] = Swift.max(value, 0)
                }
            }
        }
        return cross
    }
}

/// The parameters of a fitted DLM model (Bouveyron & Brunet 2012, Section 2.1).
public struct FisherEMParameters: Codable, Sendable, Equatable {
    /// Mixture proportions π_k.
    public let proportions: [Double]
    /// Class means m_k in the observation space (K x p).
    public let means: Matrix<Double>
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

    /// log(π_k·f_k(x_i)) (n x K) from the projection `projected` (n x d) and the squared
    /// distances (n x K) to the class means.
    func logJoint(projected: Matrix<Double>, squaredDistances: Matrix<Double>) -> Matrix<Double> {
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
                    var inside = 0.0
                    for a in 0..<d { diff[a] = projected[i, a] - latentMeans[c, a]; inside += diff[a] * diff[a] }
                    var mahalanobis = 0.0
                    for a in 0..<d {
                        var z = 0.0
                        for b in 0..<d { z += transforms[c][a * d + b] * diff[b] }
                        mahalanobis += z * z
                    }
                    let residual = Swift.max(squaredDistances[i, c] - inside, 0)
                    o[i * k + c] = constants[c] - 0.5 * (mahalanobis + residual * inverseNoise[c])
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

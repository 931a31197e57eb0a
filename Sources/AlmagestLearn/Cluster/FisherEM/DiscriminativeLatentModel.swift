import AlmagestCore

/// The twelve discriminative latent mixture (DLM) models of Bouveyron & Brunet (2012), their
/// M-step covariance structures and their numbers of free parameters.
///
/// Reference: C. Bouveyron and C. Brunet, "Simultaneous model-based clustering and visualization
/// in the Fisher discriminative subspace", Statistics and Computing 22:301-324 (2012), Section 2
/// (the DLM model and its submodels, Table 1 for the parameter counts) and Section 3.3 (M-step).
///
/// In the model a sample is `x = U·y + ε` with `U` (p x d, orthonormal) spanning the discriminative
/// subspace, `y | class k ~ N(μ_k, Σ_k)` in the d-dimensional latent space and the noise outside the
/// subspace isotropic: with `W = [U, V]` an orthonormal basis of the whole space,
/// `Wᵀ·Cov(x | k)·W = diag(Σ_k, β_k·I_{p-d})`. The models constrain `Σ_k` (full `D`, diagonal
/// `A_j`, isotropic `A`; free per class with index `k`, common without) and `β_k` (per class `B_k`
/// or common `B`).
///
/// M-step for a fixed `U` (each a closed-form maximiser of the expected complete log-likelihood,
/// with `C_k` the weighted covariance of class k in the observation space and `n_k = Σ_i t_ik`):
/// - `Σ_k = Uᵀ·C_k·U`; common models use `Σ = Σ_k (n_k/n)·Σ_k`;
/// - diagonal models keep the diagonal `α_kj = u_jᵀ·C_k·u_j` (or its weighted mean over classes);
/// - isotropic models keep `α_k = trace(Σ_k)/d` (or its weighted mean);
/// - `β_k = (trace(C_k) − trace(Σ_k)) / (p − d)`; common `β = Σ_k (n_k/n)·β_k`.
///
/// Free parameters (Table 1 of the paper, general d): with ρ = (K−1) + K·d (proportions and latent
/// means) and τ = d·(p − (d+1)/2) (the orientation U, a point of the Stiefel manifold),
/// `DkBk`: ρ+τ+K·d(d+1)/2+K · `DkB`: ρ+τ+K·d(d+1)/2+1 · `DBk`: ρ+τ+d(d+1)/2+K · `DB`: ρ+τ+d(d+1)/2+1 ·
/// `AkjBk`: ρ+τ+K·d+K · `AkjB`: ρ+τ+K·d+1 · `AkBk`: ρ+τ+2K · `AkB`: ρ+τ+K+1 ·
/// `AjBk`: ρ+τ+d+K · `AjB`: ρ+τ+d+1 · `ABk`: ρ+τ+K+1 · `AB`: ρ+τ+2.
///
/// ```swift
/// FisherEM.DLM.akjBk.freeParameters(clusters: 3, features: 50, subspaceDimension: 2)   // 114
/// ```
extension FisherEM {
    /// One of the twelve DLM models; the raw value is the paper's name.
    public enum DLM: String, Codable, Sendable, CaseIterable {
        case dkBk = "DkBk", dkB = "DkB", dBk = "DBk", dB = "DB"
        case akjBk = "AkjBk", akjB = "AkjB", akBk = "AkBk", akB = "AkB"
        case ajBk = "AjBk", ajB = "AjB", aBk = "ABk", aB = "AB"

        /// How the latent covariance Σ_k is constrained.
        public enum LatentStructure: String, Codable, Sendable {
            /// A full d x d matrix.
            case full
            /// A diagonal matrix.
            case diagonal
            /// A multiple of the identity.
            case isotropic
        }

        /// Full, diagonal or isotropic latent covariance.
        public var latentStructure: LatentStructure {
            switch self {
            case .dkBk, .dkB, .dBk, .dB: return .full
            case .akjBk, .akjB, .ajBk, .ajB: return .diagonal
            case .akBk, .akB, .aBk, .aB: return .isotropic
            }
        }

        /// True when every class has its own latent covariance Σ_k.
        public var hasClassLatentCovariances: Bool {
            switch self {
            case .dkBk, .dkB, .akjBk, .akjB, .akBk, .akB: return true
            case .dBk, .dB, .ajBk, .ajB, .aBk, .aB: return false
            }
        }

        /// True when every class has its own noise variance β_k.
        public var hasClassNoiseVariances: Bool {
            switch self {
            case .dkBk, .dBk, .akjBk, .akBk, .ajBk, .aBk: return true
            case .dkB, .dB, .akjB, .akB, .ajB, .aB: return false
            }
        }

        /// The number of free parameters ξ of this model (Table 1 of the paper), used by BIC, AIC
        /// and ICL. The orientation term τ counts the free parameters of an orthonormal p x d
        /// matrix.
        public func freeParameters(clusters k: Int, features p: Int, subspaceDimension d: Int) -> Double {
            let (kk, pp, dd) = (Double(k), Double(p), Double(d))
            let rho = (kk - 1) + kk * dd
            let tau = dd * (pp - (dd + 1) / 2)
            let latent: Double
            switch (latentStructure, hasClassLatentCovariances) {
            case (.full, true): latent = kk * dd * (dd + 1) / 2
            case (.full, false): latent = dd * (dd + 1) / 2
            case (.diagonal, true): latent = kk * dd
            case (.diagonal, false): latent = dd
            case (.isotropic, true): latent = kk
            case (.isotropic, false): latent = 1
            }
            return rho + tau + latent + (hasClassNoiseVariances ? kk : 1)
        }

        /// The constrained latent covariances and noise variances from the unconstrained class
        /// estimates: `raw[k] = Uᵀ·C_k·U`, `noise[k] = (trace(C_k) − trace(raw[k]))/(p − d)`,
        /// weighted by the class proportions for the common models.
        func constrain(raw: [Matrix<Double>], noise: [Double], proportions: [Double]) -> (latent: [Matrix<Double>], noise: [Double]) {
            let k = raw.count
            let d = raw.first?.rows ?? 0
            var shaped = raw.map { sigma -> Matrix<Double> in
                switch latentStructure {
                case .full: return sigma
                case .diagonal: return Matrix(rows: d, columns: d) { i, j in i == j ? sigma[i, i] : 0 }
                case .isotropic:
                    let alpha = (0..<d).reduce(0.0) { $0 + sigma[$1, $1] } / Double(d)
                    return Matrix(rows: d, columns: d) { i, j in i == j ? alpha : 0 }
                }
            }
            if !hasClassLatentCovariances {
                var common = Matrix<Double>(rows: d, columns: d)
                for c in 0..<k { try! common.add(shaped[c], scaledBy: proportions[c]) }
                shaped = Array(repeating: common, count: k)
            }
            var betas = noise
            if !hasClassNoiseVariances {
                let common = zip(noise, proportions).reduce(0.0) { $0 + $1.0 * $1.1 }
                betas = Array(repeating: common, count: k)
            }
            return (shaped, betas)
        }
    }
}

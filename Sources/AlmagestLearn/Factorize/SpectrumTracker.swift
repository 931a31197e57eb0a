import AlmagestCore

/// Summaries of a spectrum (exponential effective rank, nuclear-over-operator ratio, σ1, σ2)
/// and the cheap path to the singular values of a product W·H.
///
/// Effective rank (Roy & Vetterli, "The effective rank: a measure of effective dimensionality",
/// 2007): `exp(−Σ p_i ln p_i)` with `p_i = σ_i / Σ σ_j` over the singular values above
/// `threshold` (1e-12, as the reference fixture).
///
/// Singular values of W·H (n x r times r x m) without forming it: with the eigen-decompositions
/// of the Grams WᵀW = V_W Λ_W V_Wᵀ and HHᵀ = V_H Λ_H V_Hᵀ, the factors are W = Q_W (Λ_W^½ V_Wᵀ)
/// and Hᵀ = Q_H (Λ_H^½ V_Hᵀ) with orthonormal Q's, so W·H has the singular values of the r x r core
/// `Λ_W^½ V_Wᵀ V_H Λ_H^½` (the same as R_W·R_Hᵀ of thin QRs, up to orthogonal factors). This
/// goes through the Grams, so singular values below about 1e-8 σ1 (Double) or 3e-4 σ1 (Float)
/// are noise; the effective rank is insensitive to that. Cost: O((n + m) r² + r³) instead of
/// O(n m r + n m min(n, m)) for the exact SVD of W·H.
///
/// ```swift
/// let s = try SpectrumTracker.singularValuesOfProduct(w, h)
/// let summary = SpectrumSummary(singularValues: s)
/// summary.effectiveRank; summary.nuclearOverOperator
/// ```
public enum SpectrumTracker {
    /// Singular values (descending) of `w · h` from the r x r core, never forming `w · h`.
    public static func singularValuesOfProduct<S: MatrixScalar>(_ w: Matrix<S>, _ h: Matrix<S>) throws -> [Double] {
        guard w.columns == h.rows else {
            throw ShapeError.mismatch(operation: "spectrum of W·H", left: w.shape, right: h.shape, expected: "W columns = H rows")
        }
        let wd = w.converted(to: Double.self), hd = h.converted(to: Double.self)
        let gw = FactorKernels.product(wd, true, wd, false)
        let gh = FactorKernels.product(hd, false, hd, true)
        let left = try rootFactor(gw)        // r x r, leftᵀ·left = WᵀW
        let right = try rootFactor(gh)       // r x r, rightᵀ·right = HHᵀ
        let core = FactorKernels.product(left, false, right, true)
        return try core.singularValues().map { Swift.max(0, $0) }
    }

    /// Exponential effective rank of a spectrum.
    public static func effectiveRank(of singularValues: [Double], threshold: Double = 1e-12) -> Double {
        SpectrumSummary(singularValues: singularValues, threshold: threshold).effectiveRank
    }

    // MARK: - Private

    /// `Λ^½ Vᵀ` for a symmetric positive semi-definite `g = V Λ Vᵀ` (negative rounding → 0).
    private static func rootFactor(_ g: Matrix<Double>) throws -> Matrix<Double> {
        let eigen = try g.symmetricEigen()
        let r = g.rows
        var f = eigen.vectors.transposed()
        for i in 0..<r {
            let root = Swift.max(0, eigen.values[i]).squareRoot()
            for j in 0..<r { f[i, j] *= root }
        }
        return f
    }
}

/// Scalar summaries of a spectrum.
public struct SpectrumSummary: Codable, Sendable, Equatable {
    /// Singular values, descending.
    public let singularValues: [Double]
    /// exp(entropy of σ_i / Σσ) over σ_i > threshold; 0 for an all-zero spectrum.
    public let effectiveRank: Double
    /// Σσ / σ1 (nuclear over operator norm); 0 for an all-zero spectrum.
    public let nuclearOverOperator: Double
    public var sigma1: Double { singularValues.first ?? 0 }
    public var sigma2: Double { singularValues.count > 1 ? singularValues[1] : 0 }

    public init(singularValues: [Double], threshold: Double = 1e-12) {
        let sorted = singularValues.sorted(by: >)
        self.singularValues = sorted
        let kept = sorted.filter { $0 > threshold }
        let total = kept.reduce(0, +)
        if total > 0 {
            var entropy = 0.0
            for s in kept {
                let p = s / total
                entropy -= p * Double.log(p)
            }
            effectiveRank = Double.exp(entropy)
            nuclearOverOperator = total / kept[0]
        } else {
            effectiveRank = 0
            nuclearOverOperator = 0
        }
    }
}

import AlmagestCore

/// Non-negative double singular value decomposition: an NMF start from the leading r singular
/// triplets of an exact SVD.
///
/// Reference: C. Boutsidis and E. Gallopoulos, "SVD based initialization: a head start for
/// non-negative matrix factorization" (2008), with scikit-learn's conventions: `W[:,0] = √s₀|u₀|`,
/// `H[0,:] = √s₀|v₀|`; for j ≥ 1 the positive or the negative parts of (u_j, v_j) — whichever has the
/// larger product of norms m, the negative parts on a tie — give `W[:,j] = √(s_j m) u/‖u‖` and
/// `H[j,:] = √(s_j m) v/‖v‖`; entries below 1e-6 become 0. The result does not depend on the signs
/// LAPACK gives the singular vectors. Variants fill the zeros: `.mean` with mean(A) (NNDSVDa),
/// `.smallRandom` with |mean(A) · N(0, 1)| / 100 (NNDSVDar, seeded).
///
/// Cost: one thin SVD, O(n m min(n, m)), computed in Double.
///
/// ```swift
/// let (w0, h0) = try NNDSVD.start(for: a, rank: 10)
/// ```
public enum NNDSVD {
    /// How the zeros of the start are filled.
    public enum ZeroFill: String, Codable, Sendable, CaseIterable {
        case none, mean, smallRandom
    }

    /// Entries below this are set to 0 (scikit-learn's `eps`).
    public static let zeroThreshold = 1e-6

    /// W0 (n x r) and H0 (r x m) for a non-negative `a`; throws for a rank above min(n, m).
    public static func start<S: MatrixScalar>(
        for a: Matrix<S>, rank: Int, fill: ZeroFill = .none, seed: Int = 0
    ) throws -> (w: Matrix<S>, h: Matrix<S>) {
        try a.validateForFit("NNDSVD input")
        let limit = Swift.min(a.rows, a.columns)
        try require(rank >= 1 && rank <= limit, "rank", rank,
                    expected: "between 1 and min(rows, columns) = \(limit) for a \(a.rows) x \(a.columns) matrix")
        let x = a.converted(to: Double.self)
        let svd = try x.svd()
        var w = Matrix<Double>(rows: x.rows, columns: rank)
        var h = Matrix<Double>(rows: rank, columns: x.columns)
        for j in 0..<rank {
            let u = svd.u.column(j), v = Array(svd.vt.row(j))
            let s = svd.singularValues[j]
            let (uj, vj, scale) = j == 0 ? (u.map(abs), v.map(abs), s.squareRoot()) : dominantPart(u, v, s)
            for i in 0..<x.rows { w[i, j] = scale * uj[i] }
            h.setRow(j, vj.map { scale * $0 })
        }
        w.apply { $0 < zeroThreshold ? 0 : $0 }
        h.apply { $0 < zeroThreshold ? 0 : $0 }
        let mean = x.mean()
        switch fill {
        case .none: break
        case .mean:
            w.apply { $0 == 0 ? mean : $0 }
            h.apply { $0 == 0 ? mean : $0 }
        case .smallRandom:
            var rng = RandomStream(seed: seed, stream: 1)
            w.apply { $0 == 0 ? abs(mean * rng.nextNormal() / 100) : $0 }
            h.apply { $0 == 0 ? abs(mean * rng.nextNormal() / 100) : $0 }
        }
        return (w.converted(to: S.self), h.converted(to: S.self))
    }

    // MARK: - Private

    /// The unit-norm positive or negative parts with the larger norm product, and √(s m).
    private static func dominantPart(_ u: [Double], _ v: [Double], _ s: Double) -> ([Double], [Double], Double) {
        let up = u.map { Swift.max($0, 0) }, vp = v.map { Swift.max($0, 0) }
        let un = u.map { abs(Swift.min($0, 0)) }, vn = v.map { abs(Swift.min($0, 0)) }
        let nup = norm(up), nvp = norm(vp), nun = norm(un), nvn = norm(vn)
        let mp = nup * nvp, mn = nun * nvn
        if mp > mn {
            return (up.map { $0 / nup }, vp.map { $0 / nvp }, (s * mp).squareRoot())
        }
        if mn == 0 { return (un, vn, 0) }
        return (un.map { $0 / nun }, vn.map { $0 / nvn }, (s * mn).squareRoot())
    }

    private static func norm(_ x: [Double]) -> Double { x.reduce(0) { $0 + $1 * $1 }.squareRoot() }
}

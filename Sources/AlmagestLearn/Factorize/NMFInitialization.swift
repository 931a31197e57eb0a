import AlmagestCore

/// How an NMF starts (a closed choice).
///
/// - `.random`: |N(0, 1)| · √(mean(A) / r) for every entry (scikit-learn's scale), seeded.
/// - `.eye`: identity-like, W[i, j] = H[j, i] pattern `i mod r == j`, scaled by √(mean(A) / r)·√r,
///   with 1% of that scale elsewhere so that no entry starts at exactly 0 (multiplicative updates
///   and relu gradients could never move it).
/// - `.nndsvd`, `.nndsvda`, `.nndsvdar`: Boutsidis & Gallopoulos (2008) from an exact SVD, with
///   zeros kept, filled with mean(A), or filled with small random values; see `NNDSVD`.
///
/// Cost: O(n r + r m) for random and eye; one thin SVD for NNDSVD.
///
/// ```swift
/// let (w0, h0) = try NMFInitialization.nndsvd.start(for: a, rank: 10, seed: 0)
/// ```
public enum NMFInitialization: String, Codable, Sendable, CaseIterable {
    case random, eye, nndsvd, nndsvda, nndsvdar

    /// W0 (n x r) and H0 (r x m) for `a`.
    public func start<S: MatrixScalar>(for a: Matrix<S>, rank: Int, seed: Int) throws -> (w: Matrix<S>, h: Matrix<S>) {
        let limit = Swift.min(a.rows, a.columns)
        try require(rank >= 1 && rank <= limit, "rank", rank,
                    expected: "between 1 and min(rows, columns) = \(limit) for a \(a.rows) x \(a.columns) matrix")
        let mean = Swift.max(0, FactorKernels.inner(a, Matrix(rows: a.rows, columns: a.columns, repeating: 1))
            / Double(a.count))
        let scale = (mean / Double(rank)).squareRoot()
        switch self {
        case .random:
            var rng = RandomStream(seed: seed, stream: 0)
            let h = Matrix<S>(rows: rank, columns: a.columns) { _, _ in S(abs(rng.nextNormal()) * scale) }
            let w = Matrix<S>(rows: a.rows, columns: rank) { _, _ in S(abs(rng.nextNormal()) * scale) }
            return (w, h)
        case .eye:
            let big = scale * Double(rank).squareRoot(), small = big / 100
            let w = Matrix<S>(rows: a.rows, columns: rank) { i, j in S(i % rank == j ? big : small) }
            let h = Matrix<S>(rows: rank, columns: a.columns) { j, k in S(k % rank == j ? big : small) }
            return (w, h)
        case .nndsvd: return try NNDSVD.start(for: a, rank: rank, fill: .none, seed: seed)
        case .nndsvda: return try NNDSVD.start(for: a, rank: rank, fill: .mean, seed: seed)
        case .nndsvdar: return try NNDSVD.start(for: a, rank: rank, fill: .smallRandom, seed: seed)
        }
    }
}

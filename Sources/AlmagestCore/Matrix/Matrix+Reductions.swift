/// Reductions over all storage or along an axis.
///
/// `.rows` reduces down the rows (one value per column, a 1 x columns result, like NumPy's
/// `axis=0`); `.columns` reduces across the columns (one value per row, rows x 1, `axis=1`).
public enum Axis: Sendable, Equatable { case rows, columns }

extension Matrix {
    /// Sum of all storage (pairwise within rows, accumulated in row order).
    @inlinable
    public func sum() -> Scalar { storage.reduce(0, +) }
    /// Mean of all storage.
    @inlinable
    public func mean() -> Scalar { count == 0 ? .nan : sum() / Scalar(count) }
    /// Sum of squares of all storage (the squared Frobenius norm).
    @inlinable
    public func squaredNorm() -> Scalar {
        storage.withUnsafeBufferPointer { Scalar.dot(count: count, $0.baseAddress!, $0.baseAddress!) }
    }
    /// Frobenius norm.
    @inlinable
    public func frobeniusNorm() -> Scalar { squaredNorm().squareRoot() }
    /// Smallest element.
    @inlinable
    public func min() -> Scalar? { storage.min() }
    /// Largest element.
    @inlinable
    public func max() -> Scalar? { storage.max() }

    /// Sums along an axis.
    @inlinable
    public func sum(axis: Axis) -> Matrix {
        switch axis {
        case .rows:
            var out = [Scalar](repeating: 0, count: columns)
            storage.withUnsafeBufferPointer { e in
                for i in 0..<rows { for j in 0..<columns { out[j] += e[i * columns + j] } }
            }
            return Matrix(unchecked: 1, columns, out)
        case .columns:
            var out = [Scalar](repeating: 0, count: rows)
            storage.withUnsafeBufferPointer { e in
                for i in 0..<rows {
                    var s: Scalar = 0
                    for j in 0..<columns { s += e[i * columns + j] }
                    out[i] = s
                }
            }
            return Matrix(unchecked: rows, 1, out)
        }
    }

    /// Means along an axis.
    @inlinable
    public func mean(axis: Axis) -> Matrix {
        let n = axis == .rows ? rows : columns
        return sum(axis: axis) / Scalar(n)
    }

    /// Variances along an axis with `ddof` degrees of freedom removed (0: population, 1: sample).
    @inlinable
    public func variance(axis: Axis, ddof: Int = 0) -> Matrix {
        let mu = mean(axis: axis)
        let n = axis == .rows ? rows : columns
        var out = [Scalar](repeating: 0, count: axis == .rows ? columns : rows)
        for i in 0..<rows {
            for j in 0..<columns {
                let d = self[i, j] - (axis == .rows ? mu.storage[j] : mu.storage[i])
                out[axis == .rows ? j : i] += d * d
            }
        }
        let denominator = Scalar(Swift.max(n - ddof, 0))
        let result = Matrix(unchecked: axis == .rows ? 1 : rows, axis == .rows ? columns : 1, out)
        return result / denominator
    }

    /// Index of the largest element of each row.
    @inlinable
    public func argmaxPerRow() -> [Int] {
        (0..<rows).map { i in
            var best = 0
            for j in 1..<Swift.max(columns, 1) where self[i, j] > self[i, best] { best = j }
            return best
        }
    }

    /// Index of the smallest element of each row.
    @inlinable
    public func argminPerRow() -> [Int] {
        (0..<rows).map { i in
            var best = 0
            for j in 1..<Swift.max(columns, 1) where self[i, j] < self[i, best] { best = j }
            return best
        }
    }
}

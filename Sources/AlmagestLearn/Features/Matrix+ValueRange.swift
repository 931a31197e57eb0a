import AlmagestCore

/// The pixel-range check of the image feature extractors (HOG with `transformSqrt`, the 8-bit grey
/// histogram). Finite-value checks use Core's `firstNonFinite` / `validateForFit`. Cost O(n).
extension Matrix where Scalar == Double {
    /// The first element outside `range` (NaN counts as outside) as (row, column, value).
    func firstElement(outside range: ClosedRange<Double>) -> (row: Int, column: Int, value: Double)? {
        withUnsafeBufferPointer { p in
            for k in 0..<p.count where !(p[k] >= range.lowerBound && p[k] <= range.upperBound) {
                return (k / Swift.max(columns, 1), k % Swift.max(columns, 1), p[k])
            }
            return nil
        }
    }
}

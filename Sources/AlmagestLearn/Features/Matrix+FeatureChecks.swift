import AlmagestCore

/// Input checks of the feature extractors, specialised for `Double` inside this module.
///
/// `Matrix.firstNonFinite()` is generic and not inlinable, so a call from another module runs
/// its unspecialised form (a protocol-witness call per element), which cost more than the whole
/// HOG of the digits; these loops compile to plain scans. Cost O(n).
extension Matrix where Scalar == Double {
    /// The first NaN or infinity as (row, column, value), scanning the contiguous storage.
    func firstNonFiniteElement() -> (row: Int, column: Int, value: Double)? {
        withUnsafeBufferPointer { p in
            for k in 0..<p.count where !p[k].isFinite {
                return (k / Swift.max(columns, 1), k % Swift.max(columns, 1), p[k])
            }
            return nil
        }
    }

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

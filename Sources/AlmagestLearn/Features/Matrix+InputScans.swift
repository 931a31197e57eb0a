import AlmagestCore

/// Input checks of the feature and preprocessing code, specialised for `Double` in this module.
///
/// `Matrix.firstNonFinite()` (and so `validateForFit`) is generic and not inlinable, so a call
/// from another module runs its unspecialised form, a protocol-witness call per element: on the
/// digits that scan cost more than the whole HOG. These loops compile to plain scans and throw the
/// same errors as `validateForFit` / `validateForPredict`. Cost O(n).
extension Matrix where Scalar == Double {
    /// `validateForFit`: `FitError.emptyInput` without rows or columns, `FitError.nonFinite` for
    /// the first NaN or infinity.
    func scanInput(_ what: String) throws {
        guard rows > 0, columns > 0 else { throw FitError.emptyInput(what: what, rows: rows, columns: columns) }
        if let bad = scanForNonFinite() {
            throw FitError.nonFinite(what: what, row: bad.row, column: bad.column, value: bad.value)
        }
    }

    /// `validateForPredict`: `scanInput`, then `FitError.featureCountMismatch` for another width.
    func scanInput(_ what: String, features: Int) throws {
        try scanInput(what)
        guard columns == features else { throw FitError.featureCountMismatch(expected: features, got: columns) }
    }

    /// The first NaN or infinity as (row, column, value).
    func scanForNonFinite() -> (row: Int, column: Int, value: Double)? {
        withUnsafeBufferPointer { p in
            for k in 0..<p.count where !p[k].isFinite {
                return (k / Swift.max(columns, 1), k % Swift.max(columns, 1), p[k])
            }
            return nil
        }
    }

    /// The first element outside `range` (NaN counts as outside) as (row, column, value).
    func scanForValue(outside range: ClosedRange<Double>) -> (row: Int, column: Int, value: Double)? {
        withUnsafeBufferPointer { p in
            for k in 0..<p.count where !(p[k] >= range.lowerBound && p[k] <= range.upperBound) {
                return (k / Swift.max(columns, 1), k % Swift.max(columns, 1), p[k])
            }
            return nil
        }
    }

    /// Column means (specialised `mean(axis: .rows)`).
    func columnMeans() -> [Double] {
        var sum = [Double](repeating: 0, count: columns)
        let d = columns
        withUnsafeBufferPointer { e in
            sum.withUnsafeMutableBufferPointer { s in
                for i in 0..<rows { for j in 0..<d { s[j] += e[i * d + j] } }
            }
        }
        return sum.map { $0 / Double(rows) }
    }
}

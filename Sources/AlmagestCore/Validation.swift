/// Input checks shared by every estimator's public entry point: data are validated once there,
/// then private code assumes valid input.
extension Matrix {
    /// Throws `FitError.emptyInput` for no rows or no columns and `FitError.nonFinite` for the
    /// first NaN or infinity; `what` names the input in the message ("k-means input").
    @inlinable
    public func validateForFit(_ what: String) throws {
        guard rows > 0, columns > 0 else { throw FitError.emptyInput(what: what, rows: rows, columns: columns) }
        if let bad = firstNonFinite() {
            throw FitError.nonFinite(what: what, row: bad.row, column: bad.column, value: Double(bad.value))
        }
    }

    /// `validateForFit`, or with `allowingMissing` NaN accepted as a missing value (for imputers
    /// and the pipelines that start with one): empty input and infinities are still refused.
    @inlinable
    public func validateForFit(_ what: String, allowingMissing: Bool) throws {
        guard allowingMissing else { return try validateForFit(what) }
        guard rows > 0, columns > 0 else { throw FitError.emptyInput(what: what, rows: rows, columns: columns) }
        try withUnsafeBufferPointer { e in
            for index in 0..<e.count where e[index].isInfinite {
                throw FitError.nonFinite(what: what, row: index / columns, column: index % columns, value: Double(e[index]))
            }
        }
    }

    /// `validateForFit`, plus a check that the width is what a fitted model expects.
    @inlinable
    public func validateForPredict(_ what: String, features: Int) throws {
        try validateForFit(what)
        guard columns == features else { throw FitError.featureCountMismatch(expected: features, got: columns) }
    }
}

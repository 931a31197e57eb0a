import AlmagestCore

/// The checks of a matrix between the n rows of the data that a user gives a GEMINI (a kernel or
/// distance matrix): finite, n x n, symmetric (to 1e-9 relative) and, for distances, ≥ 0. Each
/// error names the matrix, the entry and what was expected.
///
/// ```swift
/// try k.validateAsPairMatrix("kernel matrix", symbol: "K", rows: x.rows, nonNegative: false)
/// ```
extension Matrix where Scalar == Double {
    func validateAsPairMatrix(_ name: String, symbol: String, rows n: Int, nonNegative: Bool) throws {
        try validateForFit("GEMINI \(name)")
        guard self.rows == n && columns == n else {
            throw FitError.invalidParameter(name: name, value: "\(self.rows) x \(columns)", expected: "\(n) x \(n), one row and column per data row")
        }
        for i in 0..<n {
            for j in i..<n {
                if nonNegative && self[i, j] < 0 {
                    throw FitError.invalidParameter(name: name, value: "\(symbol)[\(i), \(j)] = \(self[i, j])", expected: "values >= 0")
                }
                if abs(self[i, j] - self[j, i]) > 1e-9 * Swift.max(1, abs(self[i, j])) {
                    throw FitError.invalidParameter(
                        name: name, value: "\(symbol)[\(i), \(j)] = \(self[i, j]) but \(symbol)[\(j), \(i)] = \(self[j, i])",
                        expected: "a symmetric matrix")
                }
            }
        }
    }
}

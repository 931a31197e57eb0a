import AlmagestCore
import Foundation

/// What the linear classifiers share about labels and scores: the sorted distinct classes of a
/// label list (refusing a count that does not match the rows, or a single class), and row-wise
/// softmax by log-sum-exp. Cost: O(n log k) and O(n k).
///
/// ```swift
/// let classes = try ClassLabels.distinct(labels, rows: x.rows, method: "naive Bayes")
/// let p = scores.softmaxRows()
/// ```
enum ClassLabels {
    /// The sorted distinct labels; throws `FitError.invalidLabels` unless there is one label per
    /// row and at least two classes.
    static func distinct(_ labels: [Int], rows: Int, method: String) throws -> [Int] {
        guard labels.count == rows else {
            throw FitError.invalidLabels(reason: "got \(labels.count) labels for \(rows) rows; expected one per row")
        }
        let classes = Array(Set(labels)).sorted()
        guard classes.count >= 2 else {
            throw FitError.invalidLabels(reason: "found \(classes.count) class; \(method) needs at least 2")
        }
        return classes
    }
}

extension Matrix where Scalar == Double {
    /// exp(x − logsumexp(row)) for every row: the softmax of scores, without overflow.
    func softmaxRows() -> Matrix<Double> {
        var out = self
        let k = columns
        out.withUnsafeMutableBufferPointer { e in
            for i in 0..<rows {
                var top = -Double.infinity
                for j in 0..<k { top = Swift.max(top, e[i * k + j]) }
                var total = 0.0
                for j in 0..<k { total += exp(e[i * k + j] - top) }
                let logTotal = top + log(total)
                for j in 0..<k { e[i * k + j] = exp(e[i * k + j] - logTotal) }
            }
        }
        return out
    }
}

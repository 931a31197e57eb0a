import AlmagestCore

/// Outlier removal by z-score: a row is dropped when any of its values is more than `threshold`
/// standard deviations (population deviation of the rows given) from its column's mean. Columns
/// with zero deviation drop nothing. In a `Pipeline` it runs while fitting only, on the training
/// rows (the means and deviations come from them). The report says how many rows it removed, in
/// all and per class. Cost: O(n d).
///
/// ```swift
/// let kept = try ZScoreOutlierFilter(threshold: 3).resample(xTrain, labels: yTrain)
/// kept.report["rows_removed"]
/// ```
public struct ZScoreOutlierFilter: Sampler, RegisteredEstimator {
    /// Largest |z| a kept value may have (> 0).
    public var threshold: Double

    public init(threshold: Double = 3) {
        self.threshold = threshold
    }

    public static let estimatorName = "zscore-outliers"
    public static let summary = "drops training rows with a value more than threshold standard deviations from its column mean"
    public static var defaultConfiguration: ZScoreOutlierFilter { ZScoreOutlierFilter() }
    public static var optionHelp: [String: String] { ["threshold": "largest |z| kept, in standard deviations"] }

    public func validate() throws {
        try require(threshold > 0 && threshold.isFinite, "threshold", threshold, expected: "a positive number of standard deviations")
    }

    /// The rows whose every |z| is at most `threshold`. Throws `FitError` for empty or non-finite
    /// rows, a label count that differs from the row count, or a threshold that would remove every
    /// row of a class.
    public func resample(_ x: Matrix<Double>, labels: [Int]) throws -> Resampled<Matrix<Double>> {
        try validate()
        try x.validateForFit("z-score outlier filter input")
        try requireOneLabelPerRow(x, labels, method: "the z-score outlier filter")
        let n = Double(x.rows)
        var mean = [Double](repeating: 0, count: x.columns), deviation = mean
        for j in 0..<x.columns {
            let column = x.column(j)
            mean[j] = column.reduce(0, +) / n
            deviation[j] = (column.reduce(0) { $0 + ($1 - mean[j]) * ($1 - mean[j]) } / n).squareRoot()
        }
        return try OutlierRows.keep(x, labels: labels, method: "z-score outlier filter (threshold \(threshold))") { row in
            row.indices.allSatisfy { deviation[$0] == 0 || abs(row[$0] - mean[$0]) <= threshold * deviation[$0] }
        }
    }
}

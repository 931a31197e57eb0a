import AlmagestCore

/// Outlier removal by Tukey's fences: a row is dropped when any of its values lies outside
/// [Q1 − f·IQR, Q3 + f·IQR] of its column, with Q1 and Q3 the `quantileRange` percentiles of the
/// rows given (linear interpolation, numpy's default) and f = `factor` (1.5: Tukey's inner fences).
/// In a `Pipeline` it runs while fitting only, on the training rows (the fences come from them),
/// so test rows are neither dropped nor looked at. The report says how many rows it removed, in all
/// and per class. Cost: O(n log n · d) (a sort per column).
///
/// ```swift
/// let kept = try IQROutlierFilter(factor: 1.5).resample(xTrain, labels: yTrain)
/// kept.report["rows_removed"]
/// ```
public struct IQROutlierFilter: Sampler, RegisteredEstimator {
    /// Multiple of the interquartile range beyond the quartiles where the fences stand (> 0).
    public var factor: Double
    /// The lower and upper percentiles whose difference is the range (0 ≤ low < high ≤ 100).
    public var quantileRange: [Double]

    public init(factor: Double = 1.5, quantileRange: [Double] = [25, 75]) {
        self.factor = factor
        self.quantileRange = quantileRange
    }

    public static let estimatorName = "iqr-outliers"
    public static let summary = "drops training rows outside Tukey's fences (quartiles -/+ factor x IQR) in any column"
    public static var defaultConfiguration: IQROutlierFilter { IQROutlierFilter() }
    public static var conformanceConfiguration: IQROutlierFilter { IQROutlierFilter(factor: 3) }
    public static var optionHelp: [String: String] {
        ["factor": "fences at Q1 - factor x IQR and Q3 + factor x IQR (1.5: Tukey)",
         "quantile_range": "the percentiles taken as quartiles, e.g. 25,75"]
    }

    public func validate() throws {
        try require(factor > 0 && factor.isFinite, "factor", factor, expected: "a positive number of IQRs")
        try require(quantileRange.count == 2 && 0 <= quantileRange[0] && quantileRange[0] < quantileRange[1]
                        && quantileRange[1] <= 100,
                    "quantile range", quantileRange, expected: "two percentiles with 0 ≤ low < high ≤ 100, like [25, 75]")
    }

    /// The fences of each column: (low, high).
    public func fences(_ x: Matrix<Double>) throws -> [(low: Double, high: Double)] {
        try validate()
        try x.validateForFit("IQR outlier filter input")
        return (0..<x.columns).map { j in
            let sorted = x.column(j).sorted()
            let q1 = Quantiles.linear(sorted, quantileRange[0] / 100), q3 = Quantiles.linear(sorted, quantileRange[1] / 100)
            return (q1 - factor * (q3 - q1), q3 + factor * (q3 - q1))
        }
    }

    /// The rows inside every column's fences. Throws `FitError` for empty or non-finite rows, a label
    /// count that differs from the row count, or fences that would remove every row of a class.
    public func resample(_ x: Matrix<Double>, labels: [Int]) throws -> Resampled<Matrix<Double>> {
        try requireOneLabelPerRow(x, labels, method: "the IQR outlier filter")
        let bounds = try fences(x)
        return try OutlierRows.keep(x, labels: labels, method: "IQR outlier filter (factor \(factor))") { row in
            bounds.indices.allSatisfy { row[$0] >= bounds[$0].low && row[$0] <= bounds[$0].high }
        }
    }
}

/// The part the outlier filters share: keep the rows a test accepts, with a report.
enum OutlierRows {
    static func keep(
        _ x: Matrix<Double>, labels: [Int], method: String, accept: (UnsafeBufferPointer<Double>) -> Bool
    ) throws -> Resampled<Matrix<Double>> {
        let kept: [Int] = x.withUnsafeBufferPointer { p in
            (0..<x.rows).filter { i in
                accept(UnsafeBufferPointer(rebasing: p[(i * x.columns)..<((i + 1) * x.columns)]))
            }
        }
        var report: [String: Double] = ["rows_in": Double(x.rows), "rows_out": Double(kept.count),
                                        "rows_removed": Double(x.rows - kept.count)]
        var before = [Int: Int](), after = [Int: Int]()
        for label in labels { before[label, default: 0] += 1 }
        for i in kept { after[labels[i], default: 0] += 1 }
        for label in before.keys.sorted() {
            let left = after[label] ?? 0
            guard left > 0 else {
                throw FitError.tooFewSamples(
                    method: method, needed: 1, got: 0,
                    reason: "it would remove all \(before[label]!) training rows of class \(label); expected a wider fence")
            }
            report["rows_removed_class_\(label)"] = Double(before[label]! - left)
        }
        return Resampled(x: x.rows(at: kept), labels: kept.map { labels[$0] }, report: report)
    }
}

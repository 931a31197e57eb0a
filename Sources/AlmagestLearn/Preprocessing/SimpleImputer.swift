import AlmagestCore

/// Fills missing values (NaN) column by column, as scikit-learn's `SimpleImputer`: with the mean,
/// the median or the most frequent value (the smallest among ties) of the column's present
/// training values, or with a constant. `addIndicator` appends one 0/1 column per feature that had
/// missing values in the training data (scikit-learn's `MissingIndicator`, "missing-only"), after
/// the imputed columns. A column with no present value is dropped, as scikit-learn does, unless
/// the strategy is `constant` or `keepEmptyFeatures` is set (then it is filled with `fillValue`
/// or 0).
///
/// NaN marks a missing value, so this is the one estimator that accepts NaN in `fit` and
/// `transform` (`acceptsMissingValues`); infinities are still refused with `FitError.nonFinite`.
/// Cost: O(n d) to fit with mean or constant, O(n log n · d) with median or most frequent (a sort
/// per column); O(n d) to transform.
///
/// ```swift
/// let model = try SimpleImputer(strategy: .median, addIndicator: true).fit(train)
/// let filled = try model.transform(test)   // no NaN left; indicator columns at the end
/// ```
public struct SimpleImputer: Transformer, RegisteredEstimator {
    /// What a missing value is replaced with.
    public enum Strategy: String, Codable, Sendable, CaseIterable {
        case mean, median
        case mostFrequent = "most_frequent"
        case constant
    }

    public var strategy: Strategy
    /// The value of the `constant` strategy.
    public var fillValue: Double
    /// Append a missing-value indicator column per feature that had missing training values.
    public var addIndicator: Bool
    /// Keep columns with no present training value (filled with 0) instead of dropping them.
    public var keepEmptyFeatures: Bool

    public init(strategy: Strategy = .mean, fillValue: Double = 0, addIndicator: Bool = false,
                keepEmptyFeatures: Bool = false) {
        self.strategy = strategy
        self.fillValue = fillValue
        self.addIndicator = addIndicator
        self.keepEmptyFeatures = keepEmptyFeatures
    }

    public static let estimatorName = "simple-imputer"
    public static let summary = "fills missing values (NaN) per column with the mean, median, most frequent value or a constant"
    public static var defaultConfiguration: SimpleImputer { SimpleImputer() }
    public static var acceptsMissingValues: Bool { true }
    public static var optionHelp: [String: String] {
        ["strategy": "mean, median, most_frequent or constant",
         "fill_value": "the value of the constant strategy",
         "add_indicator": "append a 0/1 column per feature that had missing training values",
         "keep_empty_features": "keep columns with no present training value (filled with 0) instead of dropping them"]
    }

    public func validate() throws {
        try require(fillValue.isFinite, "fill value", fillValue, expected: "a finite number")
    }

    /// Learns the fill value of each column. NaN is missing; throws `FitError` on empty input or
    /// an infinity.
    public func fit(_ x: Matrix<Double>) throws -> SimpleImputerModel {
        try validate()
        try x.validateForFit("imputer input", allowingMissing: true)
        var statistics = [Double](repeating: 0, count: x.columns)
        var emptyColumns: [Int] = [], incompleteColumns: [Int] = []
        for j in 0..<x.columns {
            let column = x.column(j)
            let present = column.filter { !$0.isNaN }
            if present.count < column.count { incompleteColumns.append(j) }
            if present.isEmpty { emptyColumns.append(j) }
            statistics[j] = statistic(of: present)
        }
        let dropped = strategy == .constant || keepEmptyFeatures ? [] : emptyColumns
        return SimpleImputerModel(strategy: strategy, statistics: statistics, droppedColumns: dropped,
                                  indicatorColumns: addIndicator ? incompleteColumns : [])
    }
}

/// A fitted `SimpleImputer`: the fill value of each input column, the columns dropped (no
/// present training value) and the columns that get a missing-value indicator.
public struct SimpleImputerModel: FittedTransformer, Equatable {
    public let strategy: SimpleImputer.Strategy
    /// The value each input column's missing entries get (0 for a dropped column).
    public let statistics: [Double]
    /// Input columns left out of the output.
    public let droppedColumns: [Int]
    /// Input columns whose missing-value indicators follow the imputed columns.
    public let indicatorColumns: [Int]

    /// Number of input columns.
    public var featureCount: Int { statistics.count }
    /// Number of output columns: kept columns, then indicators.
    public var outputCount: Int { featureCount - droppedColumns.count + indicatorColumns.count }

    /// The kept columns with NaN replaced, then the indicator columns (1 where the value was
    /// missing). Throws `FitError` on a width mismatch or an infinity.
    public func transform(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try x.validateForFit("imputer transform input", allowingMissing: true)
        guard x.columns == featureCount else { throw FitError.featureCountMismatch(expected: featureCount, got: x.columns) }
        let dropped = Set(droppedColumns)
        let kept = (0..<featureCount).filter { !dropped.contains($0) }
        return Matrix(rows: x.rows, columns: outputCount) { i, k in
            if k < kept.count {
                let v = x[i, kept[k]]
                return v.isNaN ? statistics[kept[k]] : v
            }
            return x[i, indicatorColumns[k - kept.count]].isNaN ? 1 : 0
        }
    }
}

// MARK: - Private

extension SimpleImputer {
    /// The fill value of a column from its present values (0 when there are none and the
    /// strategy needs some).
    fileprivate func statistic(of present: [Double]) -> Double {
        if strategy == .constant { return fillValue }
        guard !present.isEmpty else { return 0 }
        switch strategy {
        case .mean: return present.reduce(0, +) / Double(present.count)
        case .median: return Quantiles.median(present.sorted())
        case .mostFrequent:
            let sorted = present.sorted()
            var best = sorted[0], bestCount = 0, start = 0
            while start < sorted.count {
                var end = start
                while end < sorted.count && sorted[end] == sorted[start] { end += 1 }
                if end - start > bestCount { (best, bestCount) = (sorted[start], end - start) }
                start = end
            }
            return best
        case .constant: return fillValue
        }
    }
}

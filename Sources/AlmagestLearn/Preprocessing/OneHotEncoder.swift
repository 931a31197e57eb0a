import AlmagestCore

/// One-hot encoding of categorical columns, as scikit-learn's `OneHotEncoder` on those columns:
/// each column listed in `columns` (0-based indices; the command line's `--categorical NAME`
/// resolves a column name to its index) is replaced, in place, by one indicator column per
/// category seen while fitting (its distinct values, ascending); the other columns pass through.
/// A category not seen while fitting is an error (`handleUnknown` "error") or encodes as all zeros
/// ("ignore"). Categories are the column's values, any finite numbers (codes such as 0, 1, 2).
/// Cost: O(n log n) per categorical column to fit, O(n · width) to transform.
///
/// ```swift
/// let model = try OneHotEncoder(columns: [3]).fit(train)     // column 3 holds codes 0, 1, 2
/// let z = try model.transform(test)                           // width + 2 columns
/// ```
public struct OneHotEncoder: Transformer, RegisteredEstimator {
    /// The categorical columns, 0-based, distinct.
    public var columns: [Int]
    /// What a category unseen while fitting does: "error" or "ignore" (all-zero indicators).
    public var handleUnknown: String

    public init(columns: [Int] = [], handleUnknown: String = "error") {
        self.columns = columns
        self.handleUnknown = handleUnknown
    }

    public static let estimatorName = "one-hot"
    public static let summary = "one-hot encoding of the categorical columns given by index (indicator per category)"
    public static var defaultConfiguration: OneHotEncoder { OneHotEncoder() }
    public static var conformanceConfiguration: OneHotEncoder { OneHotEncoder(columns: [0], handleUnknown: "ignore") }
    public static var optionHelp: [String: String] {
        ["columns": "0-based indices of the categorical columns, e.g. 0,3 (almagest classify --categorical NAME sets it)",
         "handle_unknown": "a category not seen while fitting: error or ignore (all-zero indicators)"]
    }

    public func validate() throws {
        try require(columns.allSatisfy { $0 >= 0 }, "columns", columns, expected: "0-based column indices")
        try require(Set(columns).count == columns.count, "columns", columns, expected: "distinct column indices")
        try require(["error", "ignore"].contains(handleUnknown), "handle unknown", handleUnknown, expected: "error or ignore")
    }

    /// Learns the categories of each listed column. Throws `FitError` for a column index past the
    /// width, empty or non-finite data.
    public func fit(_ x: Matrix<Double>) throws -> OneHotEncoderModel {
        try validate()
        try x.validateForFit("one-hot encoder input")
        if let bad = columns.first(where: { $0 >= x.columns }) {
            throw FitError.invalidParameter(name: "columns", value: "\(bad)", expected: "an index below the width \(x.columns)")
        }
        let encoded = columns.sorted()
        return OneHotEncoderModel(inputWidth: x.columns, encoded: encoded,
                                  values: encoded.map { Array(Set(x.column($0))).sorted() }, ignoreUnknown: handleUnknown == "ignore")
    }
}

/// A fitted `OneHotEncoder`: the categories of each encoded column.
public struct OneHotEncoderModel: FittedTransformer, Equatable {
    /// Width of the input.
    public let inputWidth: Int
    /// The encoded columns, ascending.
    public let encoded: [Int]
    /// The categories of each encoded column, ascending, in the order of `encoded`.
    public let values: [[Double]]
    /// Whether an unseen category encodes as zeros rather than failing.
    public let ignoreUnknown: Bool

    /// The categories of input column `column`, or nil when it passes through.
    public func categories(of column: Int) -> [Double]? { encoded.firstIndex(of: column).map { values[$0] } }

    /// Width of the output: the input's, with each encoded column replaced by its categories.
    public var outputWidth: Int { inputWidth - encoded.count + values.reduce(0) { $0 + $1.count } }

    /// Each encoded column replaced by its indicators. Throws `FitError` for another width,
    /// non-finite values, or (with "error") a category not seen while fitting, naming the row,
    /// the column and the value.
    public func transform(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try x.validateForPredict("one-hot encoder input", features: inputWidth)
        let lookup = values.map { Dictionary(uniqueKeysWithValues: $0.enumerated().map { ($1, $0) }) }
        let position = Dictionary(uniqueKeysWithValues: encoded.enumerated().map { ($1, $0) })
        var out = [Double](repeating: 0, count: x.rows * outputWidth)
        for i in 0..<x.rows {
            var o = i * outputWidth
            for j in 0..<inputWidth {
                guard let k = position[j] else {
                    out[o] = x[i, j]
                    o += 1
                    continue
                }
                if let c = lookup[k][x[i, j]] {
                    out[o + c] = 1
                } else if !ignoreUnknown {
                    throw FitError.outOfDomain(what: "one-hot encoder input", row: i, column: j, value: x[i, j],
                                               expected: "a category seen while fitting: \(values[k].map { "\($0)" }.joined(separator: ", "))")
                }
                o += values[k].count
            }
        }
        return try Matrix(rows: x.rows, columns: outputWidth, elements: out)
    }
}

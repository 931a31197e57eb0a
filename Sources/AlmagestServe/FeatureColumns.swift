/// The input columns of a served pipeline, looked up by name: the order rows are assembled in, a
/// name-to-column table built once when the model loads, and whether a missing value (JSON `null`,
/// an empty CSV cell) may reach the pipeline (only when its first step is an imputer).
///
/// Cost: O(1) per key — the key is first compared byte for byte with the column expected next
/// (clients usually send the features in order), then looked up in a dictionary.
///
/// ```swift
/// let columns = FeatureColumns(names: model.featureNames, acceptsMissingValues: model.acceptsMissingValues)
/// columns.column(named: "fWidth")   // 1
/// ```
struct FeatureColumns: Sendable {
    /// The feature names in the pipeline's column order.
    let names: [String]
    /// NaN (a missing value) is accepted: the pipeline starts with an imputer.
    let acceptsMissingValues: Bool

    init(names: [String], acceptsMissingValues: Bool) {
        self.names = names
        self.acceptsMissingValues = acceptsMissingValues
        self.utf8Names = names.map { Array($0.utf8) }
        self.index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    var count: Int { names.count }

    /// The column of a feature name, or nil for an unknown one.
    func column(named name: String) -> Int? { index[name] }

    /// The column whose name is exactly `bytes[range]` (UTF-8, no escapes); `hint` is tried first.
    func column(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, hint: Int) -> Int? {
        if hint < utf8Names.count {
            let name = utf8Names[hint]
            if name.count == range.count && name.withUnsafeBufferPointer({ n in
                (0..<n.count).allSatisfy { n[$0] == bytes[range.lowerBound + $0] }
            }) {
                return hint
            }
        }
        return index[String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)]
    }

    /// The error for an unknown feature name in `row`.
    func unknown(_ name: String, row: Int) -> ServeError {
        .badRow(row: row, feature: name, reason: "unknown feature; expected one of \(listed)")
    }

    /// The error for a feature absent from `row`.
    func missing(column: Int, row: Int) -> ServeError {
        .badRow(row: row, feature: names[column], reason: acceptsMissingValues
            ? "missing feature; expected a number, or null for a missing value the pipeline's imputer fills"
            : "missing feature; expected a number for every feature")
    }

    /// The error for a missing value (null, an empty CSV cell) when the pipeline cannot take one.
    func missingValueRefused(column: Int, row: Int, value: String) -> ServeError {
        .badRow(row: row, feature: names[column],
                reason: "missing value (\(value)), but the pipeline does not start with an imputer; expected a number")
    }

    // MARK: - Private

    private let utf8Names: [[UInt8]]
    private let index: [String: Int]

    /// The names for messages (the first 20 of a wide table).
    private var listed: String {
        names.count <= 20 ? names.joined(separator: ", ") : names.prefix(20).joined(separator: ", ") + ", ... (\(names.count) in all)"
    }
}

import AlmagestCore
import Foundation

/// A table of samples: a feature matrix (one row per sample), optional integer labels, the names
/// of the feature columns and of the classes, and where the data came from.
///
/// Labels are class ids; `classNames[label]` names class `label` when class names are given
/// (string labels read from a CSV get ids in sorted order of their names). Integer labels read as
/// numbers keep their values and may have no class names (`className(of:)` then prints the id).
/// Every initialiser and the decoder validate the parts once: label count equals the row count,
/// one name per feature column, labels inside `0..<classNames.count` when class names are given.
/// Cost: O(rows) for validation.
///
/// ```swift
/// let digits = try EmbeddedDatasets.digits()          // 1797 x 64, labels 0...9
/// let x = digits.features, y = digits.labels!
/// let mine = try Dataset.load(from: URL(fileURLWithPath: "data.csv"), target: .index(-1))
/// ```
public struct Dataset: Codable, Sendable, Equatable {
    /// One row per sample, one column per feature.
    public private(set) var features: Matrix<Double>
    /// The class id of each sample, when the data has labels.
    public private(set) var labels: [Int]?
    /// One name per feature column.
    public private(set) var featureNames: [String]
    /// `classNames[i]` names class id `i`; empty when the labels are plain integers.
    public private(set) var classNames: [String]
    /// Where the data came from.
    public var provenance: Provenance
    /// The texts of each categorical column read from text (`CSVReader`'s `categorical`), by
    /// feature name: the column holds codes, `categories[name]![code]` is the text of a code.
    public private(set) var categories: [String: [String]] = [:]

    /// Where a data set came from: a path or a name, and the citation or licence to honour.
    public struct Provenance: Codable, Sendable, Equatable {
        /// A file path, URL or data set name.
        public var source: String
        /// Citation and licence, when known.
        public var citation: String?

        public init(source: String, citation: String? = nil) {
            self.source = source
            self.citation = citation
        }
    }

    /// Builds and validates a data set. Without `featureNames` the columns are named
    /// `column_1`, `column_2`, ... (1-based, like the line and column numbers in error messages).
    public init(
        features: Matrix<Double>, labels: [Int]? = nil, featureNames: [String]? = nil, classNames: [String] = [],
        provenance: Provenance = Provenance(source: "memory"), categories: [String: [String]] = [:]
    ) throws {
        self.features = features
        self.labels = labels
        self.featureNames = featureNames ?? Dataset.defaultFeatureNames(count: features.columns)
        self.classNames = classNames
        self.provenance = provenance
        self.categories = categories
        try validate()
    }

    /// Number of samples (rows).
    public var count: Int { features.rows }
    /// Number of features (columns).
    public var featureCount: Int { features.columns }

    /// The name of class id `label`: `classNames[label]` when present, else the id itself.
    public func className(of label: Int) -> String {
        classNames.indices.contains(label) ? classNames[label] : String(label)
    }

    /// The samples at `indices` (in that order, repeats allowed), with the same names and
    /// provenance; throws `DataError.invalidDataset` for an index outside `0..<count`.
    public func subset(_ indices: some Collection<Int>) throws -> Dataset {
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            throw DataError.invalidDataset(reason: "sample index \(bad) is outside 0..<\(count)")
        }
        var copy = self
        copy.features = features.rows(at: indices)
        copy.labels = labels.map { all in indices.map { all[$0] } }
        return copy
    }

    /// The data set without the feature column `name`, and that column's values (a column of group
    /// ids, say); throws `DataError.invalidDataset` naming the columns there are.
    public func removingFeature(named name: String) throws -> (dataset: Dataset, column: [Double]) {
        guard let j = featureNames.firstIndex(of: name) else {
            throw DataError.invalidDataset(
                reason: "no feature column named \"\(name)\"; expected one of \(featureNames.joined(separator: ", "))")
        }
        var copy = self
        let kept = featureNames.indices.filter { $0 != j }
        copy.features = Matrix(rows: count, columns: kept.count) { i, c in features[i, kept[c]] }
        copy.featureNames = kept.map { featureNames[$0] }
        copy.categories[name] = nil
        return (copy, features.column(j))
    }

    /// Throws `DataError.invalidDataset` when the parts do not fit together.
    public func validate() throws {
        guard featureNames.count == features.columns else {
            throw DataError.invalidDataset(
                reason: "\(featureNames.count) feature names for \(features.columns) feature columns")
        }
        if let name = categories.keys.sorted().first(where: { !featureNames.contains($0) }) {
            throw DataError.invalidDataset(reason: "categories for \"\(name)\", which is not a feature column")
        }
        guard let labels else { return }
        guard labels.count == features.rows else {
            throw DataError.invalidDataset(reason: "\(labels.count) labels for \(features.rows) rows; expected one label per row")
        }
        if !classNames.isEmpty, let bad = labels.first(where: { $0 < 0 || $0 >= classNames.count }) {
            throw DataError.invalidDataset(
                reason: "label \(bad) has no class name; expected labels in 0..<\(classNames.count) for \(classNames.count) class names")
        }
    }

    /// The default feature names `column_1` ... `column_<count>`.
    public static func defaultFeatureNames(count: Int) -> [String] { (0..<count).map { "column_\($0 + 1)" } }

    // MARK: - Codable (validated on decode)

    private enum CodingKeys: String, CodingKey { case features, labels, featureNames, classNames, provenance, categories }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        features = try c.decode(Matrix<Double>.self, forKey: .features)
        labels = try c.decodeIfPresent([Int].self, forKey: .labels)
        featureNames = try c.decode([String].self, forKey: .featureNames)
        classNames = try c.decodeIfPresent([String].self, forKey: .classNames) ?? []
        provenance = try c.decode(Provenance.self, forKey: .provenance)
        categories = try c.decodeIfPresent([String: [String]].self, forKey: .categories) ?? [:]
        do { try validate() } catch {
            throw DecodingError.dataCorruptedError(forKey: .labels, in: c, debugDescription: "\(error)")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(features, forKey: .features)
        try c.encodeIfPresent(labels, forKey: .labels)
        try c.encode(featureNames, forKey: .featureNames)
        try c.encode(classNames, forKey: .classNames)
        try c.encode(provenance, forKey: .provenance)
        if !categories.isEmpty { try c.encode(categories, forKey: .categories) }
    }
}

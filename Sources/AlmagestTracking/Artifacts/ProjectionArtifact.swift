import AlmagestCore
import Foundation

/// `projection.csv` of a clustering run: the 3-D (or lower) coordinates of every row (`x, y, z`),
/// its true label when known (`true_label`) and its cluster (`cluster`), for the dashboard's
/// scatter.
///
/// ```swift
/// try run.write(ProjectionArtifact(coordinates: pca, truth: labels, clusters: model.labels))
/// ```
public struct ProjectionArtifact: TableArtifact, Equatable {
    public static let fileName = "projection.csv"
    /// The coordinate columns, in order.
    public static let axes = ["x", "y", "z"]

    /// One row per point, up to three columns.
    public let coordinates: Matrix<Double>
    public let truth: [Int]?
    public let clusters: [Int]?

    public init(coordinates: Matrix<Double>, truth: [Int]?, clusters: [Int]?) {
        self.coordinates = coordinates
        self.truth = truth
        self.clusters = clusters
    }

    public init(table names: [String], values: Matrix<Double>, source: String) throws {
        let axes = Self.axes.filter(names.contains)
        let columns = try axes.map { try Self.column($0, of: names, values, source: source) }
        coordinates = Matrix(rows: values.rows, columns: axes.count) { i, j in columns[j][i] }
        func labels(_ name: String) throws -> [Int]? {
            names.contains(name) ? try Self.column(name, of: names, values, source: source).map { $0.isFinite ? Int($0) : -1 } : nil
        }
        truth = try labels("true_label")
        clusters = try labels("cluster")
    }

    public func encoded() throws -> Data {
        var csv = CSVText(header: Array(Self.axes.prefix(coordinates.columns))
            + (truth == nil ? [] : ["true_label"]) + (clusters == nil ? [] : ["cluster"]))
        for i in 0..<coordinates.rows {
            var cells = coordinates.row(i).map { "\($0)" }
            if let truth { cells.append("\(truth[i])") }
            if let clusters { cells.append("\(clusters[i])") }
            csv.append(cells)
        }
        return csv.data
    }
}

import AlmagestCore
import AlmagestPlot
import Foundation

/// The silhouette of a clustering, per cluster (`silhouette.json`): each cluster's size, mean
/// silhouette and its sorted silhouette profile, for the per-cluster silhouette plot (Rousseeuw
/// 1987) on a run's page. Companions: `silhouette.csv` (cluster, size, mean) and `silhouette.svg`
/// (the plot).
///
/// A profile keeps at most about `maxPoints` values over all clusters: with n values and a
/// stride s = ceil(n / maxPoints), a cluster of m values keeps ceil(m / s) of its sorted values,
/// taken at evenly spaced ranks (first and last included). Every cluster is thinned by the same
/// stride, so the plot's block heights stay proportional to the cluster sizes and its shapes are
/// the exact sorted values at those ranks. Sizes and means are always those of every value given
/// (a silhouette computed on a sample, as the clustering experiment does by default, gives the
/// sample's sizes; `sampleSize` says how many rows it had). Cost O(n log n).
///
/// ```swift
/// let analysis = try SilhouetteAnalysis(x, labels: labels)
/// try run.write(SilhouetteArtifact(values: analysis.samples, labels: labels))
/// let chart = try SilhouetteArtifact.read(from: runDirectory).chart(title: "GEMINI MMD")
/// ```
public struct SilhouetteArtifact: RunArtifact, Codable, Equatable {
    public static let fileName = "silhouette.json"

    /// One cluster's silhouettes.
    public struct Cluster: Codable, Sendable, Equatable {
        public var label: Int
        /// Values of this cluster that were measured.
        public var size: Int
        /// Their mean silhouette.
        public var mean: Double
        /// Sorted values (largest first) at evenly spaced ranks.
        public var profile: [Double]
    }

    /// Clusters in increasing label order.
    public let clusters: [Cluster]
    /// The mean silhouette over every value.
    public let score: Double
    /// How many values were measured (rows of the silhouette sample).
    public let sampleSize: Int

    /// Summarises one silhouette value per row. Throws `FitError` when there is no value, the
    /// counts differ or a value is not finite.
    public init(values: [Double], labels: [Int], maxPoints: Int = 2_000) throws {
        guard !values.isEmpty else { throw FitError.emptyInput(what: "silhouette values", rows: 0, columns: 1) }
        guard values.count == labels.count else {
            throw FitError.invalidLabels(reason: "\(labels.count) labels for \(values.count) silhouette values; expected one label per value")
        }
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw FitError.invalidParameter(name: "silhouette value [\(i)]", value: "\(values[i])", expected: "a finite number")
        }
        let stride = max(1, (values.count + max(maxPoints, 1) - 1) / max(maxPoints, 1))
        let groups = Dictionary(grouping: values.indices, by: { labels[$0] })
        clusters = groups.keys.sorted().map { label in
            let sorted = groups[label]!.map { values[$0] }.sorted(by: >)
            let kept = (sorted.count + stride - 1) / stride
            let profile = kept <= 1
                ? [sorted[0]]
                : (0..<kept).map { sorted[Int((Double($0) * Double(sorted.count - 1) / Double(kept - 1)).rounded())] }
            return Cluster(label: label, size: sorted.count, mean: sorted.reduce(0, +) / Double(sorted.count), profile: profile)
        }
        score = values.reduce(0, +) / Double(values.count)
        sampleSize = values.count
    }

    /// The per-cluster silhouette plot of the kept profiles.
    public func chart(title: String? = nil) -> SilhouettePlot {
        SilhouettePlot(
            values: clusters.flatMap(\.profile), labels: clusters.flatMap { c in c.profile.map { _ in c.label } },
            titles: ChartTitles(title ?? "Silhouette per cluster (mean \(String(format: "%.3f", score)))"))
    }

    public func companions() throws -> [(name: String, contents: Data)] {
        var csv = "cluster,size,mean_silhouette\n"
        for c in clusters { csv += "\(c.label),\(c.size),\(c.mean)\n" }
        return [("silhouette.csv", Data(csv.utf8)), ("silhouette.svg", Data(try chart().svg().utf8))]
    }
}

import AlmagestPlot
import Foundation

/// `importances.json` of a classification run: per input feature, the accuracy lost when its
/// values are shuffled on the test part (permutation importance, mean and deviation over the
/// repeats) and, for trees and their ensembles, the share of impurity decrease (gain) and how many
/// splits test the feature. `chart` is the one drawing of it, for the run's SVG and the dashboard's
/// page; `importances.csv` beside it holds every column.
///
/// ```swift
/// try run.write(ImportanceArtifact(features: names, permutationMeans: m, permutationDeviations: s, impurity: nil))
/// ```
public struct ImportanceArtifact: RunArtifact, Codable, Equatable {
    public static let fileName = "importances.json"

    public let features: [String]
    public let permutationMeans: [Double]
    public let permutationDeviations: [Double]
    /// Impurity-decrease shares, when the model has them.
    public let impurity: [Double]?
    /// Splits per feature over the model's trees, when it has trees.
    public let splitCounts: [Int]?

    public init(
        features: [String], permutationMeans: [Double], permutationDeviations: [Double], impurity: [Double]?,
        splitCounts: [Int]? = nil
    ) {
        self.features = features
        self.permutationMeans = permutationMeans
        self.permutationDeviations = permutationDeviations
        self.impurity = impurity
        self.splitCounts = splitCounts
    }

    /// The features, most important first (by permutation importance), as bars.
    public func chart() -> BarChart {
        let order = features.indices.sorted { (permutationMeans[$0], -$0) > (permutationMeans[$1], -$1) }
        var series = [BarSeries("accuracy lost when shuffled", values: order.map { permutationMeans[$0] })]
        if let impurity { series.append(BarSeries("impurity decrease share", values: order.map { impurity[$0] })) }
        if let splitCounts, case let total = splitCounts.reduce(0, +), total > 0 {
            series.append(BarSeries("share of splits", values: order.map { Double(splitCounts[$0]) / Double(total) }))
        }
        return BarChart(categories: order.map { features[$0] }, series: series,
                        titles: ChartTitles("Feature importance (test part)", x: "feature", y: "importance"),
                        showValues: features.count <= 12)
    }

    public func companions() throws -> [(name: String, contents: Data)] {
        var csv = "feature,permutation_mean,permutation_std,impurity_share,splits\n"
        for j in features.indices {
            let name = features[j].contains(",") || features[j].contains("\"")
                ? "\"" + features[j].replacingOccurrences(of: "\"", with: "\"\"") + "\"" : features[j]
            csv += "\(name),\(permutationMeans[j]),\(permutationDeviations[j]),"
            csv += "\(impurity.map { String($0[j]) } ?? ""),\(splitCounts.map { String($0[j]) } ?? "")\n"
        }
        return [("importances.svg", Data(try chart().svg().utf8)), ("importances.csv", Data(csv.utf8))]
    }
}

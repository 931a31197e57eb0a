import AlmagestCore
import AlmagestPlot
import Foundation

/// `roc.csv` of a binary classification run (`threshold, false_positive_rate,
/// true_positive_rate`, one line per threshold), with `roc.svg` beside it. `chart` is the one
/// drawing of the curve, for the run's figure and the dashboard.
///
/// ```swift
/// try run.write(ROCArtifact(name: "h vs g", thresholds: t, falsePositiveRates: fpr, truePositiveRates: tpr))
/// ```
public struct ROCArtifact: TableArtifact, Equatable {
    public static let fileName = "roc.csv"

    /// The curve's name in the legend, e.g. "mlp: h vs g".
    public let name: String
    public let thresholds: [Double]
    public let falsePositiveRates: [Double]
    public let truePositiveRates: [Double]

    public init(name: String, thresholds: [Double], falsePositiveRates: [Double], truePositiveRates: [Double]) {
        self.name = name
        self.thresholds = thresholds
        self.falsePositiveRates = falsePositiveRates
        self.truePositiveRates = truePositiveRates
    }

    /// Reads `roc.csv`; the curve is named "positive class" (the file holds no name).
    public init(table names: [String], values: Matrix<Double>, source: String) throws {
        name = "positive class"
        thresholds = names.contains("threshold") ? try Self.column("threshold", of: names, values, source: source) : []
        falsePositiveRates = try Self.column("false_positive_rate", of: names, values, source: source)
        truePositiveRates = try Self.column("true_positive_rate", of: names, values, source: source)
    }

    /// The same curve under another name.
    public func named(_ name: String) -> ROCArtifact {
        ROCArtifact(name: name, thresholds: thresholds, falsePositiveRates: falsePositiveRates, truePositiveRates: truePositiveRates)
    }

    public var curve: ROCCurve { ROCCurve(name, falsePositiveRates: falsePositiveRates, truePositiveRates: truePositiveRates) }

    public func chart(title: String = "ROC (test part)") -> ROCChart { ROCChart(curves: [curve], titles: ChartTitles(title)) }

    public func encoded() throws -> Data {
        var csv = CSVText(header: ["threshold", "false_positive_rate", "true_positive_rate"])
        for i in falsePositiveRates.indices {
            csv.append(["\(thresholds[safe: i] ?? .nan)", "\(falsePositiveRates[i])", "\(truePositiveRates[i])"])
        }
        return csv.data
    }

    public func companions() throws -> [(name: String, contents: Data)] {
        [("roc.svg", Data(try chart().svg().utf8))]
    }
}

import AlmagestCore
import AlmagestData
import AlmagestPlot
import Foundation

/// `confusion_matrix.json` of a classification run: the class names and `counts[true][predicted]`
/// on the test part, with `confusion_matrix.csv` and `.svg` beside it. `chart` is the one drawing
/// of it, for the run's SVG and for the dashboard's page.
///
/// ```swift
/// let confusion = ConfusionArtifact(classes: ["g", "h"], counts: [[2400, 66], [350, 988]])
/// try run.write(confusion)
/// let svg = try confusion.chart(normalization: .byTrueClass).svg()
/// ```
public struct ConfusionArtifact: RunArtifact, Codable, Equatable {
    public static let fileName = "confusion_matrix.json"

    public let classes: [String]
    /// counts[true class][predicted class].
    public let counts: [[Int]]

    public init(classes: [String], counts: [[Int]]) {
        self.classes = classes
        self.counts = counts
    }

    /// The matrix as a chart, raw counts or normalised per true class.
    public func chart(
        normalization: ConfusionNormalization = .none, title: String = "Confusion matrix (test part)",
        style: ChartStyle? = nil
    ) -> ConfusionMatrixChart {
        let k = Double(classes.count)
        let size = style ?? ChartStyle(width: max(360, 140 + 46 * k), height: max(320, 120 + 40 * k))
        return ConfusionMatrixChart(counts: counts, classNames: classes, normalization: normalization, titles: ChartTitles(title), style: size)
    }

    public func companions() throws -> [(name: String, contents: Data)] {
        var csv = CSVText(header: ["true\\predicted"] + classes)
        for (t, row) in counts.enumerated() { csv.append([CSVWriter.field(classes[t])] + row.map(String.init)) }
        return [("confusion_matrix.csv", csv.data), ("confusion_matrix.svg", Data(try chart().svg().utf8))]
    }
}

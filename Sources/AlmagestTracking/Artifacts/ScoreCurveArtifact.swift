import AlmagestCore
import AlmagestPlot
import Foundation

/// `learning_curve.json` of a classification run: training and held-out accuracy of each fold
/// against the number of training rows (`ScoreCurve`), with `learning_curve.svg` beside it.
public struct LearningCurveArtifact: RunArtifact, Codable, Equatable {
    public static let fileName = "learning_curve.json"
    public let curve: ScoreCurve

    public init(_ curve: ScoreCurve) { self.curve = curve }

    /// Mean training and held-out scores with the held-out spread (± one deviation).
    public func chart() -> LineChart {
        ScoreCurveChart.chart(curve, title: "Learning curve", x: "training rows", logarithmic: false)
    }

    public func companions() throws -> [(name: String, contents: Data)] {
        [("learning_curve.svg", Data(try chart().svg().utf8))]
    }
}

/// `validation_curve.json` of a classification run: training and held-out accuracy of each fold
/// against one option's values (`ScoreCurve`), with `validation_curve.svg` beside it. Positive
/// numeric values spanning more than two decades are drawn on a log10 axis.
public struct ValidationCurveArtifact: RunArtifact, Codable, Equatable {
    public static let fileName = "validation_curve.json"
    public let curve: ScoreCurve

    public init(_ curve: ScoreCurve) { self.curve = curve }

    public func chart() -> LineChart {
        let v = curve.values
        let logarithmic = v.allSatisfy { $0 > 0 } && (v.max() ?? 1) / (v.min() ?? 1) > 100
        return ScoreCurveChart.chart(curve, title: "Validation curve", x: logarithmic ? "log10 \(curve.parameter)" : curve.parameter,
                                     logarithmic: logarithmic)
    }

    public func companions() throws -> [(name: String, contents: Data)] {
        [("validation_curve.svg", Data(try chart().svg().utf8))]
    }
}

/// The drawing both curve artifacts share.
enum ScoreCurveChart {
    static func chart(_ curve: ScoreCurve, title: String, x: String, logarithmic: Bool) -> LineChart {
        let xs = logarithmic ? curve.values.map { log10($0) } : curve.values
        let test = curve.testMeans, spread = curve.testDeviations
        return LineChart(
            series: [
                LineSeries("training \(curve.score)", x: xs, y: curve.trainMeans, showsMarkers: true),
                LineSeries("held-out \(curve.score)", x: xs, y: test, showsMarkers: true),
                LineSeries("held-out - 1 sd", x: xs, y: zip(test, spread).map { $0 - $1 }, isDashed: true),
                LineSeries("held-out + 1 sd", x: xs, y: zip(test, spread).map { $0 + $1 }, isDashed: true),
            ],
            titles: ChartTitles(title, x: x, y: curve.score))
    }
}

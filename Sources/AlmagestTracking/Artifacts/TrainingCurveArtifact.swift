import AlmagestCore
import AlmagestPlot
import Foundation

/// `training_curve.csv` of an iteratively trained model: one line per epoch (`epoch,
/// training_loss, validation_loss, validation_accuracy, seconds`, empty cells where there is no
/// validation part), with `training_curve.svg` and `.png` beside it when there are two epochs or
/// more. `chart` is the one drawing of the curves, for the run's figures and the dashboard.
///
/// ```swift
/// try run.write(TrainingCurveArtifact(model.trainingCurves!))
/// let curves = try TrainingCurveArtifact.read(from: directory).curves
/// ```
public struct TrainingCurveArtifact: TableArtifact, Equatable {
    public static let fileName = "training_curve.csv"

    public let curves: TrainingCurves

    public init(_ curves: TrainingCurves) { self.curves = curves }

    /// Reads the columns written by `encoded`; the epoch kept is the file's when `bestEpoch` is nil.
    public init(table names: [String], values: Matrix<Double>, source: String) throws {
        func column(_ name: String) throws -> [Double] {
            names.contains(name) ? try Self.column(name, of: names, values, source: source).filter(\.isFinite) : []
        }
        let loss = try Self.column("training_loss", of: names, values, source: source)
        curves = TrainingCurves(
            trainingLoss: loss, validationLoss: try column("validation_loss"),
            validationAccuracy: try column("validation_accuracy"), epochSeconds: try column("seconds"), bestEpoch: 0)
    }

    public func encoded() throws -> Data {
        var csv = CSVText(header: ["epoch", "training_loss", "validation_loss", "validation_accuracy", "seconds"])
        for (i, loss) in curves.trainingLoss.enumerated() {
            let cells = [loss, curves.validationLoss[safe: i], curves.validationAccuracy[safe: i], curves.epochSeconds[safe: i]]
            csv.append(["\(i + 1)"] + cells.map { $0.map { "\($0)" } ?? "" })
        }
        return csv.data
    }

    /// Training and validation loss and validation accuracy per epoch, the kept epoch marked
    /// (`bestEpoch` > 0); nil below two epochs.
    public func chart(bestEpoch: Int? = nil) -> LineChart? {
        guard curves.trainingLoss.count >= 2 else { return nil }
        let epochs = (1...curves.trainingLoss.count).map(Double.init)
        var series = [LineSeries("training loss", x: epochs, y: curves.trainingLoss)]
        if curves.validationLoss.count == epochs.count {
            series.append(LineSeries("validation loss", x: epochs, y: curves.validationLoss, isDashed: true))
        }
        if curves.validationAccuracy.count == epochs.count {
            series.append(LineSeries("validation accuracy", x: epochs, y: curves.validationAccuracy, isDashed: true))
        }
        let kept = bestEpoch ?? curves.bestEpoch
        let markers = kept > 0 ? [VerticalMarker(x: Double(kept), label: "kept")] : []
        return LineChart(series: series, markers: markers, titles: ChartTitles("Training curve", x: "epoch", y: "loss / accuracy"))
    }

    public func companions() throws -> [(name: String, contents: Data)] {
        guard let chart = chart() else { return [] }
        return [("training_curve.svg", Data(try chart.svg().utf8)), ("training_curve.png", try chart.png())]
    }
}

extension Array {
    subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}

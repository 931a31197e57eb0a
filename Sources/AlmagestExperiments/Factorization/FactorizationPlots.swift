import AlmagestCore
import AlmagestLearn
import AlmagestPlot

/// The figures of one NMF run: heatmaps of W and H, the training curves with the detected
/// effective-rank plateaus shaded, the rows of H as images ("signatures") and originals next to
/// reconstructions and error maps.
///
/// Cost: O(n m) for the reconstructions shown, O((n + m) r) for the heatmaps.
///
/// ```swift
/// let figures = try FactorizationPlots(model: model, data: data, plateau: spec.plateauDetector).figures()
/// for (name, chart) in figures { try chart.write(to: dir.appendingPathComponent(name + ".svg")) }
/// ```
public struct FactorizationPlots: Sendable {
    public let model: any TrackedFactorization
    public let data: FactorizationData
    public let plateau: PlateauDetector
    /// Images shown in the reconstruction figure.
    public let reconstructions: Int
    public let title: String

    public init(model: any TrackedFactorization, data: FactorizationData, plateau: PlateauDetector, reconstructions: Int = 5,
                title: String = "NMF") {
        self.model = model
        self.data = data
        self.plateau = plateau
        self.reconstructions = reconstructions
        self.title = title
    }

    /// The plateaus of the effective rank as iteration intervals.
    public var plateauIntervals: [MarkedInterval] {
        let points = model.history.points
        return plateau.plateaus(in: points.map(\.effectiveRank)).map { range in
            MarkedInterval(from: Double(points[range.lowerBound].iteration), to: Double(points[range.upperBound - 1].iteration),
                           label: String(format: "rank %.2f", points[range.lowerBound].effectiveRank))
        }
    }

    /// Named figures: heatmap_w, heatmap_h, training, and (for image rows) signatures and reconstructions.
    public func figures() -> [(name: String, chart: any Chart)] {
        var list: [(String, any Chart)] = [
            ("heatmap_w", Heatmap(values: model.w,
                                  titles: ChartTitles("W (\(model.w.rows) x \(model.w.columns))", x: "component", y: "sample"))),
            ("heatmap_h", Heatmap(values: model.h,
                                  titles: ChartTitles("H (\(model.w.columns) x \(model.h.columns))", x: "feature", y: "component"))),
        ]
        if model.history.points.count >= 2 { list.append(("training", trainingCurves())) }
        if let size = data.imageSize {
            list.append(("signatures", ImageGrid(
                rows: model.h, imageWidth: size.width, imageHeight: size.height, columns: Swift.min(5, model.w.columns),
                captions: (0..<model.w.columns).map { "component \($0)" }, colorMap: .greyReversed, scaling: .perImage,
                titles: "Rows of H")))
            let count = Swift.min(reconstructions, data.matrix.rows)
            let wh = try! Matrix.product(model.w.rows(at: 0..<count), model.h)
            list.append(("reconstructions", ReconstructionGrid(
                originals: (0..<count).map { Array(data.matrix.row($0)) }, reconstructions: (0..<count).map { Array(wh.row($0)) },
                imageWidth: size.width, imageHeight: size.height, rowLabels: (0..<count).map { "image \($0)" },
                titles: "Original, reconstruction, error")))
        }
        return list
    }

    /// Errors (log scale), effective rank, nuclear ratio and σ1/σ2 against iterations, plateaus shaded.
    /// Titles are ASCII so that the PNG's bitmap font renders them.
    public func trainingCurves() -> ChartGrid {
        let points = model.history.points
        let x = points.map { Double($0.iteration) }
        let intervals = plateauIntervals
        let positive = { (v: [Double]) in v.map { Swift.max($0, 1e-300) } }
        let errors = LineChart(
            series: [LineSeries("relative error", x: x, y: positive(points.map(\.relativeError)))], yScale: .logarithmic,
            intervals: intervals,
            titles: ChartTitles("Relative error ||A - WH||^2 / ||A||^2", x: "iteration", y: "relative error"))
        let absolute = LineChart(
            series: [LineSeries("||A - WH||", x: x, y: positive(points.map(\.absoluteError)))], yScale: .logarithmic,
            intervals: intervals, titles: ChartTitles("Absolute error", x: "iteration", y: "||A - WH||_F"))
        let rank = LineChart(
            series: [LineSeries("effective rank", x: x, y: points.map(\.effectiveRank), showsMarkers: true)],
            intervals: intervals, titles: ChartTitles("Effective rank of WH", x: "iteration", y: "exp(entropy)"))
        let ratio = LineChart(
            series: [LineSeries("nuclear / operator", x: x, y: points.map(\.nuclearOverOperator))],
            intervals: intervals, titles: ChartTitles("Nuclear / operator norm", x: "iteration", y: "sum(sigma) / sigma1"))
        let sigmas = LineChart(
            series: [LineSeries("sigma1", x: x, y: points.map(\.sigma1)), LineSeries("sigma2", x: x, y: points.map(\.sigma2), isDashed: true)],
            intervals: intervals, titles: ChartTitles("sigma1 and sigma2 of WH", x: "iteration", y: "singular value"))
        return ChartGrid(charts: [errors, absolute, rank, ratio, sigmas], columns: 2, titles: ChartTitles(title))
    }
}

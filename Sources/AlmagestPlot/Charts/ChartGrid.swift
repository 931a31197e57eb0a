/// Several charts in one figure, laid out in rows of `columns` panels (small multiples), such as
/// the four NMF training curves (errors, effective rank, nuclear ratio, σ1/σ2) side by side.
///
/// Each panel keeps its own size; a row is as tall as its tallest panel. Every panel becomes a
/// `<g class="panel" data-index="k">` holding that chart's elements (its root classes and data
/// attributes move onto the panel group). Cost: the sum of the panels' costs.
///
/// ```swift
/// let grid = ChartGrid(charts: [errorCurve, rankCurve, ratioCurve, sigmaCurve], columns: 2, titles: "Training")
/// try grid.write(to: URL(fileURLWithPath: "/tmp/training.png"))
/// ```
public struct ChartGrid: Chart {
    public var charts: [any Chart]
    public var columns: Int
    /// The title; this chart has no axes, so `titles.x` and `titles.y` are not drawn.
    public var titles: ChartTitles
    public var style: ChartStyle

    public init(
        charts: [any Chart], columns: Int = 2, titles: ChartTitles = ChartTitles(), style: ChartStyle = ChartStyle()
    ) {
        self.charts = charts
        self.columns = columns
        self.titles = titles
        self.style = style
    }

    public func scene() throws -> Scene {
        if charts.isEmpty { throw PlotError.emptyData(what: "chart grid panels") }
        guard columns >= 1 else {
            throw PlotError.invalidParameter(name: "columns", value: "\(columns)", expected: "at least 1")
        }
        let scenes = try charts.map { try $0.scene() }
        let perRow = min(columns, scenes.count)
        let rows = stride(from: 0, to: scenes.count, by: perRow).map { Array(scenes[$0..<min($0 + perRow, scenes.count)]) }
        let titleH = titles.titleHeight(style: style)
        let width = rows.map { $0.reduce(0) { $0 + $1.width } }.max() ?? 0
        let height = titleH + rows.reduce(0) { $0 + ($1.map(\.height).max() ?? 0) }
        var figure = style
        figure.width = max(width, 100)
        figure.height = max(height, 80)
        guard figure.width <= 20_000, figure.height <= 20_000 else {
            throw PlotError.invalidParameter(name: "chart grid size", value: "\(figure.width) x \(figure.height)",
                                             expected: "at most 20000 x 20000 pixels")
        }
        let frame = ChartFrame(style: figure, titles: titles.titleOnly, yTickLabelWidth: 0, legendWidth: 0)
        var scene = frame.scene(classes: ["chart-grid"])
        var y = titleH, index = 0
        for row in rows {
            var x = 0.0
            for panel in row {
                var children: [Node] = []
                if let background = panel.background {
                    children.append(.rect(Rect(x: x, y: y, width: panel.width, height: panel.height), style: .fill(background)))
                }
                children += panel.nodes.map { $0.translated(dx: x, dy: y) }
                var attributes = panel.attributes
                attributes.classes = ["panel"] + attributes.classes
                attributes.data.insert(DataAttribute(name: "index", value: "\(index)"), at: 0)
                scene.append(.group(children, attributes: attributes))
                x += panel.width
                index += 1
            }
            y += row.map(\.height).max() ?? 0
        }
        return scene
    }
}

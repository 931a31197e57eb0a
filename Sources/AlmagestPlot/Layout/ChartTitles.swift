/// The texts around a chart — its title above the plot and the titles of its x and y axes — as
/// one value that every chart's initialiser takes (`titles:`) and keeps (`chart.titles`).
///
/// A nil or empty text is not drawn and takes no room. Charts whose axes are fixed (ROC, confusion
/// matrix, silhouette) draw their own axis titles where `x` or `y` is nil; charts without axes
/// (image grids, chart grids, Sankey and 3-D scatter) draw the title only. A string literal is a
/// title alone. The drawing lives here too (after `MARK: - Private`), so every chart places its
/// titles the same way. Cost: O(1).
///
/// ```swift
/// let chart = LineChart(series: [LineSeries("loss", y: losses)],
///                       titles: ChartTitles("Training curve", x: "epoch", y: "loss"))
/// let grid = ChartGrid(charts: [chart], titles: "Training")
/// ```
public struct ChartTitles: Sendable, Equatable, ExpressibleByStringLiteral {
    /// The title above the plot.
    public var title: String?
    /// The title under the x axis.
    public var x: String?
    /// The title left of the y axis, reading upwards.
    public var y: String?

    public init(_ title: String? = nil, x: String? = nil, y: String? = nil) {
        self.title = title
        self.x = x
        self.y = y
    }

    /// A title alone: `titles: "k-means, k = 10"`.
    public init(stringLiteral title: String) {
        self.init(title)
    }
}

// MARK: - Private: layout and drawing shared by the charts

extension ChartTitles {
    var hasTitle: Bool { title?.isEmpty == false }
    var hasX: Bool { x?.isEmpty == false }
    var hasY: Bool { y?.isEmpty == false }

    /// The title without axis titles, for charts that have no axes.
    var titleOnly: ChartTitles { ChartTitles(title) }

    /// These titles with a chart's own axis titles where `x` or `y` is nil.
    func defaultingAxes(x: String, y: String) -> ChartTitles {
        ChartTitles(title, x: self.x ?? x, y: self.y ?? y)
    }

    /// The height of the band the title takes above the figure: 0 without a title.
    func titleHeight(style: ChartStyle) -> Double {
        hasTitle ? style.titleSize * 2.4 : 0
    }

    /// The bold title centred at the top of a figure `style.width` wide.
    func titleNode(style: ChartStyle) -> Node? {
        guard let title, hasTitle else { return nil }
        return .text(
            TextSpec(title, at: Point(style.width / 2, style.titleSize * 1.2), size: style.titleSize, anchor: .middle,
                     isBold: true),
            attributes: Attributes(classes: ["title"]))
    }

    /// The x axis title under the tick labels of `plot` (lowered by `extraBottom`) and the y axis
    /// title left of them.
    func axisNodes(plot: Rect, fontSize f: Double, extraBottom: Double = 0) -> [Node] {
        var nodes: [Node] = []
        if let x, hasX {
            nodes.append(.text(
                TextSpec(x, at: Point(plot.midX, plot.maxY + f * 2.6 + extraBottom), size: f, anchor: .middle),
                attributes: Attributes(classes: ["axis-label", "x"])))
        }
        if let y, hasY {
            nodes.append(.text(
                TextSpec(y, at: Point(f * 1.1, plot.midY), size: f, anchor: .middle, orientation: .upward),
                attributes: Attributes(classes: ["axis-label", "y"])))
        }
        return nodes
    }
}

/// A 2-D scatter plot of points coloured by an integer label (cluster or class), with one label
/// optionally highlighted (its points drawn on top with a dark ring, the others faded).
///
/// Each point is an SVG `<circle class="point">` with `data-index` (position in the input) and
/// `data-label`; highlighted points also carry the class `highlighted`, so a page's JavaScript can
/// find and restyle them. Cost: O(n log n) (labels are sorted once).
///
/// ```swift
/// let chart = ScatterChart(x: embedding.column(0), y: embedding.column(1), labels: clusters,
///                          highlight: 3, titles: "t-SNE of digits")
/// let svg = try chart.svg()
/// ```
public struct ScatterChart: Chart {
    public var x: [Double]
    public var y: [Double]
    /// One label per point; nil colours every point alike.
    public var labels: [Int]?
    /// Legend names for labels (defaults to the number; negative labels read "noise").
    public var labelNames: [Int: String]
    /// A label whose points stand out.
    public var highlight: Int?
    /// The title and the axis titles.
    public var titles: ChartTitles
    public var pointRadius: Double
    public var style: ChartStyle

    public init(
        x: [Double], y: [Double], labels: [Int]? = nil, labelNames: [Int: String] = [:], highlight: Int? = nil,
        titles: ChartTitles = ChartTitles(), pointRadius: Double = 3.5,
        style: ChartStyle = ChartStyle()
    ) {
        self.x = x
        self.y = y
        self.labels = labels
        self.labelNames = labelNames
        self.highlight = highlight
        self.titles = titles
        self.pointRadius = pointRadius
        self.style = style
    }

    public func scene() throws -> Scene {
        try style.validate()
        try Validate.finite(x, "scatter chart x")
        try Validate.finite(y, "scatter chart y")
        try Validate.length(y.count, "scatter chart y", equals: x.count, "x")
        if let labels { try Validate.length(labels.count, "scatter chart labels", equals: x.count, "x") }
        let (labels, colors, legend) = try LabelColors.forPoints(
            labels: self.labels, count: x.count, names: labelNames, highlight: highlight, pointRadius: pointRadius, style: style)

        // Lay out with provisional y ticks, then map.
        let yProbe = AxisMapping.fitted(to: y, scale: .linear, pixels: (1, 0))
        let frame = ChartFrame(
            style: style, titles: titles,
            yTickLabelWidth: AxisGuide(mapping: yProbe).labelWidth(fontSize: style.fontSize), legendWidth: legend.width)
        let plot = frame.plot
        let pad = pointRadius + 2
        let xMap = AxisMapping.fitted(to: x, scale: .linear, pixels: (plot.x + pad, plot.maxX - pad))
        let yMap = AxisMapping.fitted(to: y, scale: .linear, pixels: (plot.maxY - pad, plot.y + pad))

        var scene = frame.scene(classes: ["scatter"])
        scene.append(AxisGuide.draw(x: AxisGuide(mapping: xMap), y: AxisGuide(mapping: yMap), in: plot, fontSize: style.fontSize))
        var order = Array(x.indices)
        if let highlight { order = order.filter { labels[$0] != highlight } + order.filter { labels[$0] == highlight } }
        var points: [Node] = []
        points.reserveCapacity(x.count)
        for i in order {
            let label = labels[i]
            let lit = colors.isHighlighted(label)
            let style = lit
                ? Style(fill: colors.color(for: label).withAlpha(1), stroke: .ink, strokeWidth: 1)
                : Style(fill: colors.color(for: label))
            points.append(.circle(
                center: Point(xMap.position(of: x[i]), yMap.position(of: y[i])),
                radius: lit ? pointRadius * 1.3 : pointRadius, style: style,
                attributes: Attributes(
                    classes: lit ? ["point", "highlighted"] : ["point"],
                    data: [("index", "\(i)"), ("label", "\(label)")])))
        }
        scene.append(.group(points, attributes: Attributes(classes: ["points"])))
        scene.append(contentsOf: frame.axisTitles())
        if !legend.entries.isEmpty { scene.append(legend.node(at: Point(plot.maxX + 12, plot.y))) }
        return scene
    }
}

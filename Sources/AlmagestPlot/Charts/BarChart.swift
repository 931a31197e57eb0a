import Foundation

/// One named series of a grouped bar chart, one value per category.
public struct BarSeries: Sendable, Equatable {
    public var name: String
    public var values: [Double]
    public init(_ name: String, values: [Double]) {
        self.name = name
        self.values = values
    }
}

/// A grouped bar chart: for each category, one bar per series side by side, from zero (negative
/// values hang below the zero line). Used for a metric per descriptor or per algorithm.
///
/// Each bar is a `<rect class="bar">` with `data-series`, `data-category` and `data-value`.
/// Cost: O(categories x series).
///
/// ```swift
/// let chart = BarChart(categories: ["HOG", "pixels", "PCA"],
///                      series: [BarSeries("AMI", values: [0.81, 0.62, 0.7])], titles: ChartTitles(y: "AMI"),
///                      showValues: true)
/// ```
public struct BarChart: Chart {
    public var categories: [String]
    public var series: [BarSeries]
    /// The title and the axis titles.
    public var titles: ChartTitles
    /// Write each value above its bar.
    public var showValues: Bool
    public var style: ChartStyle

    public init(
        categories: [String], series: [BarSeries], titles: ChartTitles = ChartTitles(), showValues: Bool = false,
        style: ChartStyle = ChartStyle()
    ) {
        self.categories = categories
        self.series = series
        self.titles = titles
        self.showValues = showValues
        self.style = style
    }

    public func scene() throws -> Scene {
        try style.validate()
        if categories.isEmpty { throw PlotError.emptyData(what: "bar chart categories") }
        if series.isEmpty { throw PlotError.emptyData(what: "bar chart series") }
        for s in series {
            try Validate.length(s.values.count, "bar series \"\(s.name)\"", equals: categories.count, "categories")
            try Validate.finite(s.values, "bar series \"\(s.name)\"")
        }
        let all = series.flatMap(\.values) + [0]
        let legend = Legend(
            entries: series.count > 1
                ? series.enumerated().map { Legend.Entry($1.name, color: style.palette.color(at: $0), swatch: .box) } : [],
            fontSize: style.fontSize)
        let probe = AxisMapping.fitted(to: all, scale: .linear, pixels: (1, 0))
        let yTickWidth = AxisGuide(mapping: probe).labelWidth(fontSize: style.fontSize)
        let first = ChartFrame(style: style, titles: titles, yTickLabelWidth: yTickWidth, legendWidth: legend.width)
        let names = CategoryLabels(categories, slot: first.plot.width / Double(categories.count), fontSize: style.fontSize)
        let frame = ChartFrame(style: style, titles: titles, yTickLabelWidth: yTickWidth,
                               legendWidth: legend.width, extraBottom: names.extraBottom)
        let plot = frame.plot
        let yMap = AxisMapping.fitted(to: all, scale: .linear, pixels: (plot.maxY, plot.y + (showValues ? style.fontSize * 1.2 : 0)))
        let groupWidth = plot.width / Double(categories.count)
        let barWidth = groupWidth * 0.8 / Double(series.count)
        let centers = categories.indices.map { plot.x + (Double($0) + 0.5) * groupWidth }

        var scene = frame.scene(classes: ["bars"])
        let xGuide = AxisGuide(positions: centers, labels: names.labels, grid: false, rotated: names.rotated)
        scene.append(AxisGuide.draw(x: xGuide, y: AxisGuide(mapping: yMap), in: plot, fontSize: style.fontSize))
        let zero = yMap.position(of: 0)
        var bars: [Node] = [], values: [Node] = []
        for (k, s) in series.enumerated() {
            let color = style.palette.color(at: k)
            for (c, value) in s.values.enumerated() {
                let left = centers[c] - groupWidth * 0.4 + Double(k) * barWidth
                let top = min(yMap.position(of: value), zero), bottom = max(yMap.position(of: value), zero)
                bars.append(.rect(
                    Rect(x: left + barWidth * 0.05, y: top, width: barWidth * 0.9, height: bottom - top),
                    style: .fill(color),
                    attributes: Attributes(
                        classes: ["bar"],
                        data: [("series", s.name), ("category", categories[c]), ("value", SVGFormat.value(value))],
                        title: "\(s.name), \(categories[c]): \(Self.format(value))")))
                if showValues {
                    let y = value >= 0 ? top - style.fontSize * 0.7 : bottom + style.fontSize * 0.7
                    values.append(.text(TextSpec(Self.format(value), at: Point(left + barWidth / 2, y),
                                                 size: style.fontSize * 0.85, anchor: .middle)))
                }
            }
        }
        scene.append(.group(bars, attributes: Attributes(classes: ["series"])))
        if !values.isEmpty { scene.append(.group(values, attributes: Attributes(classes: ["values"]))) }
        scene.append(.line(from: Point(plot.x, zero), to: Point(plot.maxX, zero), style: .stroke(.ink, width: 1)))
        scene.append(contentsOf: frame.axisTitles(extraBottom: names.extraBottom))
        if !legend.entries.isEmpty { scene.append(legend.node(at: Point(plot.maxX + 12, plot.y))) }
        return scene
    }

    // MARK: - Private

    /// Three significant digits without trailing zeros, no exponent for everyday magnitudes.
    static func format(_ value: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1e5 || magnitude < 1e-3 { return String(format: "%.2e", value) }
        let decimals = max(0, 2 - Int(log10(magnitude).rounded(.down)))
        var text = String(format: "%.\(decimals)f", value)
        if text.contains(".") {
            while text.hasSuffix("0") { text.removeLast() }
            if text.hasSuffix(".") { text.removeLast() }
        }
        return text
    }
}

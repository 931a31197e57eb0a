import AlmagestCore

/// A heatmap of a matrix with a colour bar: one cell per entry, coloured by a continuous colour
/// map over a fixed or automatic value range (row 0 at the top). Used for the factors W and H of
/// an NMF and for any matrix of scores.
///
/// Small matrices (up to 4,096 cells) are drawn as `<rect class="cell">` elements with
/// `data-row`, `data-column` and `data-value`, optionally annotated with their values; larger ones
/// as one embedded bitmap with one pixel per cell. Cost: O(rows x columns).
///
/// ```swift
/// let chart = Heatmap(values: model.h, colorMap: .viridis, titles: ChartTitles("H", x: "pixel", y: "component"))
/// try chart.write(to: URL(fileURLWithPath: "/tmp/h.png"))
/// ```
public struct Heatmap: Chart {
    public var values: Matrix<Double>
    public var colorMap: ColorMap
    /// The values mapped to the ends of the colour map; nil uses the data's minimum and maximum.
    public var range: ClosedRange<Double>?
    public var rowLabels: [String]?
    public var columnLabels: [String]?
    /// Write each value in its cell (only for small matrices drawn cell by cell).
    public var annotate: Bool
    /// The title and the axis titles.
    public var titles: ChartTitles
    public var style: ChartStyle

    /// Matrices with more cells than this are drawn as one bitmap.
    public static let maximumCellElements = 4096

    public init(
        values: Matrix<Double>, colorMap: ColorMap = .viridis, range: ClosedRange<Double>? = nil,
        rowLabels: [String]? = nil, columnLabels: [String]? = nil, annotate: Bool = false,
        titles: ChartTitles = ChartTitles(), style: ChartStyle = ChartStyle()
    ) {
        self.values = values
        self.colorMap = colorMap
        self.range = range
        self.rowLabels = rowLabels
        self.columnLabels = columnLabels
        self.annotate = annotate
        self.titles = titles
        self.style = style
    }

    public func scene() throws -> Scene {
        try style.validate()
        guard values.rows > 0, values.columns > 0 else { throw PlotError.emptyData(what: "heatmap values") }
        if let i = values.elements.firstIndex(where: { !$0.isFinite }) {
            throw PlotError.nonFinite(what: "heatmap values (row-major)", index: i, value: values.elements[i])
        }
        if let rowLabels { try Validate.length(rowLabels.count, "heatmap row labels", equals: values.rows, "the matrix rows") }
        if let columnLabels {
            try Validate.length(columnLabels.count, "heatmap column labels", equals: values.columns, "the matrix columns")
        }
        if let range, !(range.lowerBound.isFinite && range.upperBound.isFinite) {
            throw PlotError.invalidParameter(name: "range", value: "\(range)", expected: "finite bounds")
        }
        let lo = range?.lowerBound ?? values.elements.min() ?? 0, hi = range?.upperBound ?? values.elements.max() ?? 1
        let colorRange = hi > lo ? lo...hi : (lo - 0.5)...(hi + 0.5)
        let bar = ColorBar(map: colorMap, range: colorRange, fontSize: style.fontSize)

        let rowTicks = rowLabels == nil ? ColorBar.indexTicks(count: values.rows) : Array(0..<values.rows)
        let rowTickLabels = rowTicks.map { rowLabels?[$0] ?? "\($0)" }
        let yTickWidth = rowTickLabels.map { TextSpec.estimatedWidth(of: $0, size: style.fontSize) }.max() ?? 0
        let columnTicks = columnLabels == nil ? ColorBar.indexTicks(count: values.columns) : Array(0..<values.columns)
        let first = ChartFrame(style: style, titles: titles, yTickLabelWidth: yTickWidth, legendWidth: bar.width)
        let names = CategoryLabels(columnTicks.map { columnLabels?[$0] ?? "\($0)" },
                                   slot: first.plot.width / Double(max(columnTicks.count, 1)), fontSize: style.fontSize)
        let frame = ChartFrame(style: style, titles: titles, yTickLabelWidth: yTickWidth,
                               legendWidth: bar.width, extraBottom: names.extraBottom)
        let plot = frame.plot
        let cellW = plot.width / Double(values.columns), cellH = plot.height / Double(values.rows)
        var scene = frame.scene(classes: ["heatmap"])
        let t = { (v: Double) in (v - colorRange.lowerBound) / (colorRange.upperBound - colorRange.lowerBound) }

        if values.count <= Self.maximumCellElements {
            var cells: [Node] = [], notes: [Node] = []
            for r in 0..<values.rows {
                for c in 0..<values.columns {
                    let v = values[r, c], color = colorMap.color(at: t(v))
                    let cell = Rect(x: plot.x + Double(c) * cellW, y: plot.y + Double(r) * cellH, width: cellW, height: cellH)
                    cells.append(.rect(cell, style: .fill(color), attributes: Attributes(
                        classes: ["cell"],
                        data: [("row", "\(r)"), ("column", "\(c)"), ("value", SVGFormat.value(v))])))
                    if annotate {
                        notes.append(.text(
                            TextSpec(BarChart.format(v), at: Point(cell.midX, cell.midY),
                                     size: min(style.fontSize, cellH * 0.6), anchor: .middle),
                            color: color.contrastingText))
                    }
                }
            }
            scene.append(.group(cells, attributes: Attributes(classes: ["cells"])))
            if !notes.isEmpty { scene.append(.group(notes, attributes: Attributes(classes: ["annotations"]))) }
        } else {
            var rgba = [UInt8](repeating: 255, count: 4 * values.count)
            for (i, v) in values.elements.enumerated() {
                let color = colorMap.color(at: t(v))
                rgba[4 * i] = color.red
                rgba[4 * i + 1] = color.green
                rgba[4 * i + 2] = color.blue
            }
            scene.append(.image(try Bitmap(width: values.columns, height: values.rows, rgba: rgba), frame: plot,
                                attributes: Attributes(classes: ["cells"],
                                                       data: [("rows", "\(values.rows)"), ("columns", "\(values.columns)")])))
        }
        let xGuide = AxisGuide(
            positions: columnTicks.map { plot.x + (Double($0) + 0.5) * cellW }, labels: names.labels, grid: false,
            rotated: names.rotated)
        let yGuide = AxisGuide(positions: rowTicks.map { plot.y + (Double($0) + 0.5) * cellH }, labels: rowTickLabels, grid: false)
        scene.append(AxisGuide.draw(x: xGuide, y: yGuide, in: plot, fontSize: style.fontSize, frame: false))
        scene.append(.rect(plot, style: .stroke(Color(hex: 0x888888), width: 0.8)))
        scene.append(contentsOf: frame.axisTitles(extraBottom: names.extraBottom))
        scene.append(bar.node(in: Rect(x: plot.maxX + 16, y: plot.y, width: bar.width, height: plot.height)))
        return scene
    }
}

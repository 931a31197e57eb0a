/// A silhouette plot (Rousseeuw 1987): for each cluster, its samples' silhouette values as
/// horizontal bars sorted from largest to smallest, clusters stacked with gaps, plus a dashed line
/// at the mean silhouette over all samples. Wide, flat blocks mean well-separated clusters; bars
/// left of zero are samples closer to another cluster.
///
/// Each cluster is one `<polygon class="cluster">` (the outline of its bars) with `data-label`,
/// `data-size` and `data-mean`. Silhouette values are computed elsewhere (metrics); this chart
/// only draws them. Cost: O(n log n) for the sorting.
///
/// ```swift
/// let chart = SilhouettePlot(values: silhouetteSamples, labels: clusters, titles: "k-means, k = 10")
/// ```
public struct SilhouettePlot: Chart {
    /// One silhouette value in -1...1 per sample.
    public var values: [Double]
    public var labels: [Int]
    public var labelNames: [Int: String]
    /// The title and the axis titles (nil axis titles read "silhouette value" and "cluster").
    public var titles: ChartTitles
    public var style: ChartStyle

    public init(
        values: [Double], labels: [Int], labelNames: [Int: String] = [:], titles: ChartTitles = ChartTitles(),
        style: ChartStyle = ChartStyle(width: 620, height: 520)
    ) {
        self.values = values
        self.labels = labels
        self.labelNames = labelNames
        self.titles = titles
        self.style = style
    }

    public func scene() throws -> Scene {
        try style.validate()
        try Validate.finite(values, "silhouette values")
        try Validate.length(labels.count, "silhouette labels", equals: values.count, "the silhouette values")
        if let i = values.firstIndex(where: { $0 < -1 - 1e-9 || $0 > 1 + 1e-9 }) {
            throw PlotError.invalidParameter(name: "silhouette value [\(i)]", value: "\(values[i])", expected: "a value in -1...1")
        }
        let colors = try LabelColors(labels: labels, names: labelNames, highlight: nil, palette: style.palette)
        let clusters = colors.distinct
        let names = clusters.map { colors.name(for: $0) }
        let nameWidth = names.map { TextSpec.estimatedWidth(of: $0, size: style.fontSize) }.max() ?? 0
        let mean = values.reduce(0, +) / Double(values.count)
        let frame = ChartFrame(
            style: style, titles: titles.defaultingAxes(x: "silhouette value", y: "cluster"), yTickLabelWidth: nameWidth,
            legendWidth: 0, extraTop: style.fontSize * 0.8)
        let plot = frame.plot
        let xMap = AxisMapping.fitted(to: [min(values.min() ?? 0, 0), 1], scale: .linear, pixels: (plot.x, plot.maxX), tickCount: 6)
        let n = Double(values.count)
        let gap = max(n * 0.025, 1)
        let unit = plot.height / (n + gap * Double(clusters.count + 1))

        var scene = frame.scene(classes: ["silhouette"])
        scene.append(AxisGuide.draw(x: AxisGuide(mapping: xMap), y: nil, in: plot, fontSize: style.fontSize))
        let zero = xMap.position(of: 0)
        var blocks: [Node] = [], clusterNames: [Node] = []
        var top = plot.y + gap * unit
        for (k, label) in clusters.enumerated() {
            let members = values.indices.filter { labels[$0] == label }.map { values[$0] }.sorted(by: >)
            let height = Double(members.count) * unit
            var outline = [Point(zero, top)]
            for (i, v) in members.enumerated() {
                let x = xMap.position(of: v), y = top + Double(i) * unit
                outline += [Point(x, y), Point(x, y + unit)]
            }
            outline.append(Point(zero, top + height))
            let clusterMean = members.reduce(0, +) / Double(max(members.count, 1))
            blocks.append(.polygon(outline, style: .fill(colors.color(for: label).withAlpha(0.9)), attributes: Attributes(
                classes: ["cluster"],
                data: [("label", "\(label)"), ("size", "\(members.count)"), ("mean", SVGFormat.value(clusterMean))],
                title: "\(names[k]): \(members.count) samples, mean silhouette \(Ticks.label(clusterMean, step: 0.001))")))
            clusterNames.append(.text(TextSpec(names[k], at: Point(plot.x - 7, top + height / 2), size: style.fontSize, anchor: .end)))
            top += height + gap * unit
        }
        scene.append(.group(blocks, attributes: Attributes(classes: ["clusters"])))
        scene.append(.group(clusterNames, attributes: Attributes(classes: ["tick-labels"])))
        scene.append(.line(from: Point(zero, plot.y), to: Point(zero, plot.maxY), style: .stroke(.ink, width: 1)))
        let meanX = xMap.position(of: mean)
        scene.append(.group([
            .line(from: Point(meanX, plot.y), to: Point(meanX, plot.maxY), style: .stroke(Color(hex: 0xD55E00), width: 1.5, dash: [5, 4])),
            .text(TextSpec("mean = \(Ticks.label(mean, step: 0.01))", at: Point(meanX + 5, plot.y - style.fontSize * 0.75),
                           size: style.fontSize), color: Color(hex: 0xA04000)),
        ], attributes: Attributes(classes: ["mean"], data: [("mean", SVGFormat.value(mean))])))
        scene.append(contentsOf: frame.axisTitles())
        return scene
    }
}

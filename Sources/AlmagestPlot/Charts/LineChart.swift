/// One named curve of a line chart.
public struct LineSeries: Sendable, Equatable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    public var isDashed: Bool
    /// Draw a small disc at every point.
    public var showsMarkers: Bool
    /// A shaded band around the curve (lower and upper value at each x, such as mean ± one
    /// standard deviation), drawn under the line in the series' colour; nil for none.
    public var band: (lower: [Double], upper: [Double])?

    public init(
        _ name: String, x: [Double], y: [Double], isDashed: Bool = false, showsMarkers: Bool = false,
        band: (lower: [Double], upper: [Double])? = nil
    ) {
        self.name = name
        self.x = x
        self.y = y
        self.isDashed = isDashed
        self.showsMarkers = showsMarkers
        self.band = band
    }

    public static func == (a: LineSeries, b: LineSeries) -> Bool {
        a.name == b.name && a.x == b.x && a.y == b.y && a.isDashed == b.isDashed && a.showsMarkers == b.showsMarkers
            && a.band?.lower == b.band?.lower && a.band?.upper == b.band?.upper
    }

    /// A series over x = 0, 1, 2, ...
    public init(_ name: String, y: [Double], isDashed: Bool = false, showsMarkers: Bool = false) {
        self.init(name, x: y.indices.map(Double.init), y: y, isDashed: isDashed, showsMarkers: showsMarkers)
    }
}

/// A shaded x-interval, such as a plateau of the effective rank during training.
public struct MarkedInterval: Sendable, Equatable {
    public var from: Double
    public var to: Double
    public var label: String?
    public init(from: Double, to: Double, label: String? = nil) {
        self.from = from
        self.to = to
        self.label = label
    }
}

/// A vertical line at an x value, such as the iteration where training stopped.
public struct VerticalMarker: Sendable, Equatable {
    public var x: Double
    public var label: String?
    public init(x: Double, label: String? = nil) {
        self.x = x
        self.label = label
    }
}

/// A line chart of several series over a shared x axis, with a linear or logarithmic y axis,
/// shaded x-intervals (plateaus) and vertical markers. Used for training curves.
///
/// Each series is a `<g class="series">` with `data-name`, `data-index` and its points as
/// space-separated `data-x`/`data-y` values, holding its `<polyline>` (and point markers
/// `<circle data-point="i">`, i the point's position in the series, and its band, when it has one,
/// as a `<polygon class="band">` under the line); intervals are
/// `<rect class="interval">` with `data-from`/`data-to`, markers `<line class="marker">`, legend
/// entries `<g class="legend-entry">` with `data-series` (the series' index). The root `<svg>`
/// carries the plot area and its data ranges (`data-plot-x`, `-y`, `-width`, `-height`,
/// `data-x-min`, `-max`, `data-y-min`, `-max`, `data-y-scale` = `linear` or `log`), so a script can
/// map a pointer position to data values.
/// A logarithmic y axis refuses values <= 0 with `PlotError.nonPositiveOnLogScale`.
/// Cost: O(total points).
///
/// ```swift
/// let chart = LineChart(series: [LineSeries("relative error", y: errors)], yScale: .logarithmic,
///                       intervals: [MarkedInterval(from: 120, to: 300, label: "rank 4")],
///                       titles: ChartTitles(x: "iteration", y: "error"))
/// ```
public struct LineChart: Chart {
    public var series: [LineSeries]
    public var yScale: AxisScale
    public var intervals: [MarkedInterval]
    public var markers: [VerticalMarker]
    /// The title and the axis titles.
    public var titles: ChartTitles
    public var style: ChartStyle

    public init(
        series: [LineSeries], yScale: AxisScale = .linear, intervals: [MarkedInterval] = [],
        markers: [VerticalMarker] = [], titles: ChartTitles = ChartTitles(),
        style: ChartStyle = ChartStyle()
    ) {
        self.series = series
        self.yScale = yScale
        self.intervals = intervals
        self.markers = markers
        self.titles = titles
        self.style = style
    }

    public func scene() throws -> Scene {
        try validate()
        let legend = Legend(
            entries: series.count > 1  // one series is named by the title or the y label
                ? series.enumerated().map {
                    Legend.Entry($1.name, color: style.palette.color(at: $0), swatch: .line(dash: $1.isDashed ? [6, 4] : []),
                                 data: [("series", "\($0)")])
                } : [],
            fontSize: style.fontSize)
        let xs = series.flatMap(\.x) + intervals.flatMap { [$0.from, $0.to] } + markers.map(\.x)
        let ys = series.flatMap { $0.y + ($0.band?.lower ?? []) + ($0.band?.upper ?? []) }
        let probe = AxisMapping.fitted(to: ys, scale: yScale, pixels: (1, 0))
        let frame = ChartFrame(
            style: style, titles: titles,
            yTickLabelWidth: AxisGuide(mapping: probe).labelWidth(fontSize: style.fontSize), legendWidth: legend.width)
        let plot = frame.plot
        let xMap = AxisMapping.fitted(to: xs, scale: .linear, pixels: (plot.x, plot.maxX))
        let yMap = AxisMapping.fitted(to: ys, scale: yScale, pixels: (plot.maxY, plot.y))

        var scene = frame.scene(classes: ["lines"])
        scene.attributes.data += Self.mapping(plot: plot, x: xMap, y: yMap)
        var shaded: [Node] = []
        for interval in intervals {
            let a = min(max(xMap.position(of: interval.from), plot.x), plot.maxX)
            let b = min(max(xMap.position(of: interval.to), plot.x), plot.maxX)
            var items: [Node] = [.rect(
                Rect(x: a, y: plot.y, width: max(b - a, 1), height: plot.height),
                style: .fill(Color(hex: 0xE69F00, alpha: 0.16)),
                attributes: Attributes(
                    classes: ["interval"],
                    data: [("from", SVGFormat.value(interval.from)), ("to", SVGFormat.value(interval.to))]))]
            if let label = interval.label, !label.isEmpty {
                items.append(.text(TextSpec(label, at: Point((a + b) / 2, plot.y + style.fontSize), size: style.fontSize * 0.85,
                                            anchor: .middle), color: Color(hex: 0x8A5A00)))
            }
            shaded.append(.group(items))
        }
        scene.append(.group(shaded, attributes: Attributes(classes: ["intervals"])))
        scene.append(AxisGuide.draw(x: AxisGuide(mapping: xMap), y: AxisGuide(mapping: yMap), in: plot, fontSize: style.fontSize))
        for marker in markers {
            let x = xMap.position(of: marker.x)
            var items: [Node] = [.line(
                from: Point(x, plot.y), to: Point(x, plot.maxY), style: .stroke(Color(hex: 0x555555), width: 1.2, dash: [4, 3]),
                attributes: Attributes(classes: ["marker"], data: [("x", SVGFormat.value(marker.x))]))]
            if let label = marker.label, !label.isEmpty {
                // Right of the line, or left of it in the right fifth of the plot (so it stays inside).
                let nearRight = x > plot.maxX - plot.width * 0.2
                items.append(.text(TextSpec(label, at: Point(nearRight ? x - 4 : x + 4, plot.y + style.fontSize * 2.2),
                                            size: style.fontSize * 0.85, anchor: nearRight ? .end : .start),
                                   color: Color(hex: 0x555555)))
            }
            scene.append(.group(items, attributes: Attributes(classes: ["markers"])))
        }
        var curves: [Node] = []
        for (k, s) in series.enumerated() {
            let color = style.palette.color(at: k)
            let points = zip(s.x, s.y).map { Point(xMap.position(of: $0), yMap.position(of: $1)) }
            let point = { (i: Int) in Attributes(data: [("point", "\(i)")]) }
            var items: [Node] = []
            if let band = s.band, s.x.count > 1 {
                let upper = zip(s.x, band.upper).map { Point(xMap.position(of: $0), yMap.position(of: $1)) }
                let lower = zip(s.x, band.lower).map { Point(xMap.position(of: $0), yMap.position(of: $1)) }
                var fill = color
                fill.alpha = 0.18
                items.append(.polygon(upper + lower.reversed(), style: .fill(fill), attributes: Attributes(classes: ["band"])))
            }
            items.append(points.count == 1
                ? .circle(center: points[0], radius: 3, style: .fill(color), attributes: point(0))
                : .polyline(points, style: .stroke(color, width: 2, dash: s.isDashed ? [6, 4] : [])))
            if s.showsMarkers && points.count > 1 {
                items += points.enumerated().map { .circle(center: $1, radius: 2.5, style: .fill(color), attributes: point($0)) }
            }
            let values = [("name", s.name), ("index", "\(k)"), ("x", s.x.map(SVGFormat.value).joined(separator: " ")),
                          ("y", s.y.map(SVGFormat.value).joined(separator: " "))]
            curves.append(.group(items, attributes: Attributes(classes: ["series"], data: values)))
        }
        scene.append(.group(curves, attributes: Attributes(classes: ["curves"])))
        scene.append(contentsOf: frame.axisTitles())
        if !legend.entries.isEmpty { scene.append(legend.node(at: Point(plot.maxX + 12, plot.y))) }
        return scene
    }

    // MARK: - Private

    /// The plot rectangle and the data ranges its edges stand for, as root `data-*` attributes.
    private static func mapping(plot: Rect, x: AxisMapping, y: AxisMapping) -> [DataAttribute] {
        [("plot-x", plot.x), ("plot-y", plot.y), ("plot-width", plot.width), ("plot-height", plot.height),
         ("x-min", x.domain.lowerBound), ("x-max", x.domain.upperBound),
         ("y-min", y.domain.lowerBound), ("y-max", y.domain.upperBound)]
            .map { DataAttribute(name: $0.0, value: SVGFormat.value($0.1)) }
            + [DataAttribute(name: "y-scale", value: y.scale == .logarithmic ? "log" : "linear")]
    }

    private func validate() throws {
        try style.validate()
        if series.isEmpty { throw PlotError.emptyData(what: "line chart series") }
        for s in series {
            let name = "line series \"\(s.name)\""
            try Validate.finite(s.x, name + " x")
            try Validate.finite(s.y, name + " y")
            try Validate.length(s.y.count, name + " y", equals: s.x.count, "its x")
            if let band = s.band {
                try Validate.finite(band.lower, name + " band lower")
                try Validate.finite(band.upper, name + " band upper")
                try Validate.length(band.lower.count, name + " band lower", equals: s.x.count, "its x")
                try Validate.length(band.upper.count, name + " band upper", equals: s.x.count, "its x")
            }
            if yScale == .logarithmic, let i = s.y.firstIndex(where: { $0 <= 0 }) {
                throw PlotError.nonPositiveOnLogScale(what: name + " y", index: i, value: s.y[i])
            }
            if yScale == .logarithmic, let lower = s.band?.lower, let i = lower.firstIndex(where: { $0 <= 0 }) {
                throw PlotError.nonPositiveOnLogScale(what: name + " band lower", index: i, value: lower[i])
            }
        }
        for (i, interval) in intervals.enumerated() {
            guard interval.from.isFinite, interval.to.isFinite, interval.from <= interval.to else {
                throw PlotError.invalidParameter(
                    name: "intervals[\(i)]", value: "\(interval.from)...\(interval.to)",
                    expected: "finite bounds with from <= to")
            }
        }
        try Validate.finite(markers.map(\.x), "vertical markers x", allowEmpty: true)
    }
}

import AlmagestCore
import Foundation

/// A 3-D scatter plot drawn with an orthographic projection from a viewing direction given by
/// azimuth (around the vertical z axis) and elevation (above the x-y plane), points sorted back to
/// front and slightly larger when nearer. Points are coloured by label with one label optionally
/// highlighted, as in `ScatterChart`.
///
/// Each point carries `data-index`, `data-label` and its original coordinates `data-x`, `data-y`,
/// `data-z`; the root element carries `data-azimuth`, `data-elevation` and the normalisation
/// (`data-center-*`, `data-scale`), so a page can re-project and rotate it without the server.
/// Cost: O(n log n) for the depth sort.
///
/// ```swift
/// let chart = try Scatter3DChart(points: embedding3, labels: clusters, highlight: 1, azimuth: 30, elevation: 20)
/// try chart.write(to: URL(fileURLWithPath: "/tmp/scatter3d.svg"))
/// ```
public struct Scatter3DChart: Chart {
    public var x: [Double]
    public var y: [Double]
    public var z: [Double]
    public var labels: [Int]?
    public var labelNames: [Int: String]
    public var highlight: Int?
    /// Rotation around the vertical axis, in degrees.
    public var azimuth: Double
    /// Angle of the view above the horizontal plane, in degrees (-90...90).
    public var elevation: Double
    /// The title; the cube has no axis titles, so `titles.x` and `titles.y` are not drawn.
    public var titles: ChartTitles
    /// Names of the three axes, drawn at the ends of the axis lines.
    public var axisNames: (x: String, y: String, z: String)
    public var pointRadius: Double
    public var style: ChartStyle

    public init(
        x: [Double], y: [Double], z: [Double], labels: [Int]? = nil, labelNames: [Int: String] = [:],
        highlight: Int? = nil, azimuth: Double = 35, elevation: Double = 25, titles: ChartTitles = ChartTitles(),
        axisNames: (x: String, y: String, z: String) = ("x", "y", "z"), pointRadius: Double = 3.5,
        style: ChartStyle = ChartStyle(width: 640, height: 560)
    ) {
        self.x = x
        self.y = y
        self.z = z
        self.labels = labels
        self.labelNames = labelNames
        self.highlight = highlight
        self.azimuth = azimuth
        self.elevation = elevation
        self.titles = titles
        self.axisNames = axisNames
        self.pointRadius = pointRadius
        self.style = style
    }

    /// The first three columns of an n x 3 (or wider) matrix as x, y, z.
    public init(
        points: Matrix<Double>, labels: [Int]? = nil, highlight: Int? = nil, azimuth: Double = 35,
        elevation: Double = 25, titles: ChartTitles = ChartTitles()
    ) throws {
        guard points.columns >= 3 else {
            throw PlotError.invalidParameter(
                name: "points", value: "a \(points.rows) x \(points.columns) matrix", expected: "at least 3 columns")
        }
        self.init(
            x: (0..<points.rows).map { points[$0, 0] }, y: (0..<points.rows).map { points[$0, 1] },
            z: (0..<points.rows).map { points[$0, 2] }, labels: labels, highlight: highlight, azimuth: azimuth,
            elevation: elevation, titles: titles)
    }

    public func scene() throws -> Scene {
        try style.validate()
        try Validate.finite(x, "3-D scatter x")
        try Validate.finite(y, "3-D scatter y")
        try Validate.finite(z, "3-D scatter z")
        try Validate.length(y.count, "3-D scatter y", equals: x.count, "x")
        try Validate.length(z.count, "3-D scatter z", equals: x.count, "x")
        if let labels { try Validate.length(labels.count, "3-D scatter labels", equals: x.count, "x") }
        guard azimuth.isFinite else {
            throw PlotError.invalidParameter(name: "azimuth", value: "\(azimuth)", expected: "a finite angle in degrees")
        }
        guard elevation.isFinite, abs(elevation) <= 90 else {
            throw PlotError.invalidParameter(name: "elevation", value: "\(elevation)", expected: "an angle in -90...90 degrees")
        }
        let (labels, colors, legend) = try LabelColors.forPoints(
            labels: self.labels, count: x.count, names: labelNames, highlight: highlight, pointRadius: pointRadius, style: style)

        // Normalise into the cube [-1, 1]^3 around the data centre, keeping proportions.
        let center = [x, y, z].map { (($0.min() ?? 0) + ($0.max() ?? 0)) / 2 }
        let halfSpan = max([x, y, z].map { (($0.max() ?? 0) - ($0.min() ?? 0)) / 2 }.max() ?? 1, 1e-12)
        let projection = Projection(azimuth: azimuth, elevation: elevation)
        let frame = ChartFrame(style: style, titles: titles.titleOnly, yTickLabelWidth: 0,
                               legendWidth: legend.width, hasXTicks: false)
        let plot = frame.plot
        let radius = min(plot.width, plot.height) / 2 / sqrt(3.0) * 0.98
        let origin = Point(plot.midX, plot.midY)
        func screen(_ p: (Double, Double, Double)) -> (point: Point, depth: Double) {
            let (u, v, depth) = projection.project(p)
            return (Point(origin.x + u * radius, origin.y - v * radius), depth)
        }

        var scene = frame.scene(classes: ["scatter3d"])
        scene.attributes.data += [
            ("azimuth", SVGFormat.value(azimuth)), ("elevation", SVGFormat.value(elevation)),
            ("center-x", SVGFormat.value(center[0])), ("center-y", SVGFormat.value(center[1])),
            ("center-z", SVGFormat.value(center[2])), ("scale", SVGFormat.value(radius / halfSpan)),
            ("origin-x", SVGFormat.value(origin.x)), ("origin-y", SVGFormat.value(origin.y)),
        ].map { DataAttribute(name: $0.0, value: $0.1) }
        scene.append(cubeNode(screen: screen))

        let projected = x.indices.map { i in
            screen(((x[i] - center[0]) / halfSpan, (y[i] - center[1]) / halfSpan, (z[i] - center[2]) / halfSpan))
        }
        let order = x.indices.sorted { projected[$0].depth < projected[$1].depth }
        var points: [Node] = []
        points.reserveCapacity(x.count)
        for i in order {
            let label = labels[i], lit = colors.isHighlighted(label)
            let nearness = 0.85 + 0.15 * (projected[i].depth / sqrt(3.0))
            let style = lit
                ? Style(fill: colors.color(for: label).withAlpha(1), stroke: .ink, strokeWidth: 0.8)
                : Style(fill: colors.color(for: label), stroke: Color.white.withAlpha(0.6), strokeWidth: 0.5)
            points.append(.circle(
                center: projected[i].point, radius: pointRadius * nearness * (lit ? 1.25 : 1), style: style,
                attributes: Attributes(
                    classes: lit ? ["point", "highlighted"] : ["point"],
                    data: [
                        ("index", "\(i)"), ("label", "\(label)"), ("x", SVGFormat.value(x[i])),
                        ("y", SVGFormat.value(y[i])), ("z", SVGFormat.value(z[i])),
                    ])))
        }
        scene.append(.group(points, attributes: Attributes(classes: ["points"])))
        if !legend.entries.isEmpty { scene.append(legend.node(at: Point(plot.maxX + 12, plot.y))) }
        return scene
    }

    // MARK: - Private

    /// The edges of the bounding cube (light) and three labelled axes from its back corner.
    private func cubeNode(screen: ((Double, Double, Double)) -> (point: Point, depth: Double)) -> Node {
        var edges: [Node] = []
        var corners: [(Double, Double, Double)] = []
        for a in [-1.0, 1] { for b in [-1.0, 1] { for c in [-1.0, 1] { corners.append((a, b, c)) } } }
        for i in corners.indices {
            for j in corners.indices where j > i {
                let p = corners[i], q = corners[j]
                let differing = (p.0 != q.0 ? 1 : 0) + (p.1 != q.1 ? 1 : 0) + (p.2 != q.2 ? 1 : 0)
                guard differing == 1 else { continue }
                edges.append(.line(from: screen(p).point, to: screen(q).point, style: .stroke(Color(hex: 0xD0D0D0), width: 1)))
            }
        }
        let start = (-1.0, -1.0, -1.0)
        let ends = [((1.0, -1.0, -1.0), axisNames.x), ((-1.0, 1.0, -1.0), axisNames.y), ((-1.0, -1.0, 1.0), axisNames.z)]
        for (end, name) in ends {
            let a = screen(start).point, b = screen(end).point
            edges.append(.line(from: a, to: b, style: .stroke(Color(hex: 0x555555), width: 1.5)))
            let dx = b.x - a.x, dy = b.y - a.y, length = max((dx * dx + dy * dy).squareRoot(), 1e-9)
            let labelPoint = Point(b.x + dx / length * 12, b.y + dy / length * 12)
            edges.append(.text(TextSpec(name, at: labelPoint, size: style.fontSize, anchor: .middle), color: Color(hex: 0x555555)))
        }
        return .group(edges, attributes: Attributes(classes: ["cube"]))
    }
}

/// An orthographic camera: azimuth turns around z, elevation tilts the view above the x-y plane.
struct Projection {
    let cosA: Double, sinA: Double, cosE: Double, sinE: Double

    init(azimuth: Double, elevation: Double) {
        let a = azimuth * Double.pi / 180, e = elevation * Double.pi / 180
        cosA = cos(a)
        sinA = sin(a)
        cosE = cos(e)
        sinE = sin(e)
    }

    /// Screen right, screen up and depth towards the viewer of a point.
    func project(_ p: (Double, Double, Double)) -> (u: Double, v: Double, depth: Double) {
        let u = p.0 * cosA - p.1 * sinA
        let d = p.0 * sinA + p.1 * cosA
        return (u, d * sinE + p.2 * cosE, -d * cosE + p.2 * sinE)
    }
}

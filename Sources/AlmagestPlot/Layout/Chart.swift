import Foundation

/// What every chart is: a value that validates its input and builds a `Scene`, which renders to
/// SVG text or PNG bytes. Charts are plain configuration structs; nothing is drawn until asked.
///
/// ```swift
/// let chart = ScatterChart(x: xs, y: ys, labels: clusters)
/// let svg = try chart.svg()
/// try chart.write(to: URL(fileURLWithPath: "/tmp/scatter.png"))
/// ```
public protocol Chart: Sendable {
    /// Validates the input and lays the figure out; throws `PlotError` on bad input.
    func scene() throws -> Scene
}

extension Chart {
    /// The figure as an SVG document.
    public func svg() throws -> String { try scene().svg() }

    /// The figure as a PNG image, `scale` canvas pixels per figure unit.
    public func png(scale: Double = 2) throws -> Data { try scene().png(scale: scale) }

    /// Writes the figure atomically as `.svg` or `.png`, chosen by the file extension.
    public func write(to url: URL) throws {
        switch url.pathExtension.lowercased() {
        case "svg": try Data(svg().utf8).write(to: url, options: .atomic)
        case "png": try png().write(to: url, options: .atomic)
        default:
            throw PlotError.invalidParameter(name: "file extension", value: url.pathExtension, expected: "svg or png")
        }
    }
}

/// Size, fonts and colours shared by all charts; the defaults suit a dashboard panel.
public struct ChartStyle: Sendable, Equatable {
    public var width: Double
    public var height: Double
    public var fontSize: Double
    public var titleSize: Double
    public var background: Color
    public var palette: Palette

    public init(
        width: Double = 640, height: Double = 440, fontSize: Double = 12, titleSize: Double = 15,
        background: Color = .white, palette: Palette = .categorical
    ) {
        self.width = width
        self.height = height
        self.fontSize = fontSize
        self.titleSize = titleSize
        self.background = background
        self.palette = palette
    }

    /// Throws unless sizes are usable.
    func validate() throws {
        try Validate.size(width: width, height: height)
        guard fontSize.isFinite, fontSize >= 6, fontSize <= 48 else {
            throw PlotError.invalidParameter(name: "fontSize", value: "\(fontSize)", expected: "a number in 6...48")
        }
        guard titleSize.isFinite, titleSize >= 6, titleSize <= 64 else {
            throw PlotError.invalidParameter(name: "titleSize", value: "\(titleSize)", expected: "a number in 6...64")
        }
    }
}

// MARK: - Private: layout shared by the charts

/// The plot rectangle left after the title, axis titles, tick labels and legend take their
/// margins, and the scene and axis titles drawn around it from the chart's `ChartTitles`.
struct ChartFrame {
    let style: ChartStyle
    let titles: ChartTitles
    let plot: Rect

    /// - Parameters:
    ///   - titles: what is drawn above and beside the plot (nil or empty texts take no room).
    ///   - yTickLabelWidth: widest y tick label in pixels (0 when there is no y axis).
    ///   - legendWidth: width of a legend in the right margin (0 for none).
    init(
        style: ChartStyle, titles: ChartTitles, yTickLabelWidth: Double, legendWidth: Double, hasXTicks: Bool = true,
        extraBottom: Double = 0, extraTop: Double = 0
    ) {
        self.style = style
        self.titles = titles
        let f = style.fontSize
        let top = (titles.hasTitle ? titles.titleHeight(style: style) : f * 1.2) + extraTop
        var left = 12 + yTickLabelWidth + (yTickLabelWidth > 0 ? 8 : 0)
        if titles.hasY { left += f * 1.8 }
        var bottom = 10 + (hasXTicks ? f + 8 : 0) + extraBottom
        if titles.hasX { bottom += f * 1.8 }
        let right = legendWidth > 0 ? legendWidth + 24 : f * 1.5
        plot = Rect(
            x: left, y: top, width: max(style.width - left - right, 20), height: max(style.height - top - bottom, 20))
    }

    /// A scene with the background and the title in place.
    func scene(classes: [String]) -> Scene {
        var scene = Scene(
            width: style.width, height: style.height, background: style.background,
            attributes: Attributes(classes: ["almagest-chart"] + classes))
        if let title = titles.titleNode(style: style) { scene.append(title) }
        return scene
    }

    /// The x axis title under the tick labels (lowered by `extraBottom`) and the y axis title left of them.
    func axisTitles(extraBottom: Double = 0) -> [Node] {
        titles.axisNodes(plot: plot, fontSize: style.fontSize, extraBottom: extraBottom)
    }
}

/// A vertical colour bar explaining a colour map: a gradient strip with nice ticks and labels on its
/// right, placed in a chart's right margin. The strip is an embedded 1 x 256 bitmap (crisp in SVG
/// and PNG alike). Cost: O(256 + ticks).
///
/// ```swift
/// let bar = ColorBar(map: .viridis, range: 0...1, fontSize: 12)
/// scene.append(bar.node(in: Rect(x: plot.maxX + 16, y: plot.y, width: bar.width, height: plot.height)))
/// ```
struct ColorBar {
    let map: ColorMap
    let range: ClosedRange<Double>
    let fontSize: Double
    let ticks: [Double]
    let labels: [String]

    init(map: ColorMap, range: ClosedRange<Double>, fontSize: Double) {
        self.map = map
        self.range = range
        self.fontSize = fontSize
        let covering = Ticks.linear(covering: range.lowerBound, range.upperBound, count: 5)
        let step = covering.count > 1 ? covering[1] - covering[0] : 1
        let span = range.upperBound - range.lowerBound
        let inside = covering.filter { $0 >= range.lowerBound - span * 1e-9 && $0 <= range.upperBound + span * 1e-9 }
        ticks = inside.isEmpty ? [range.lowerBound, range.upperBound] : inside
        labels = ticks.map { Ticks.label($0, step: step) }
    }

    static let stripWidth = 14.0

    /// Horizontal space the bar and its labels need.
    var width: Double {
        Self.stripWidth + 8 + (labels.map { TextSpec.estimatedWidth(of: $0, size: fontSize) }.max() ?? 0)
    }

    /// The bar with its strip at the left edge of `frame`.
    func node(in frame: Rect) -> Node {
        var rgba: [UInt8] = []
        rgba.reserveCapacity(256 * 4)
        for k in 0..<256 {
            let c = map.color(at: 1 - Double(k) / 255)  // top row is the highest value
            rgba += [c.red, c.green, c.blue, 255]
        }
        let strip = Rect(x: frame.x, y: frame.y, width: Self.stripWidth, height: frame.height)
        var children: [Node] = []
        if let bitmap = try? Bitmap(width: 1, height: 256, rgba: rgba) {
            children.append(.image(bitmap, frame: strip))
        }
        children.append(.rect(strip, style: .stroke(Color(hex: 0x888888), width: 0.8)))
        let span = range.upperBound - range.lowerBound
        for (value, label) in zip(ticks, labels) {
            let t = span > 0 ? (value - range.lowerBound) / span : 0.5
            let y = strip.maxY - t * strip.height
            children.append(.line(from: Point(strip.maxX, y), to: Point(strip.maxX + 3, y), style: .stroke(.ink, width: 1)))
            children.append(.text(TextSpec(label, at: Point(strip.maxX + 6, y), size: fontSize)))
        }
        return .group(children, attributes: Attributes(
            classes: ["colorbar"],
            data: [("min", SVGFormat.value(range.lowerBound)), ("max", SVGFormat.value(range.upperBound))]))
    }

    /// Tick indices 0, k, 2k, ... below `count` at a nice integer step (for matrix rows and columns).
    static func indexTicks(count: Int, target: Int = 8) -> [Int] {
        guard count > 0 else { return [] }
        let step = max(1, Int(Ticks.niceStep(span: Double(count), count: target).rounded()))
        return Array(stride(from: 0, to: count, by: step))
    }
}

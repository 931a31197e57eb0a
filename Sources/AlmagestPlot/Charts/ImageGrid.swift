import AlmagestCore

/// How pixel values map onto the colour map in an image grid.
public enum IntensityScaling: Sendable, Equatable {
    /// One range for all images (their joint minimum and maximum, or `range` when given).
    case shared
    /// Each image stretched over its own minimum and maximum.
    case perImage
}

/// A grid of small images from pixel arrays (digits, NMF "signatures", reconstructions and error
/// maps), each drawn pixel for pixel through a colour map, with optional captions underneath.
///
/// Every image is an embedded bitmap `<image class="image">` with `data-index`, so the SVG stays
/// small (one PNG per image) and the PNG output is crisp. The figure size follows from `cellSize`
/// and the number of columns. Cost: O(total pixels).
///
/// ```swift
/// let grid = try ImageGrid(images: h, imageWidth: 28, imageHeight: 28, columns: 5,
///                          captions: (0..<10).map { "component \($0)" }, colorMap: .greyReversed)
/// try grid.write(to: URL(fileURLWithPath: "/tmp/signatures.png"))
/// ```
public struct ImageGrid: Chart {
    /// One array of `imageWidth x imageHeight` values (row-major) per image.
    public var images: [[Double]]
    public var imageWidth: Int
    public var imageHeight: Int
    /// Images per row; nil picks about a square grid.
    public var columns: Int?
    public var captions: [String]?
    public var colorMap: ColorMap
    public var scaling: IntensityScaling
    /// Fixed value range for `.shared` scaling (e.g. 0...1); nil uses the data.
    public var range: ClosedRange<Double>?
    /// Width of one image on the figure, in pixels.
    public var cellSize: Double
    /// The title; this chart has no axes, so `titles.x` and `titles.y` are not drawn.
    public var titles: ChartTitles
    public var style: ChartStyle

    public init(
        images: [[Double]], imageWidth: Int, imageHeight: Int, columns: Int? = nil, captions: [String]? = nil,
        colorMap: ColorMap = .grey, scaling: IntensityScaling = .shared, range: ClosedRange<Double>? = nil,
        cellSize: Double = 84, titles: ChartTitles = ChartTitles(), style: ChartStyle = ChartStyle()
    ) {
        self.images = images
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.columns = columns
        self.captions = captions
        self.colorMap = colorMap
        self.scaling = scaling
        self.range = range
        self.cellSize = cellSize
        self.titles = titles
        self.style = style
    }

    /// The rows of a matrix as images.
    public init(
        rows matrix: Matrix<Double>, imageWidth: Int, imageHeight: Int, columns: Int? = nil, captions: [String]? = nil,
        colorMap: ColorMap = .grey, scaling: IntensityScaling = .shared, titles: ChartTitles = ChartTitles()
    ) {
        self.init(
            images: (0..<matrix.rows).map { r in (0..<matrix.columns).map { matrix[r, $0] } }, imageWidth: imageWidth,
            imageHeight: imageHeight, columns: columns, captions: captions, colorMap: colorMap, scaling: scaling,
            titles: titles)
    }

    public func scene() throws -> Scene {
        if images.isEmpty { throw PlotError.emptyData(what: "image grid images") }
        guard imageWidth > 0, imageHeight > 0, imageWidth <= 4096, imageHeight <= 4096 else {
            throw PlotError.invalidParameter(name: "image size", value: "\(imageWidth)x\(imageHeight)",
                                             expected: "positive sizes up to 4096")
        }
        for (i, image) in images.enumerated() {
            try Validate.length(image.count, "image \(i)", equals: imageWidth * imageHeight, "imageWidth x imageHeight")
            try Validate.finite(image, "image \(i)")
        }
        if let captions { try Validate.length(captions.count, "image grid captions", equals: images.count, "the images") }
        if let columns, columns < 1 {
            throw PlotError.invalidParameter(name: "columns", value: "\(columns)", expected: "at least 1")
        }
        guard cellSize.isFinite, cellSize >= 8, cellSize <= 1000 else {
            throw PlotError.invalidParameter(name: "cellSize", value: "\(cellSize)", expected: "a number in 8...1000")
        }
        if let range, !(range.lowerBound.isFinite && range.upperBound.isFinite) {
            throw PlotError.invalidParameter(name: "range", value: "\(range)", expected: "finite bounds")
        }
        let perRow = min(columns ?? Int(Double(images.count).squareRoot().rounded(.up)), images.count)
        let rowCount = (images.count + perRow - 1) / perRow
        let imageW = cellSize, imageH = cellSize * Double(imageHeight) / Double(imageWidth)
        let captionH = captions == nil ? 0 : style.fontSize * 1.6
        let gap = 8.0, margin = 12.0
        let titleH = titles.titleHeight(style: style)
        var figure = style
        figure.width = max(margin * 2 + Double(perRow) * imageW + Double(perRow - 1) * gap, 120)
        figure.height = max(titleH + margin * 2 + Double(rowCount) * (imageH + captionH) + Double(rowCount - 1) * gap, 80)
        try figure.validate()

        let all = images.flatMap { $0 }
        let sharedLow = range?.lowerBound ?? all.min() ?? 0, sharedHigh = range?.upperBound ?? all.max() ?? 1
        let frame = ChartFrame(style: figure, titles: titles.titleOnly, yTickLabelWidth: 0, legendWidth: 0)
        var scene = frame.scene(classes: ["image-grid"])
        var cells: [Node] = []
        for (i, image) in images.enumerated() {
            let (low, high) = scaling == .shared ? (sharedLow, sharedHigh) : (image.min() ?? 0, image.max() ?? 1)
            let x = margin + Double(i % perRow) * (imageW + gap)
            let y = titleH + margin + Double(i / perRow) * (imageH + captionH + gap)
            let box = Rect(x: x, y: y, width: imageW, height: imageH)
            var items: [Node] = [
                .image(try Self.bitmap(image, width: imageWidth, height: imageHeight, map: colorMap, low: low, high: high),
                       frame: box,
                       attributes: Attributes(classes: ["image"], data: [("index", "\(i)")])),
                .rect(box, style: .stroke(Color(hex: 0xBBBBBB), width: 0.8)),
            ]
            if let caption = captions?[i] {
                let maxChars = max(Int(imageW / (style.fontSize * 0.6)), 3)
                let shown = caption.count > maxChars ? String(caption.prefix(maxChars - 2)) + ".." : caption
                items.append(.text(TextSpec(shown, at: Point(box.midX, box.maxY + captionH / 2), size: style.fontSize,
                                            anchor: .middle), attributes: Attributes(classes: ["caption"], title: caption)))
            }
            cells.append(.group(items, attributes: Attributes(classes: ["cell"], data: [("index", "\(i)")])))
        }
        scene.append(.group(cells, attributes: Attributes(classes: ["images"])))
        return scene
    }

    /// Pixel values through a colour map, `low` and `high` mapped to its ends (a flat range to its middle).
    static func bitmap(_ values: [Double], width: Int, height: Int, map: ColorMap, low: Double, high: Double) throws -> Bitmap {
        let span = high - low
        var rgba = [UInt8](repeating: 255, count: 4 * values.count)
        for (p, v) in values.enumerated() {
            let c = map.color(at: span > 0 ? (v - low) / span : 0.5)
            rgba[4 * p] = c.red
            rgba[4 * p + 1] = c.green
            rgba[4 * p + 2] = c.blue
        }
        return try Bitmap(width: width, height: height, rgba: rgba)
    }
}

/// Originals next to their reconstructions and the error between them, one row per image:
/// the original and the reconstruction in grey on one shared range, the error
/// (reconstruction - original) in a blue-white-red map symmetric around zero, so that over- and
/// under-shoot read at a glance. Used for NMF and auto-encoder results.
///
/// Images are `<image class="image">` with `data-index` (the row) and `data-kind`
/// (`original`, `reconstruction`, `error`); each row carries its relative error
/// ‖x − x̂‖² / ‖x‖² in `data-relative-error`. Cost: O(total pixels).
///
/// ```swift
/// let figure = ReconstructionGrid(originals: a.rows(0..<5), reconstructions: wh.rows(0..<5),
///                                 imageWidth: 28, imageHeight: 28)
/// try figure.write(to: URL(fileURLWithPath: "/tmp/reconstructions.png"))
/// ```
public struct ReconstructionGrid: Chart {
    public var originals: [[Double]]
    public var reconstructions: [[Double]]
    public var imageWidth: Int
    public var imageHeight: Int
    /// Row captions (e.g. sample ids); nil shows the relative error only.
    public var rowLabels: [String]?
    public var cellSize: Double
    /// The title; this chart has no axes, so `titles.x` and `titles.y` are not drawn.
    public var titles: ChartTitles
    public var style: ChartStyle

    public init(
        originals: [[Double]], reconstructions: [[Double]], imageWidth: Int, imageHeight: Int,
        rowLabels: [String]? = nil, cellSize: Double = 84, titles: ChartTitles = ChartTitles(),
        style: ChartStyle = ChartStyle()
    ) {
        self.originals = originals
        self.reconstructions = reconstructions
        self.imageWidth = imageWidth
        self.imageHeight = imageHeight
        self.rowLabels = rowLabels
        self.cellSize = cellSize
        self.titles = titles
        self.style = style
    }

    public func scene() throws -> Scene {
        if originals.isEmpty { throw PlotError.emptyData(what: "reconstruction grid originals") }
        try Validate.length(reconstructions.count, "reconstructions", equals: originals.count, "originals")
        if let rowLabels { try Validate.length(rowLabels.count, "reconstruction row labels", equals: originals.count, "originals") }
        guard imageWidth > 0, imageHeight > 0, imageWidth <= 4096, imageHeight <= 4096 else {
            throw PlotError.invalidParameter(name: "image size", value: "\(imageWidth)x\(imageHeight)",
                                             expected: "positive sizes up to 4096")
        }
        guard cellSize.isFinite, cellSize >= 8, cellSize <= 1000 else {
            throw PlotError.invalidParameter(name: "cellSize", value: "\(cellSize)", expected: "a number in 8...1000")
        }
        for (i, (x, y)) in zip(originals, reconstructions).enumerated() {
            try Validate.length(x.count, "original \(i)", equals: imageWidth * imageHeight, "imageWidth x imageHeight")
            try Validate.length(y.count, "reconstruction \(i)", equals: imageWidth * imageHeight, "imageWidth x imageHeight")
            try Validate.finite(x, "original \(i)")
            try Validate.finite(y, "reconstruction \(i)")
        }
        let errors = zip(originals, reconstructions).map { x, y in zip(y, x).map { $0 - $1 } }
        let values = originals.flatMap { $0 } + reconstructions.flatMap { $0 }
        let low = values.min() ?? 0, high = values.max() ?? 1
        let errorBound = max(errors.flatMap { $0 }.map(abs).max() ?? 0, 1e-12)

        let f = style.fontSize, gap = 8.0, margin = 12.0
        let labelWidth = 10 * f * 0.6
        let imageH = cellSize * Double(imageHeight) / Double(imageWidth)
        let titleH = titles.titleHeight(style: style)
        let headerH = f * 1.8
        var figure = style
        figure.width = margin * 2 + labelWidth + 3 * cellSize + 2 * gap
        figure.height = titleH + headerH + Double(originals.count) * (imageH + gap) + margin
        try figure.validate()
        let frame = ChartFrame(style: figure, titles: titles.titleOnly, yTickLabelWidth: 0, legendWidth: 0)
        var scene = frame.scene(classes: ["reconstructions"])
        let left = margin + labelWidth
        for (k, header) in ["original", "reconstruction", "error"].enumerated() {
            scene.append(.text(TextSpec(header, at: Point(left + Double(k) * (cellSize + gap) + cellSize / 2, titleH + headerH / 2),
                                        size: f, anchor: .middle, isBold: true), attributes: Attributes(classes: ["header"])))
        }
        var rows: [Node] = []
        for i in originals.indices {
            let y = titleH + headerH + Double(i) * (imageH + gap)
            let norm = originals[i].reduce(0) { $0 + $1 * $1 }
            let relative = norm > 0 ? errors[i].reduce(0) { $0 + $1 * $1 } / norm : 0
            var items: [Node] = []
            let panels: [(String, [Double], ColorMap, Double, Double)] = [
                ("original", originals[i], .grey, low, high), ("reconstruction", reconstructions[i], .grey, low, high),
                ("error", errors[i], .diverging, -errorBound, errorBound),
            ]
            for (k, panel) in panels.enumerated() {
                let box = Rect(x: left + Double(k) * (cellSize + gap), y: y, width: cellSize, height: imageH)
                let bitmap = try ImageGrid.bitmap(panel.1, width: imageWidth, height: imageHeight, map: panel.2,
                                                  low: panel.3, high: panel.4)
                items.append(.image(bitmap, frame: box, attributes: Attributes(
                    classes: ["image"], data: [("index", "\(i)"), ("kind", panel.0)])))
                items.append(.rect(box, style: .stroke(Color(hex: 0xBBBBBB), width: 0.8)))
            }
            var caption = rowLabels?[i] ?? ""
            if caption.count > 10 { caption = String(caption.prefix(8)) + ".." }
            items.append(.text(TextSpec(caption, at: Point(left - 6, y + imageH / 2 - f * 0.7), size: f, anchor: .end)))
            items.append(.text(TextSpec("err " + Ticks.label(relative, step: 0.001), at: Point(left - 6, y + imageH / 2 + f * 0.7),
                                        size: f * 0.85, anchor: .end), color: Color(hex: 0x555555)))
            rows.append(.group(items, attributes: Attributes(
                classes: ["row"], data: [("index", "\(i)"), ("relative-error", SVGFormat.value(relative))])))
        }
        scene.append(.group(rows, attributes: Attributes(classes: ["rows"])))
        return scene
    }
}

/// How confusion matrix cells are normalised before colouring and annotation.
public enum ConfusionNormalization: Sendable, Equatable {
    /// Raw counts.
    case none
    /// Each row (true class) sums to 1: per-class recall on the diagonal.
    case byTrueClass
    /// Each column (predicted class) sums to 1: per-class precision on the diagonal.
    case byPredictedClass
    /// All cells sum to 1.
    case overall
}

/// A confusion matrix: true classes down, predicted classes across, each cell coloured by its
/// (optionally normalised) value and annotated with it; counts are written as integers.
///
/// Cells are `<rect class="cell">` with `data-true`, `data-predicted`, `data-count` and
/// `data-fraction`; annotations are `<text class="count">`. Cost: O(classes^2) (plus O(n) to count).
///
/// ```swift
/// let chart = try ConfusionMatrixChart(truth: y, predicted: yHat, classNames: (0...9).map(String.init))
/// let svg = try chart.svg()
/// ```
public struct ConfusionMatrixChart: Chart {
    /// counts[t][p]: samples of true class t predicted as p.
    public var counts: [[Int]]
    public var classNames: [String]?
    public var normalization: ConfusionNormalization
    public var colorMap: ColorMap
    /// The title and the axis titles (nil axis titles read "predicted label" and "true label").
    public var titles: ChartTitles
    public var style: ChartStyle

    public init(
        counts: [[Int]], classNames: [String]? = nil, normalization: ConfusionNormalization = .none,
        colorMap: ColorMap = .blues, titles: ChartTitles = ChartTitles(),
        style: ChartStyle = ChartStyle(width: 560, height: 500)
    ) {
        self.counts = counts
        self.classNames = classNames
        self.normalization = normalization
        self.colorMap = colorMap
        self.titles = titles
        self.style = style
    }

    /// Counts from true and predicted labels; classes are the sorted distinct labels of both
    /// (named by `classNames` when given, one name per class).
    public init(
        truth: [Int], predicted: [Int], classNames: [String]? = nil, normalization: ConfusionNormalization = .none,
        titles: ChartTitles = ChartTitles(), style: ChartStyle = ChartStyle(width: 560, height: 500)
    ) throws {
        if truth.isEmpty { throw PlotError.emptyData(what: "confusion matrix true labels") }
        try Validate.length(predicted.count, "confusion matrix predicted labels", equals: truth.count, "the true labels")
        let classes = Array(Set(truth).union(predicted)).sorted()
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        var counts = [[Int]](repeating: [Int](repeating: 0, count: classes.count), count: classes.count)
        for (t, p) in zip(truth, predicted) { counts[index[t]!][index[p]!] += 1 }
        self.init(counts: counts, classNames: classNames ?? classes.map(String.init), normalization: normalization,
                  titles: titles, style: style)
    }

    public func scene() throws -> Scene {
        try style.validate()
        let k = counts.count
        if k == 0 { throw PlotError.emptyData(what: "confusion matrix counts") }
        for (t, row) in counts.enumerated() {
            try Validate.length(row.count, "confusion matrix row \(t)", equals: k, "the number of rows")
            if let p = row.firstIndex(where: { $0 < 0 }) {
                throw PlotError.invalidParameter(
                    name: "confusion matrix count [\(t)][\(p)]", value: "\(row[p])", expected: "a count >= 0")
            }
        }
        if let classNames { try Validate.length(classNames.count, "confusion matrix class names", equals: k, "the classes") }
        let names = classNames ?? (0..<k).map(String.init)
        let fractions = normalized()
        let maximum = max(fractions.flatMap { $0 }.max() ?? 1, 1e-12)

        let limit = CategoryLabels.maximumCharacters
        let shown = names.map { $0.count > limit ? String($0.prefix(limit - 2)) + ".." : $0 }
        let nameWidth = shown.map { TextSpec.estimatedWidth(of: $0, size: style.fontSize) }.max() ?? 0
        let titles = self.titles.defaultingAxes(x: "predicted label", y: "true label")
        let first = ChartFrame(style: style, titles: titles, yTickLabelWidth: nameWidth, legendWidth: 0)
        let columnNames = CategoryLabels(
            shown, slot: min(first.plot.width, first.plot.height) / Double(k), fontSize: style.fontSize)
        let frame = ChartFrame(style: style, titles: titles, yTickLabelWidth: nameWidth, legendWidth: 0,
                               extraBottom: columnNames.extraBottom)
        // Square cells centred in the available area.
        let side = min(frame.plot.width, frame.plot.height)
        let plot = Rect(x: frame.plot.x + (frame.plot.width - side) / 2, y: frame.plot.y, width: side, height: side)
        let cell = side / Double(k)
        var scene = frame.scene(classes: ["confusion-matrix"])
        var cells: [Node] = [], texts: [Node] = []
        for t in 0..<k {
            for p in 0..<k {
                let rect = Rect(x: plot.x + Double(p) * cell, y: plot.y + Double(t) * cell, width: cell, height: cell)
                let color = colorMap.color(at: fractions[t][p] / maximum)
                cells.append(.rect(rect, style: Style(fill: color, stroke: .white, strokeWidth: 1), attributes: Attributes(
                    classes: t == p ? ["cell", "diagonal"] : ["cell"],
                    data: [("true", names[t]), ("predicted", names[p]), ("count", "\(counts[t][p])"),
                           ("fraction", SVGFormat.value(fractions[t][p]))])))
                let text = normalization == .none ? "\(counts[t][p])" : Self.fraction(fractions[t][p])
                texts.append(.text(
                    TextSpec(text, at: Point(rect.midX, rect.midY), size: min(style.fontSize, cell * 0.42), anchor: .middle),
                    color: color.contrastingText, attributes: Attributes(classes: ["count"])))
            }
        }
        scene.append(.group(cells, attributes: Attributes(classes: ["cells"])))
        scene.append(.group(texts, attributes: Attributes(classes: ["counts"])))
        let centers = (0..<k).map { (Double($0) + 0.5) * cell }
        scene.append(AxisGuide.draw(
            x: AxisGuide(positions: centers.map { plot.x + $0 }, labels: columnNames.labels, grid: false,
                         rotated: columnNames.rotated),
            y: AxisGuide(positions: centers.map { plot.y + $0 }, labels: shown, grid: false),
            in: plot, fontSize: style.fontSize, frame: false))
        scene.append(contentsOf: frame.axisTitles(extraBottom: plot.maxY - frame.plot.maxY + columnNames.extraBottom))
        return scene
    }

    /// The cell values after normalisation (rows or columns without samples stay 0).
    public func normalized() -> [[Double]] {
        let k = counts.count
        let values = counts.map { $0.map(Double.init) }
        switch normalization {
        case .none: return values
        case .overall:
            let total = max(values.flatMap { $0 }.reduce(0, +), 1)
            return values.map { $0.map { $0 / total } }
        case .byTrueClass:
            return values.map { row in let s = row.reduce(0, +); return row.map { s > 0 ? $0 / s : 0 } }
        case .byPredictedClass:
            let sums = (0..<k).map { p in values.reduce(0) { $0 + ($1.count > p ? $1[p] : 0) } }
            return values.map { row in row.enumerated().map { sums[$0] > 0 ? $1 / sums[$0] : 0 } }
        }
    }

    // MARK: - Private

    private static func fraction(_ v: Double) -> String {
        let hundredths = Int((v * 100).rounded())
        if hundredths == 0 { return "0" }
        if hundredths == 100 { return "1" }
        return "0." + (hundredths < 10 ? "0" : "") + "\(hundredths)"
    }
}

/// A Sankey diagram between two labelings of the same samples (two clusterings, or clusters and
/// true classes): one column of nodes per labeling, node heights proportional to their counts,
/// and one ribbon per non-empty cell of the contingency table whose width is proportional to the
/// number of samples in both. Every ribbon has the same width at both ends, so widths add up: the
/// ribbons leaving a node fill it exactly, and all ribbons together are n x `unit` wide.
///
/// Nodes are `<rect class="node">` (`data-side`, `data-label`, `data-count`); ribbons are
/// `<polygon class="ribbon">` (`data-source`, `data-target`, `data-count`). Cost: O(n + k_a x k_b).
///
/// ```swift
/// let chart = SankeyDiagram(left: kmeansLabels, right: trueLabels, leftTitle: "k-means", rightTitle: "digit")
/// let layout = try chart.layout()      // node and ribbon geometry, e.g. for tests or a page
/// ```
public struct SankeyDiagram: Chart {
    public var left: [Int]
    public var right: [Int]
    public var leftNames: [Int: String]
    public var rightNames: [Int: String]
    public var leftTitle: String
    public var rightTitle: String
    /// The title; this chart has no axes, so `titles.x` and `titles.y` are not drawn.
    public var titles: ChartTitles
    public var style: ChartStyle

    public init(
        left: [Int], right: [Int], leftNames: [Int: String] = [:], rightNames: [Int: String] = [:],
        leftTitle: String = "A", rightTitle: String = "B", titles: ChartTitles = ChartTitles(),
        style: ChartStyle = ChartStyle(width: 640, height: 520)
    ) {
        self.left = left
        self.right = right
        self.leftNames = leftNames
        self.rightNames = rightNames
        self.leftTitle = leftTitle
        self.rightTitle = rightTitle
        self.titles = titles
        self.style = style
    }

    /// Which column a node stands in.
    public enum Side: String, Sendable { case left, right }

    /// A node: one label of one labeling, spanning `top...bottom` in figure pixels.
    public struct NodeBox: Sendable, Equatable {
        public let side: Side
        public let label: Int
        public let count: Int
        public let frame: Rect
    }

    /// A ribbon from a left label to a right label: `count` samples, drawn `count x unit` wide,
    /// leaving the left node over `sourceSpan` and entering the right node over `targetSpan`.
    public struct Ribbon: Sendable, Equatable {
        public let source: Int
        public let target: Int
        public let count: Int
        public let sourceSpan: ClosedRange<Double>
        public let targetSpan: ClosedRange<Double>
        public var width: Double { sourceSpan.upperBound - sourceSpan.lowerBound }
    }

    /// The geometry of the diagram.
    public struct Layout: Sendable, Equatable {
        /// Pixels per sample.
        public let unit: Double
        public let nodes: [NodeBox]
        public let ribbons: [Ribbon]
    }

    /// Validates the labels and computes node and ribbon geometry.
    public func layout() throws -> Layout {
        try style.validate()
        if left.isEmpty { throw PlotError.emptyData(what: "Sankey left labels") }
        try Validate.length(right.count, "Sankey right labels", equals: left.count, "the left labels")
        return computeLayout(plot: frame().plot)
    }

    public func scene() throws -> Scene {
        let layout = try layout()
        let frame = self.frame()
        let plot = frame.plot
        var scene = frame.scene(classes: ["sankey"])
        let leftColors = try LabelColors(labels: left, names: leftNames, highlight: nil, palette: style.palette)
        let rightColors = try LabelColors(labels: right, names: rightNames, highlight: nil, palette: style.palette)
        let nodeWidth = Self.nodeWidth
        let x0 = layout.nodes.first { $0.side == .left }?.frame.maxX ?? plot.x
        let x1 = layout.nodes.first { $0.side == .right }?.frame.x ?? plot.maxX

        var ribbons: [Node] = []
        for r in layout.ribbons {
            let top = Self.curve(from: Point(x0, r.sourceSpan.lowerBound), to: Point(x1, r.targetSpan.lowerBound))
            let bottom = Self.curve(from: Point(x0, r.sourceSpan.upperBound), to: Point(x1, r.targetSpan.upperBound))
            ribbons.append(.polygon(
                top + bottom.reversed(), style: .fill(leftColors.color(for: r.source).withAlpha(0.42)),
                attributes: Attributes(
                    classes: ["ribbon"], data: [("source", "\(r.source)"), ("target", "\(r.target)"), ("count", "\(r.count)")],
                    title: "\(leftColors.name(for: r.source)) -> \(rightColors.name(for: r.target)): \(r.count)")))
        }
        scene.append(.group(ribbons, attributes: Attributes(classes: ["ribbons"])))
        var nodes: [Node] = [], names: [Node] = []
        for node in layout.nodes {
            let colors = node.side == .left ? leftColors : rightColors
            nodes.append(.rect(node.frame, style: .fill(colors.color(for: node.label).withAlpha(1)), attributes: Attributes(
                classes: ["node"], data: [("side", node.side.rawValue), ("label", "\(node.label)"), ("count", "\(node.count)")])))
            let text = "\(colors.name(for: node.label)) (\(node.count))"
            let at = node.side == .left
                ? TextSpec(text, at: Point(node.frame.x - 6, node.frame.midY), size: style.fontSize, anchor: .end)
                : TextSpec(text, at: Point(node.frame.maxX + 6, node.frame.midY), size: style.fontSize)
            if node.frame.height >= style.fontSize * 0.6 { names.append(.text(at)) }
        }
        scene.append(.group(nodes, attributes: Attributes(classes: ["nodes"])))
        scene.append(.group(names, attributes: Attributes(classes: ["node-labels"])))
        let headY = plot.y + style.fontSize * 0.4
        scene.append(.text(TextSpec(leftTitle, at: Point(x0 - nodeWidth / 2, headY), size: style.fontSize, anchor: .middle, isBold: true)))
        scene.append(.text(TextSpec(rightTitle, at: Point(x1 + nodeWidth / 2, headY), size: style.fontSize, anchor: .middle, isBold: true)))
        return scene
    }

    // MARK: - Private

    static let nodeWidth = 14.0

    private func frame() -> ChartFrame {
        ChartFrame(style: style, titles: titles.titleOnly, yTickLabelWidth: 0, legendWidth: 0,
                   hasXTicks: false, extraBottom: 0)
    }

    private func computeLayout(plot full: Rect) -> Layout {
        let leftLabels = Array(Set(left)).sorted(), rightLabels = Array(Set(right)).sorted()
        let li = Dictionary(uniqueKeysWithValues: leftLabels.enumerated().map { ($1, $0) })
        let ri = Dictionary(uniqueKeysWithValues: rightLabels.enumerated().map { ($1, $0) })
        var table = [[Int]](repeating: [Int](repeating: 0, count: rightLabels.count), count: leftLabels.count)
        for (a, b) in zip(left, right) { table[li[a]!][ri[b]!] += 1 }
        let leftCounts = table.map { $0.reduce(0, +) }
        let rightCounts = rightLabels.indices.map { j in table.reduce(0) { $0 + $1[j] } }

        // Room for the node names beside each column and the column titles above.
        let nameWidth = { (labels: [Int], counts: [Int], names: [Int: String]) -> Double in
            zip(labels, counts).map { l, c in
                TextSpec.estimatedWidth(of: "\(names[l] ?? (l < 0 ? "noise" : "\(l)")) (\(c))", size: style.fontSize)
            }.max() ?? 0
        }
        let plot = Rect(x: full.x, y: full.y + style.fontSize * 1.2, width: full.width, height: full.height - style.fontSize * 1.2)
        let x0 = plot.x + nameWidth(leftLabels, leftCounts, leftNames) + 8
        let x1 = plot.maxX - nameWidth(rightLabels, rightCounts, rightNames) - 8 - Self.nodeWidth
        let most = max(leftLabels.count, rightLabels.count)
        let gap = most > 1 ? min(10, plot.height * 0.25 / Double(most - 1)) : 0
        let n = Double(left.count)
        let unit = max(min(plot.height - gap * Double(leftLabels.count - 1), plot.height - gap * Double(rightLabels.count - 1)) / n, 0)

        func stack(_ counts: [Int]) -> [Double] {
            let used = Double(counts.reduce(0, +)) * unit + gap * Double(counts.count - 1)
            var y = plot.y + (plot.height - used) / 2, tops: [Double] = []
            for c in counts {
                tops.append(y)
                y += Double(c) * unit + gap
            }
            return tops
        }
        let leftTops = stack(leftCounts), rightTops = stack(rightCounts)
        var nodes: [NodeBox] = []
        for (i, l) in leftLabels.enumerated() {
            nodes.append(NodeBox(side: .left, label: l, count: leftCounts[i],
                                 frame: Rect(x: x0, y: leftTops[i], width: Self.nodeWidth, height: Double(leftCounts[i]) * unit)))
        }
        for (j, r) in rightLabels.enumerated() {
            nodes.append(NodeBox(side: .right, label: r, count: rightCounts[j],
                                 frame: Rect(x: x1, y: rightTops[j], width: Self.nodeWidth, height: Double(rightCounts[j]) * unit)))
        }
        var leftCursor = leftTops, rightCursor = rightTops
        var ribbons: [Ribbon] = []
        for i in leftLabels.indices {
            for j in rightLabels.indices where table[i][j] > 0 {
                let w = Double(table[i][j]) * unit
                ribbons.append(Ribbon(
                    source: leftLabels[i], target: rightLabels[j], count: table[i][j],
                    sourceSpan: leftCursor[i]...(leftCursor[i] + w), targetSpan: rightCursor[j]...(rightCursor[j] + w)))
                leftCursor[i] += w
                rightCursor[j] += w
            }
        }
        return Layout(unit: unit, nodes: nodes, ribbons: ribbons)
    }

    /// A cubic Bezier from `a` to `b` with horizontal tangents, sampled at 24 points.
    private static func curve(from a: Point, to b: Point) -> [Point] {
        let mid = (a.x + b.x) / 2
        return (0...24).map { k in
            let t = Double(k) / 24, s = 1 - t
            let x = s * s * s * a.x + 3 * s * s * t * mid + 3 * s * t * t * mid + t * t * t * b.x
            let y = s * s * s * a.y + 3 * s * s * t * a.y + 3 * s * t * t * b.y + t * t * t * b.y
            return Point(x, y)
        }
    }
}

/// A legend: a column of entries, each a swatch (marker, line or filled box) and a label,
/// drawn in the chart's right margin on a white box. Cost: O(entries).
///
/// ```swift
/// let legend = Legend(entries: [.init("train", color: blue, swatch: .line(dash: []))], fontSize: 12)
/// let node = legend.node(at: Point(plot.maxX + 12, plot.y))
/// ```
struct Legend {
    enum Swatch {
        case marker
        case line(dash: [Double])
        case box
    }

    struct Entry {
        var label: String
        var color: Color
        var swatch: Swatch
        var classes: [String] = []
        var data: [(String, String)] = []

        init(_ label: String, color: Color, swatch: Swatch, classes: [String] = [], data: [(String, String)] = []) {
            self.label = label
            self.color = color
            self.swatch = swatch
            self.classes = classes
            self.data = data
        }
    }

    var entries: [Entry]
    var fontSize: Double

    /// Width the legend takes (0 when empty).
    var width: Double {
        guard !entries.isEmpty else { return 0 }
        let text = entries.map { TextSpec.estimatedWidth(of: $0.label, size: fontSize) }.max() ?? 0
        return min(text, 260) + fontSize * 2.6 + 12
    }

    var rowHeight: Double { fontSize * 1.5 }

    /// The legend with its top-left corner at `origin`.
    func node(at origin: Point) -> Node {
        let box = Rect(x: origin.x, y: origin.y, width: width, height: Double(entries.count) * rowHeight + 8)
        var children: [Node] = [
            .rect(box, style: Style(fill: Color.white.withAlpha(0.9), stroke: Color(hex: 0xCCCCCC), strokeWidth: 1)),
        ]
        for (k, entry) in entries.enumerated() {
            let cy = origin.y + 4 + (Double(k) + 0.5) * rowHeight
            let sx = origin.x + 6, sw = fontSize * 1.6
            var items: [Node] = []
            switch entry.swatch {
            case .marker:
                items.append(.circle(center: Point(sx + sw / 2, cy), radius: fontSize * 0.35, style: .fill(entry.color)))
            case let .line(dash):
                items.append(.line(from: Point(sx, cy), to: Point(sx + sw, cy), style: .stroke(entry.color, width: 2, dash: dash)))
            case .box:
                items.append(.rect(
                    Rect(x: sx, y: cy - fontSize * 0.4, width: sw, height: fontSize * 0.8), style: .fill(entry.color)))
            }
            var label = entry.label
            let maxChars = Int(260 / (fontSize * 0.6))
            if label.count > maxChars { label = String(label.prefix(max(maxChars - 3, 1))) + "..." }
            items.append(.text(TextSpec(label, at: Point(sx + sw + 6, cy), size: fontSize)))
            children.append(.group(items, attributes: Attributes(classes: ["legend-entry"] + entry.classes, data: entry.data)))
        }
        return .group(children, attributes: Attributes(classes: ["legend"]))
    }
}

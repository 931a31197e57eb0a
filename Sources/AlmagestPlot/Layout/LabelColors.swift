/// Colours and legend entries for integer labels (clusters, classes): each distinct label gets the
/// palette colour of its rank among the sorted non-negative labels; negative labels (noise) are grey.
/// Optionally one label is highlighted and the others faded. Cost: O(n log n) to collect labels.
///
/// ```swift
/// let colors = try LabelColors(labels: [2, 0, 2, -1], names: [:], highlight: 2, palette: .categorical)
/// colors.color(for: 0)        // faded first palette colour
/// ```
struct LabelColors {
    let distinct: [Int]
    /// Palette index of each non-negative label: its rank among them.
    private let rank: [Int: Int]
    let names: [Int: String]
    let highlight: Int?
    let palette: Palette

    init(labels: [Int], names: [Int: String], highlight: Int?, palette: Palette) throws {
        distinct = Array(Set(labels)).sorted()
        rank = Dictionary(uniqueKeysWithValues: distinct.filter { $0 >= 0 }.enumerated().map { ($1, $0) })
        self.names = names
        self.palette = palette
        if let highlight, !distinct.contains(highlight) {
            throw PlotError.unknownLabel(label: highlight, known: distinct)
        }
        self.highlight = highlight
    }

    /// Validation and colouring shared by the scatter charts: checks the marker radius and that a
    /// highlight comes with labels, and returns the labels (all 0 when none), colours and legend.
    static func forPoints(
        labels: [Int]?, count: Int, names: [Int: String], highlight: Int?, pointRadius: Double, style: ChartStyle
    ) throws -> (labels: [Int], colors: LabelColors, legend: Legend) {
        guard pointRadius.isFinite, pointRadius > 0, pointRadius <= 50 else {
            throw PlotError.invalidParameter(name: "pointRadius", value: "\(pointRadius)", expected: "a number in (0, 50]")
        }
        if let highlight, labels == nil {
            throw PlotError.invalidParameter(
                name: "highlight", value: "\(highlight)", expected: "labels for the points when a label is highlighted")
        }
        let all = labels ?? [Int](repeating: 0, count: count)
        let colors = try LabelColors(labels: all, names: names, highlight: highlight, palette: style.palette)
        let legend = labels == nil ? Legend(entries: [], fontSize: style.fontSize) : colors.legendEntries(fontSize: style.fontSize)
        return (all, colors, legend)
    }

    func isHighlighted(_ label: Int) -> Bool { highlight == label }

    /// The colour of points with `label`, faded when another label is highlighted.
    func color(for label: Int) -> Color {
        let base = palette.color(at: rank[label] ?? -1)
        if let highlight, highlight != label { return base.withAlpha(0.18) }
        return base.withAlpha(0.85)
    }

    func name(for label: Int) -> String {
        if let name = names[label] { return name }
        return label < 0 ? "noise" : "\(label)"
    }

    /// One legend entry per label (none beyond 24 labels, which no legend can show usefully).
    func legendEntries(fontSize: Double) -> Legend {
        guard distinct.count > 1 || !names.isEmpty, distinct.count <= 24 else { return Legend(entries: [], fontSize: fontSize) }
        let entries = distinct.map { label in
            Legend.Entry(
                name(for: label), color: color(for: label).withAlpha(isHighlighted(label) || highlight == nil ? 1 : 0.35),
                swatch: .marker, classes: isHighlighted(label) ? ["highlighted"] : [],
                data: [("label", "\(label)")])
        }
        return Legend(entries: entries, fontSize: fontSize)
    }
}

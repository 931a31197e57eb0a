/// Axis lines, tick marks, tick labels and grid lines around a plot rectangle.
///
/// An axis is given as tick positions in pixels with their labels, so the same drawing serves
/// numeric axes (from `AxisMapping`) and categorical ones (bar groups, matrix rows). Tick labels
/// that would collide are thinned to every k-th one; categorical x labels too long for their slot
/// are written upward instead (`CategoryLabels`). Cost: O(number of ticks).
///
/// ```swift
/// let nodes = AxisGuide.draw(x: AxisGuide(mapping: xMap), y: AxisGuide(mapping: yMap), in: plot, fontSize: 12)
/// ```
struct AxisGuide {
    var positions: [Double]
    var labels: [String]
    /// Draw grid lines across the plot at the ticks.
    var grid: Bool
    /// Draw small tick marks.
    var marks: Bool = true
    /// Write x labels upward (reading bottom to top) under their ticks.
    var rotated: Bool = false

    init(positions: [Double], labels: [String], grid: Bool, marks: Bool = true, rotated: Bool = false) {
        self.positions = positions
        self.labels = labels
        self.grid = grid
        self.marks = marks
        self.rotated = rotated
    }

    init(mapping: AxisMapping, grid: Bool = true) {
        self.init(positions: mapping.tickPositions, labels: mapping.labels, grid: grid)
    }

    /// Width of the widest label at this font size.
    func labelWidth(fontSize: Double) -> Double {
        labels.map { TextSpec.estimatedWidth(of: $0, size: fontSize) }.max() ?? 0
    }

    /// Grid, frame, ticks and labels for an x axis under the plot and a y axis on its left; either may be nil.
    static func draw(x: AxisGuide?, y: AxisGuide?, in plot: Rect, fontSize f: Double, frame: Bool = true) -> Node {
        var grid: [Node] = [], ticks: [Node] = [], labels: [Node] = []
        let gridStyle = Style.stroke(.grid, width: 1)
        let tickStyle = Style.stroke(.ink, width: 1)
        if let x {
            let every = x.thinning(available: plot.width, fontSize: f, vertical: x.rotated)
            for (k, (p, label)) in zip(x.positions, x.labels).enumerated() {
                if x.grid { grid.append(.line(from: Point(p, plot.y), to: Point(p, plot.maxY), style: gridStyle)) }
                if x.marks { ticks.append(.line(from: Point(p, plot.maxY), to: Point(p, plot.maxY + 4), style: tickStyle)) }
                if k % every == 0 && x.rotated {
                    labels.append(.text(TextSpec(label, at: Point(p, plot.maxY + 7), size: f, anchor: .end, orientation: .upward)))
                } else if k % every == 0 {
                    labels.append(.text(TextSpec(label, at: Point(p, plot.maxY + 6 + f * 0.6), size: f, anchor: .middle)))
                }
            }
        }
        if let y {
            let every = y.thinning(available: plot.height, fontSize: f, vertical: true)
            for (k, (p, label)) in zip(y.positions, y.labels).enumerated() {
                if y.grid { grid.append(.line(from: Point(plot.x, p), to: Point(plot.maxX, p), style: gridStyle)) }
                if y.marks { ticks.append(.line(from: Point(plot.x - 4, p), to: Point(plot.x, p), style: tickStyle)) }
                if k % every == 0 {
                    labels.append(.text(TextSpec(label, at: Point(plot.x - 7, p), size: f, anchor: .end)))
                }
            }
        }
        var children: [Node] = [.group(grid, attributes: Attributes(classes: ["grid"]))]
        if frame {
            children.append(.polyline(
                [Point(plot.x, plot.y), Point(plot.x, plot.maxY), Point(plot.maxX, plot.maxY)],
                style: .stroke(.ink, width: 1)))
        }
        children.append(.group(ticks, attributes: Attributes(classes: ["ticks"])))
        children.append(.group(labels, attributes: Attributes(classes: ["tick-labels"])))
        return .group(children, attributes: Attributes(classes: ["axes"]))
    }

    // MARK: - Private

    /// Show every k-th label so that labels do not overlap.
    private func thinning(available: Double, fontSize: Double, vertical: Bool) -> Int {
        guard positions.count > 1 else { return 1 }
        let spacing = abs(positions[positions.count - 1] - positions[0]) / Double(positions.count - 1)
        let need = vertical ? fontSize * 1.3 : labelWidth(fontSize: fontSize) + fontSize * 0.6
        guard spacing > 0 else { return positions.count }
        return max(1, Int(min(need / spacing, Double(positions.count)).rounded(.up)))
    }
}

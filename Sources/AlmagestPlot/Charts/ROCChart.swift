/// One receiver operating characteristic curve: false and true positive rates at decreasing
/// thresholds, in order of non-decreasing false positive rate, from (0, 0) towards (1, 1).
public struct ROCCurve: Sendable, Equatable {
    public var name: String
    public var falsePositiveRates: [Double]
    public var truePositiveRates: [Double]

    public init(_ name: String, falsePositiveRates: [Double], truePositiveRates: [Double]) {
        self.name = name
        self.falsePositiveRates = falsePositiveRates
        self.truePositiveRates = truePositiveRates
    }

    /// Area under the curve by the trapezoidal rule (points as given).
    public var auc: Double {
        var area = 0.0
        for i in 1..<max(falsePositiveRates.count, 1) where i < truePositiveRates.count {
            area += (falsePositiveRates[i] - falsePositiveRates[i - 1]) * (truePositiveRates[i] + truePositiveRates[i - 1]) / 2
        }
        return area
    }
}

/// ROC curves of one or more classifiers (or one-vs-rest classes) on the unit square, with the
/// chance diagonal dashed and each curve's AUC in the legend ("digit 3 (AUC = 0.987)").
///
/// Curves are `<polyline class="roc">` with `data-name` and `data-auc`. Cost: O(total points).
///
/// ```swift
/// let chart = ROCChart(curves: [ROCCurve("MLP", falsePositiveRates: fpr, truePositiveRates: tpr)])
/// try chart.write(to: URL(fileURLWithPath: "/tmp/roc.svg"))
/// ```
public struct ROCChart: Chart {
    public var curves: [ROCCurve]
    /// The title and the axis titles (nil axis titles read "false positive rate" and "true positive rate").
    public var titles: ChartTitles
    public var style: ChartStyle

    public init(
        curves: [ROCCurve], titles: ChartTitles = ChartTitles(), style: ChartStyle = ChartStyle(width: 620, height: 480)
    ) {
        self.curves = curves
        self.titles = titles
        self.style = style
    }

    public func scene() throws -> Scene {
        try style.validate()
        if curves.isEmpty { throw PlotError.emptyData(what: "ROC curves") }
        for c in curves {
            let name = "ROC curve \"\(c.name)\""
            try Validate.finite(c.falsePositiveRates, name + " false positive rates")
            try Validate.finite(c.truePositiveRates, name + " true positive rates")
            try Validate.length(c.truePositiveRates.count, name + " true positive rates",
                                equals: c.falsePositiveRates.count, "its false positive rates")
            if c.falsePositiveRates.count < 2 {
                throw PlotError.invalidParameter(name: name, value: "\(c.falsePositiveRates.count) points",
                                                 expected: "at least 2 points")
            }
            for (what, rates) in [("false", c.falsePositiveRates), ("true", c.truePositiveRates)] {
                if let i = rates.firstIndex(where: { $0 < 0 || $0 > 1 }) {
                    throw PlotError.invalidParameter(name: "\(name) \(what) positive rate [\(i)]", value: "\(rates[i])",
                                                     expected: "a rate in 0...1")
                }
            }
            if let i = c.falsePositiveRates.indices.dropFirst().first(where: { c.falsePositiveRates[$0] < c.falsePositiveRates[$0 - 1] }) {
                throw PlotError.invalidParameter(
                    name: "\(name) false positive rate [\(i)]", value: "\(c.falsePositiveRates[i])",
                    expected: "non-decreasing rates (at least \(c.falsePositiveRates[i - 1]))")
            }
        }
        var entries = curves.enumerated().map { k, c in
            Legend.Entry("\(c.name) (AUC = \(Ticks.label(c.auc, step: 0.001)))", color: style.palette.color(at: k),
                         swatch: .line(dash: []))
        }
        entries.append(Legend.Entry("chance (AUC = 0.5)", color: Color(hex: 0x888888), swatch: .line(dash: [5, 4])))
        let legend = Legend(entries: entries, fontSize: style.fontSize)
        let unitTicks = AxisMapping.fitted(to: [0, 1], scale: .linear, pixels: (1, 0))
        let titles = self.titles.defaultingAxes(x: "false positive rate", y: "true positive rate")
        let frame = ChartFrame(
            style: style, titles: titles,
            yTickLabelWidth: AxisGuide(mapping: unitTicks).labelWidth(fontSize: style.fontSize), legendWidth: legend.width)
        let plot = frame.plot
        let xMap = AxisMapping.fitted(to: [0, 1], scale: .linear, pixels: (plot.x, plot.maxX))
        let yMap = AxisMapping.fitted(to: [0, 1], scale: .linear, pixels: (plot.maxY, plot.y))
        var scene = frame.scene(classes: ["roc"])
        scene.append(AxisGuide.draw(x: AxisGuide(mapping: xMap), y: AxisGuide(mapping: yMap), in: plot, fontSize: style.fontSize))
        scene.append(.line(from: Point(plot.x, plot.maxY), to: Point(plot.maxX, plot.y),
                           style: .stroke(Color(hex: 0x888888), width: 1.2, dash: [5, 4]),
                           attributes: Attributes(classes: ["chance"])))
        for (k, c) in curves.enumerated() {
            let points = zip(c.falsePositiveRates, c.truePositiveRates).map { Point(xMap.position(of: $0), yMap.position(of: $1)) }
            scene.append(.polyline(points, style: .stroke(style.palette.color(at: k), width: 2), attributes: Attributes(
                classes: ["roc"], data: [("name", c.name), ("auc", SVGFormat.value(c.auc))])))
        }
        scene.append(contentsOf: frame.axisTitles())
        scene.append(legend.node(at: Point(plot.maxX + 12, plot.y)))
        return scene
    }
}

import AlmagestCore
import AlmagestPlot
import Foundation
import Testing

@Suite struct ConfusionMatrixChartTests {
    @Test func cellTextsEqualTheCounts() throws {
        let counts = [[50, 2, 0], [3, 41, 7], [0, 1, 38]]
        let chart = ConfusionMatrixChart(counts: counts, classNames: ["cat", "dog", "<bird>"])
        let xml = try #require(XMLCheck.parse(try chart.svg()))
        let texts = xml.elements(named: "text", withClass: "count").map(\.text)
        #expect(texts == counts.flatMap { $0.map(String.init) })
        let cells = xml.elements(named: "rect", withClass: "cell")
        #expect(cells.count == 9)
        #expect(cells.filter { $0.classes.contains("diagonal") }.map { $0.attributes["data-count"] } == ["50", "41", "38"])
        #expect(cells.contains { $0.attributes["data-true"] == "<bird>" })
    }

    @Test func countsFromLabelsAndNormalisation() throws {
        let truth = [0, 0, 0, 1, 1, 2], predicted = [0, 0, 1, 1, 1, 0]
        let chart = try ConfusionMatrixChart(truth: truth, predicted: predicted, normalization: .byTrueClass)
        #expect(chart.counts == [[2, 1, 0], [0, 2, 0], [1, 0, 0]])
        let rows = chart.normalized()
        #expect(rows.map { $0.reduce(0, +) } == [1, 1, 1])
        #expect(abs(rows[0][0] - 2.0 / 3) < 1e-12)
        let xml = try #require(XMLCheck.parse(try chart.svg()))
        #expect(xml.elements(named: "text", withClass: "count").map(\.text).prefix(3) == ["0.67", "0.33", "0"])
        var byColumn = chart
        byColumn.normalization = .byPredictedClass
        #expect(byColumn.normalized()[0][0] == 2.0 / 3 && byColumn.normalized()[2][0] == 1.0 / 3)
    }

    @Test func refusesNonSquareNegativeAndMismatchedInput() {
        #expect(throws: PlotError.self) { try ConfusionMatrixChart(counts: [[1, 2], [3]]).svg() }
        #expect(throws: PlotError.self) { try ConfusionMatrixChart(counts: [[1, -2], [3, 4]]).svg() }
        #expect(throws: PlotError.emptyData(what: "confusion matrix counts")) { try ConfusionMatrixChart(counts: []).svg() }
        #expect(throws: PlotError.self) { try ConfusionMatrixChart(truth: [0, 1], predicted: [0]) }
        #expect(throws: PlotError.self) { try ConfusionMatrixChart(counts: [[1]], classNames: ["a", "b"]).svg() }
    }
}

@Suite struct ROCChartTests {
    @Test func aucByTrapezoidsAndInTheLegend() throws {
        let perfect = ROCCurve("perfect", falsePositiveRates: [0, 0, 1], truePositiveRates: [0, 1, 1])
        let chance = ROCCurve("chance", falsePositiveRates: [0, 1], truePositiveRates: [0, 1])
        let mid = ROCCurve("mid", falsePositiveRates: [0, 0.5, 1], truePositiveRates: [0, 1, 1])
        #expect(perfect.auc == 1)
        #expect(chance.auc == 0.5)
        #expect(mid.auc == 0.75)
        let xml = try #require(XMLCheck.parse(try ROCChart(curves: [perfect, mid]).svg()))
        let texts = xml.elements(named: "text").map(\.text)
        #expect(texts.contains("mid (AUC = 0.750)"))
        #expect(texts.contains("perfect (AUC = 1.000)"))
        #expect(xml.elements(named: "line", withClass: "chance").count == 1)
        #expect(xml.elements(named: "polyline", withClass: "roc").map { $0.attributes["data-auc"] } == ["1", "0.75"])
    }

    @Test func refusesUnsortedOutOfRangeAndShortCurves() {
        #expect(throws: PlotError.self) {
            try ROCChart(curves: [ROCCurve("a", falsePositiveRates: [0, 0.6, 0.4, 1], truePositiveRates: [0, 0.5, 0.7, 1])]).svg()
        }
        #expect(throws: PlotError.self) {
            try ROCChart(curves: [ROCCurve("a", falsePositiveRates: [0, 1.2], truePositiveRates: [0, 1])]).svg()
        }
        #expect(throws: PlotError.self) { try ROCChart(curves: [ROCCurve("a", falsePositiveRates: [0], truePositiveRates: [0])]).svg() }
        #expect(throws: PlotError.emptyData(what: "ROC curves")) { try ROCChart(curves: []).svg() }
    }
}

@Suite struct SilhouettePlotTests {
    @Test func oneBlockPerClusterWithSizesAndMeans() throws {
        let values = [0.9, 0.5, 0.7, -0.2, 0.3, 0.4, 0.1]
        let labels = [0, 0, 0, 1, 1, 2, 2]
        let xml = try #require(XMLCheck.parse(try SilhouettePlot(values: values, labels: labels).svg()))
        let blocks = xml.elements(named: "polygon", withClass: "cluster")
        #expect(blocks.map { $0.attributes["data-label"] } == ["0", "1", "2"])
        #expect(blocks.map { $0.attributes["data-size"] } == ["3", "2", "2"])
        let means = blocks.compactMap { $0.attributes["data-mean"].flatMap(Double.init) }
        #expect(abs(means[0] - 0.7) < 1e-12 && abs(means[1] - 0.05) < 1e-12 && abs(means[2] - 0.25) < 1e-12)
        let mean = try #require(xml.elements(named: "g", withClass: "mean").first?.attributes["data-mean"].flatMap(Double.init))
        #expect(abs(mean - values.reduce(0, +) / 7) < 1e-12)
        // Each block outline has two vertices per sample plus the two on the zero line.
        #expect(blocks[0].attributes["points"]?.split(separator: " ").count == 2 * 3 + 2)
    }

    @Test func refusesOutOfRangeAndMismatch() {
        #expect(throws: PlotError.self) { try SilhouettePlot(values: [0.5, 1.5], labels: [0, 1]).svg() }
        #expect(throws: PlotError.self) { try SilhouettePlot(values: [0.5, 0.2], labels: [0]).svg() }
        #expect(throws: PlotError.emptyData(what: "silhouette values")) { try SilhouettePlot(values: [], labels: []).svg() }
    }
}

@Suite struct SankeyDiagramTests {
    static let left = [0, 0, 0, 1, 1, 2, 2, 2, 2, 0]
    static let right = [5, 5, 6, 6, 6, 7, 7, 5, 7, 5]

    @Test func ribbonWidthsSumToNAndFillTheirNodes() throws {
        let layout = try SankeyDiagram(left: Self.left, right: Self.right).layout()
        #expect(layout.unit > 0)
        #expect(layout.ribbons.map(\.count).reduce(0, +) == Self.left.count)
        let widths = layout.ribbons.map(\.width).reduce(0, +)
        #expect(abs(widths / layout.unit - Double(Self.left.count)) < 1e-9)
        for node in layout.nodes {
            let attached = layout.ribbons.filter { node.side == .left ? $0.source == node.label : $0.target == node.label }
            #expect(attached.map(\.count).reduce(0, +) == node.count)
            #expect(abs(attached.map(\.width).reduce(0, +) - node.frame.height) < 1e-9)
            // Ribbons tile the node from its top to its bottom without overlap.
            let spans = attached.map { node.side == .left ? $0.sourceSpan : $0.targetSpan }.sorted { $0.lowerBound < $1.lowerBound }
            #expect(abs((spans.first?.lowerBound ?? 0) - node.frame.y) < 1e-9)
            for (a, b) in zip(spans, spans.dropFirst()) { #expect(abs(a.upperBound - b.lowerBound) < 1e-9) }
        }
        let contingency = Dictionary(grouping: zip(Self.left, Self.right).map { "\($0)->\($1)" }, by: { $0 }).mapValues(\.count)
        for r in layout.ribbons { #expect(contingency["\(r.source)->\(r.target)"] == r.count) }
    }

    @Test func svgRibbonsCarryTheCounts() throws {
        let chart = SankeyDiagram(left: Self.left, right: Self.right, leftNames: [0: "a & b"], leftTitle: "run 1", rightTitle: "run 2")
        let xml = try #require(XMLCheck.parse(try chart.svg()))
        let counts = xml.elements(named: "polygon", withClass: "ribbon").compactMap { $0.attributes["data-count"].flatMap(Int.init) }
        #expect(counts.reduce(0, +) == Self.left.count)
        #expect(xml.elements(named: "rect", withClass: "node").count == 3 + 3)
        #expect(xml.elements(named: "text").map(\.text).contains("a & b (4)"))
    }

    @Test func refusesEmptyAndMismatchedLabelings() {
        #expect(throws: PlotError.emptyData(what: "Sankey left labels")) { try SankeyDiagram(left: [], right: []).svg() }
        #expect(throws: PlotError.lengthMismatch(what: "Sankey right labels", got: 1, expected: 2, reference: "the left labels")) {
            try SankeyDiagram(left: [0, 1], right: [0]).svg()
        }
    }
}

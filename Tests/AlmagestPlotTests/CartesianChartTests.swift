import AlmagestCore
import AlmagestPlot
import Foundation
import Testing

@Suite struct LineChartTests {
    @Test func logScaleRefusesNonPositiveValues() {
        let bad = LineChart(series: [LineSeries("loss", y: [1, 0.5, 0, 0.1])], yScale: .logarithmic)
        #expect(throws: PlotError.nonPositiveOnLogScale(what: "line series \"loss\" y", index: 2, value: 0)) { try bad.svg() }
        let negative = LineChart(series: [LineSeries("gain", y: [1, -3])], yScale: .logarithmic)
        #expect(throws: PlotError.self) { try negative.svg() }
        // The same values are fine on a linear axis.
        #expect((try? LineChart(series: [LineSeries("gain", y: [1, -3])]).svg()) != nil)
    }

    @Test func seriesIntervalsAndMarkersAreTagged() throws {
        let chart = LineChart(
            series: [LineSeries("error", y: [0.9, 0.5, 0.3, 0.2]), LineSeries("rank", y: [1, 2, 2, 3], isDashed: true)],
            yScale: .logarithmic, intervals: [MarkedInterval(from: 1, to: 2, label: "plateau")],
            markers: [VerticalMarker(x: 3, label: "stop")])
        let xml = try #require(XMLCheck.parse(try chart.svg()))
        let series = xml.elements(named: "g", withClass: "series")
        #expect(series.map { $0.attributes["data-name"] } == ["error", "rank"])
        #expect(xml.elements(named: "polyline").filter { $0.attributes["stroke-dasharray"] != nil }.count == 1)
        let interval = try #require(xml.elements(named: "rect", withClass: "interval").first)
        #expect(interval.attributes["data-from"] == "1" && interval.attributes["data-to"] == "2")
        #expect(xml.elements(named: "line", withClass: "marker").first?.attributes["data-x"] == "3")
        // Values 0.2...3 on a log axis: ticks 0.2, 0.5, 1, 2, 5 (within two decades 2x and 5x are added).
        let labels = Set(xml.elements(named: "text").map(\.text))
        #expect(labels.isSuperset(of: ["0.2", "0.5", "1", "2", "5"]))
        #expect(!labels.contains("0.1") && !labels.contains("10"))
    }

    /// A band is one polygon under its line, spanning the lower and upper values, and widens the
    /// y range; a band whose length differs from the series' is refused.
    @Test func bandsAreShadedUnderTheirSeries() throws {
        let chart = LineChart(series: [LineSeries(
            "mean flux", x: [1, 2, 3], y: [1, 2, 1], band: (lower: [0.5, 1.5, -1], upper: [1.5, 2.5, 4]))])
        let xml = try #require(XMLCheck.parse(try chart.svg()))
        let band = try #require(xml.elements(named: "polygon", withClass: "band").first)
        #expect((band.attributes["points"] ?? "").split(separator: " ").count == 6)
        let root = try #require(xml.elements(named: "svg").first?.attributes)
        let yMin = try #require(root["data-y-min"].flatMap(Double.init)), yMax = try #require(root["data-y-max"].flatMap(Double.init))
        #expect(yMin <= -1 && yMax >= 4)
        let ragged = LineChart(series: [LineSeries("m", x: [1, 2], y: [1, 2], band: (lower: [0], upper: [2, 3]))])
        #expect(throws: PlotError.self) { try ragged.svg() }
        let logBand = LineChart(series: [LineSeries("m", x: [1, 2], y: [1, 2], band: (lower: [0, 1], upper: [2, 3]))], yScale: .logarithmic)
        #expect(throws: PlotError.nonPositiveOnLogScale(what: "line series \"m\" band lower", index: 0, value: 0)) { try logBand.svg() }
    }

    /// A marker label stays inside the plot: right of its line, or left of it near the right edge.
    @Test func markerLabelsStayInsideThePlot() throws {
        for (x, anchor) in [(1.0, nil as String?), (30.0, "end")] {
            let chart = LineChart(series: [LineSeries("loss", x: [1, 10, 20, 30], y: [4, 3, 2, 1])],
                                  markers: [VerticalMarker(x: x, label: "kept")])
            let xml = try #require(XMLCheck.parse(try chart.svg()))
            let line = try #require(xml.elements(named: "line", withClass: "marker").first)
            let text = try #require(xml.elements(named: "text").first { $0.text == "kept" })
            let lineX = Double(line.attributes["x1"] ?? "") ?? .nan, textX = Double(text.attributes["x"] ?? "") ?? .nan
            #expect(text.attributes["text-anchor"] == anchor)
            #expect(anchor == nil ? textX > lineX : textX < lineX)
        }
    }

    /// The data a page script needs to read values back: the plot rectangle and its data ranges on
    /// the root, each series' points, legend entries and point markers by index.
    @Test func plotMappingAndSeriesValuesAreExposedForScripts() throws {
        let chart = LineChart(
            series: [LineSeries("error", x: [0, 10, 20], y: [0.9, 0.25, 0.125]), LineSeries("rank", x: [0, 20], y: [1, 3], showsMarkers: true)],
            yScale: .logarithmic)
        let xml = try #require(XMLCheck.parse(try chart.svg()))
        let root = try #require(xml.elements(named: "svg").first?.attributes)
        #expect(root["data-y-scale"] == "log" && root["data-x-min"] == "0" && root["data-x-max"] == "20")
        let yMin = try #require(root["data-y-min"].flatMap(Double.init)), yMax = try #require(root["data-y-max"].flatMap(Double.init))
        #expect(yMin <= 0.125 && yMax >= 3)
        let plot = ["x", "y", "width", "height"].compactMap { root["data-plot-\($0)"].flatMap(Double.init) }
        #expect(plot.count == 4 && plot[0] > 0 && plot[2] > 0 && plot[0] + plot[2] <= chart.style.width)
        let series = xml.elements(named: "g", withClass: "series")
        #expect(series.map { $0.attributes["data-index"] } == ["0", "1"])
        #expect(series[0].attributes["data-x"] == "0 10 20" && series[0].attributes["data-y"] == "0.9 0.25 0.125")
        #expect(series[1].attributes["data-x"] == "0 20" && series[1].attributes["data-y"] == "1 3")
        #expect(xml.elements(named: "circle").compactMap { $0.attributes["data-point"] } == ["0", "1"])
        #expect(xml.elements(named: "g", withClass: "legend-entry").compactMap { $0.attributes["data-series"] } == ["0", "1"])
        // The linear default says so.
        let linear = try #require(XMLCheck.parse(try LineChart(series: [LineSeries("a", y: [1, 2])]).svg()))
        #expect(linear.elements(named: "svg").first?.attributes["data-y-scale"] == "linear")
    }

    @Test func refusesMismatchedNaNAndBadIntervals() {
        #expect(throws: PlotError.lengthMismatch(what: "line series \"a\" y", got: 2, expected: 3, reference: "its x")) {
            try LineChart(series: [LineSeries("a", x: [0, 1, 2], y: [1, 2])]).svg()
        }
        #expect(throws: PlotError.nonFinite(what: "line series \"a\" y", index: 1, value: .infinity)) {
            try LineChart(series: [LineSeries("a", y: [1, .infinity])]).svg()
        }
        #expect(throws: PlotError.emptyData(what: "line chart series")) { try LineChart(series: []).svg() }
        #expect(throws: PlotError.self) {
            try LineChart(series: [LineSeries("a", y: [1, 2])], intervals: [MarkedInterval(from: 3, to: 1)]).svg()
        }
    }
}

@Suite struct BarChartTests {
    @Test func oneBarPerCategoryAndSeriesWithProportionalHeights() throws {
        let chart = BarChart(categories: ["a", "b<c"], series: [BarSeries("s1", values: [0.4, 0.8]), BarSeries("s2", values: [0.2, 0])])
        let xml = try #require(XMLCheck.parse(try chart.svg()))
        let bars = xml.elements(named: "rect", withClass: "bar")
        #expect(bars.count == 4)
        #expect(bars.compactMap { $0.attributes["data-category"] }.contains("b<c"))
        func height(_ series: String, _ category: String) -> Double {
            let bar = bars.first { $0.attributes["data-series"] == series && $0.attributes["data-category"] == category }
            return Double(bar?.attributes["height"] ?? "") ?? -1
        }
        #expect(abs(height("s1", "b<c") - 2 * height("s1", "a")) < 0.05)
        #expect(abs(height("s1", "a") - 2 * height("s2", "a")) < 0.05)
        #expect(height("s2", "b<c") == 0)
    }

    @Test func longCategoryNamesAreWrittenUpwardAndKeptAll() throws {
        let names = (0..<8).map { "a rather long descriptor name \($0)" }
        let chart = BarChart(categories: names, series: [BarSeries("s", values: (0..<8).map(Double.init))])
        let xml = try #require(XMLCheck.parse(try chart.svg()))
        let rotated = xml.elements(named: "text").filter { ($0.attributes["transform"] ?? "").hasPrefix("rotate(-90") }
        #expect(rotated.count == 8)  // every category keeps its label
        #expect(rotated.allSatisfy { $0.text.count <= 24 && $0.text.hasPrefix("a rather long") })
        let short = BarChart(categories: ["a", "b"], series: [BarSeries("s", values: [1, 2])])
        let plain = try #require(XMLCheck.parse(try short.svg()))
        #expect(plain.elements(named: "text").allSatisfy { $0.attributes["transform"] == nil })
    }

    @Test func refusesBadInput() {
        #expect(throws: PlotError.lengthMismatch(what: "bar series \"s\"", got: 1, expected: 2, reference: "categories")) {
            try BarChart(categories: ["a", "b"], series: [BarSeries("s", values: [1])]).svg()
        }
        #expect(throws: PlotError.emptyData(what: "bar chart categories")) { try BarChart(categories: [], series: []).svg() }
        #expect(throws: PlotError.self) { try BarChart(categories: ["a"], series: [BarSeries("s", values: [.nan])]).svg() }
        #expect(throws: PlotError.self) {
            try BarChart(categories: ["a"], series: [BarSeries("s", values: [1])], style: ChartStyle(width: 5)).svg()
        }
    }
}

@Suite struct HeatmapTests {
    @Test func smallMatrixHasOneCellPerEntryWithTheColourMapEnds() throws {
        let m = try Matrix<Double>([[0, 1, 2], [3, 4, 5]])
        let xml = try #require(XMLCheck.parse(try Heatmap(values: m, annotate: true).svg()))
        let cells = xml.elements(named: "rect", withClass: "cell")
        #expect(cells.count == 6)
        let low = cells.first { $0.attributes["data-value"] == "0" }, high = cells.first { $0.attributes["data-value"] == "5" }
        #expect(low?.attributes["fill"] == ColorMap.viridis.color(at: 0).hexString)
        #expect(high?.attributes["fill"] == ColorMap.viridis.color(at: 1).hexString)
        #expect(high?.attributes["data-row"] == "1" && high?.attributes["data-column"] == "2")
        #expect(xml.elements(named: "g", withClass: "colorbar").count == 1)
    }

    @Test func largeMatrixIsOneBitmapWithOnePixelPerCell() throws {
        let m = Matrix<Double>(rows: 10, columns: 784) { r, c in Double(r * 784 + c) }
        let xml = try #require(XMLCheck.parse(try Heatmap(values: m).svg()))
        #expect(xml.elements(named: "rect", withClass: "cell").isEmpty)
        let image = try #require(xml.elements(named: "image", withClass: "cells").first)
        let base64 = String((image.attributes["href"] ?? "").dropFirst("data:image/png;base64,".count))
        let decoded = try DecodedPNG(try #require(Data(base64Encoded: base64)))
        #expect(decoded.width == 784 && decoded.height == 10)
        let first = ColorMap.viridis.color(at: 0), last = ColorMap.viridis.color(at: 1)
        #expect(decoded.pixel(0, 0) == [first.red, first.green, first.blue, 255])
        #expect(decoded.pixel(783, 9) == [last.red, last.green, last.blue, 255])
    }

    @Test func refusesNaNAndLabelMismatch() throws {
        let m = try Matrix<Double>([[0, .nan]])
        do {
            _ = try Heatmap(values: m).svg()
            Issue.record("expected a PlotError for NaN")
        } catch {
            #expect("\(error)".contains("non-finite value nan at index 1"))
        }
        let ok = try Matrix<Double>([[0, 1]])
        #expect(throws: PlotError.self) { try Heatmap(values: ok, rowLabels: ["a", "b"]).svg() }
        #expect(throws: PlotError.emptyData(what: "heatmap values")) { try Heatmap(values: Matrix(rows: 0, columns: 0)).svg() }
    }
}

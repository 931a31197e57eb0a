import AlmagestPlot
import Foundation
import Testing

@Suite struct ChartGridTests {
    @Test func panelsAreTranslatedCopiesOfTheirCharts() throws {
        let a = LineChart(series: [LineSeries("error", y: [3, 2, 1])], titles: "a")
        let grid = ChartGrid(charts: [a, a, a], columns: 2, titles: "Training <curves>")
        let scene = try grid.scene()
        #expect(scene.width == 1280)
        #expect(scene.height == 15 * 2.4 + 440 * 2)
        let xml = try #require(XMLCheck.parse(scene.svg()))
        let panels = xml.elements(named: "g", withClass: "panel")
        #expect(panels.map { $0.attributes["data-index"] } == ["0", "1", "2"])
        #expect(panels.allSatisfy { $0.classes.contains("lines") })
        let firstPoints = xml.elements(named: "polyline").filter { ($0.attributes["stroke-width"] ?? "") == "2" }.compactMap {
            $0.attributes["points"]?.split(separator: " ").first.map { $0.split(separator: ",").compactMap { Double($0) } }
        }
        #expect(firstPoints.count == 3)
        #expect(abs(firstPoints[1][0] - firstPoints[0][0] - 640) < 0.011)
        #expect(abs(firstPoints[1][1] - firstPoints[0][1]) < 0.011)
        #expect(abs(firstPoints[2][0] - firstPoints[0][0]) < 0.011)
        #expect(abs(firstPoints[2][1] - firstPoints[0][1] - 440) < 0.011)
        #expect(xml.elements(named: "text").contains { $0.text == "Training <curves>" })
    }

    @Test func refusesEmptyGridsAndPropagatesPanelErrors() {
        #expect(throws: PlotError.emptyData(what: "chart grid panels")) { try ChartGrid(charts: []).svg() }
        #expect(throws: PlotError.self) { try ChartGrid(charts: [LineChart(series: [])]).svg() }
        #expect(throws: PlotError.self) { try ChartGrid(charts: [LineChart(series: [LineSeries("a", y: [1])])], columns: 0).svg() }
    }
}

import AlmagestPlot
import Foundation
import Testing

@Suite struct ScatterChartTests {
    static let xs: [Double] = (0..<60).map { Double($0 % 10) + sin(Double($0)) }
    static let ys: [Double] = (0..<60).map { Double($0 / 10) * 1.5 + cos(Double($0)) }
    static let labels: [Int] = (0..<60).map { $0 % 4 == 3 ? -1 : $0 % 3 }

    @Test func onePointElementPerSampleAndHighlightClass() throws {
        let chart = ScatterChart(x: Self.xs, y: Self.ys, labels: Self.labels, highlight: 2,
                                 titles: ChartTitles("Clusters", x: "component 1", y: "component 2"))
        let svg = try chart.svg()
        let xml = try #require(XMLCheck.parse(svg))
        let points = xml.elements(named: "circle", withClass: "point")
        #expect(points.count == 60)
        let lit = points.filter { $0.classes.contains("highlighted") }
        #expect(lit.count == Self.labels.filter { $0 == 2 }.count)
        #expect(lit.allSatisfy { $0.attributes["data-label"] == "2" })
        let indices = Set(points.compactMap { $0.attributes["data-index"].flatMap(Int.init) })
        #expect(indices == Set(0..<60))
        try chart.write(to: URL(fileURLWithPath: "/tmp/almagest-plot-scatter.png"))
    }

    @Test func refusesBadInputWithTypedErrors() {
        #expect(throws: PlotError.lengthMismatch(what: "scatter chart y", got: 2, expected: 3, reference: "x")) {
            try ScatterChart(x: [1, 2, 3], y: [1, 2]).svg()
        }
        #expect(throws: PlotError.emptyData(what: "scatter chart x")) { try ScatterChart(x: [], y: []).svg() }
        #expect(throws: PlotError.self) { try ScatterChart(x: [1, .nan], y: [1, 2]).svg() }
        #expect(throws: PlotError.unknownLabel(label: 7, known: [0, 1])) {
            try ScatterChart(x: [1, 2], y: [1, 2], labels: [0, 1], highlight: 7).svg()
        }
        do {
            _ = try ScatterChart(x: [1, .infinity], y: [1, 2]).svg()
            Issue.record("expected a PlotError")
        } catch {
            #expect("\(error)".contains("non-finite value inf at index 1"))
        }
    }
}

@Suite struct LargeScatterTests {
    @Test func fiftyThousandPointsKeepOneElementEach() throws {
        let n = 50_000
        let x = (0..<n).map { sin(Double($0) * 0.37) * Double($0 % 97) }
        let y = (0..<n).map { cos(Double($0) * 0.11) * Double($0 % 89) }
        let labels = (0..<n).map { $0 % 10 }
        let start = Date()
        let svg = try ScatterChart(x: x, y: y, labels: labels, highlight: 4).svg()
        let seconds = Date().timeIntervalSince(start)
        let plain = svg.components(separatedBy: "class=\"point\"").count - 1
        let lit = svg.components(separatedBy: "class=\"point highlighted\"").count - 1
        #expect(plain + lit == n)
        #expect(lit == n / 10)
        print("{\"task\":\"scatter-svg-50k\",\"seconds\":\(seconds),\"bytes\":\(svg.utf8.count)}")
    }
}

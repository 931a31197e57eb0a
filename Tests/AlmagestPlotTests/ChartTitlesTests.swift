import AlmagestPlot
import Foundation
import Testing

@Suite struct ChartTitlesTests {
    /// The texts of the title and axis-title elements of a chart's SVG.
    func texts(_ chart: any Chart) throws -> (title: [String], x: [String], y: [String]) {
        let xml = try #require(XMLCheck.parse(try chart.svg()))
        let texts = xml.elements(named: "text")
        let of = { (classes: [String]) in texts.filter { t in classes.allSatisfy(t.classes.contains) }.map(\.text) }
        return (of(["title"]), of(["axis-label", "x"]), of(["axis-label", "y"]))
    }

    @Test func aStringLiteralIsATitleAlone() {
        let titles: ChartTitles = "Training"
        #expect(titles == ChartTitles("Training"))
        #expect(titles.x == nil && titles.y == nil)
    }

    @Test func everyTextIsDrawnOnceWhereItBelongs() throws {
        let line = LineChart(series: [LineSeries("loss", y: [3, 2, 1])], titles: ChartTitles("Curve", x: "epoch", y: "loss"))
        let (title, x, y) = try texts(line)
        #expect(title == ["Curve"] && x == ["epoch"] && y == ["loss"])
    }

    @Test func emptyTextsAreNotDrawnAndTakeNoRoom() throws {
        let series = [LineSeries("loss", y: [3, 2, 1])]
        let empty = try LineChart(series: series, titles: ChartTitles("", x: "", y: "")).svg()
        #expect(empty == (try LineChart(series: series).svg()))
        #expect(try texts(LineChart(series: series)) == ([], [], []))
    }

    @Test func fixedAxisTitlesAreDefaultsThatCanBeReplaced() throws {
        let curve = ROCCurve("c", falsePositiveRates: [0, 0.5, 1], truePositiveRates: [0, 0.8, 1])
        let standard = try texts(ROCChart(curves: [curve], titles: "ROC"))
        #expect(standard.title == ["ROC"] && standard.x == ["false positive rate"] && standard.y == ["true positive rate"])
        let renamed = try texts(ROCChart(curves: [curve], titles: ChartTitles(x: "FPR")))
        #expect(renamed.title == [] && renamed.x == ["FPR"] && renamed.y == ["true positive rate"])
        let confusion = try texts(ConfusionMatrixChart(counts: [[3, 1], [0, 4]], titles: ChartTitles(y: "actual")))
        #expect(confusion.x == ["predicted label"] && confusion.y == ["actual"])
    }

    @Test func chartsWithoutAxesDrawTheTitleOnly() throws {
        let grid = ImageGrid(images: [[0, 1, 1, 0]], imageWidth: 2, imageHeight: 2,
                             titles: ChartTitles("Images", x: "ignored", y: "ignored"))
        let (title, x, y) = try texts(grid)
        #expect(title == ["Images"] && x.isEmpty && y.isEmpty)
    }
}

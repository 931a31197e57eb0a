import AlmagestCore
import AlmagestPlot
import Foundation
import Testing

@Suite struct Scatter3DChartTests {
    @Test func pointsCarryCoordinatesAndAreDrawnBackToFront() throws {
        let x: [Double] = [0, 1, 2, 3, 4, 5], y: [Double] = [5, -1, 3, 0, 2, 4], z: [Double] = [1, 2, 3, 1, 2, 3]
        // Azimuth 0 and elevation 0 look along +y: larger y is farther away and drawn first.
        let chart = Scatter3DChart(x: x, y: y, z: z, labels: [0, 1, 0, 1, 0, 1], highlight: 1, azimuth: 0, elevation: 0)
        let xml = try #require(XMLCheck.parse(try chart.svg()))
        let points = xml.elements(named: "circle", withClass: "point")
        #expect(points.count == 6)
        let drawnY = points.compactMap { $0.attributes["data-y"].flatMap(Double.init) }
        #expect(drawnY == y.sorted(by: >))
        for p in points {
            let i = try #require(p.attributes["data-index"].flatMap(Int.init))
            #expect(p.attributes["data-x"].flatMap(Double.init) == x[i])
            #expect(p.attributes["data-z"].flatMap(Double.init) == z[i])
            #expect(p.classes.contains("highlighted") == (i % 2 == 1))
        }
        let root = try #require(xml.elements(named: "svg").first)
        #expect(root.attributes["data-azimuth"] == "0" && root.attributes["data-elevation"] == "0")
    }

    @Test func matrixInputAndValidation() throws {
        let m = try Matrix<Double>([[0, 0, 0], [1, 1, 1]])
        #expect(try Scatter3DChart(points: m).scene().nodes.isEmpty == false)
        #expect(throws: PlotError.self) { try Scatter3DChart(points: try Matrix<Double>([[0, 0]])) }
        #expect(throws: PlotError.self) { try Scatter3DChart(x: [1], y: [1], z: [.nan]).svg() }
        #expect(throws: PlotError.self) { try Scatter3DChart(x: [1], y: [1], z: [1], elevation: 120).svg() }
        #expect(throws: PlotError.self) { try Scatter3DChart(x: [1, 2], y: [1], z: [1, 2]).svg() }
    }
}

@Suite struct ImageGridTests {
    @Test func oneBitmapPerImageWithCaptionsAndTruePixels() throws {
        let images: [[Double]] = [[0, 1, 1, 0], [1, 1, 1, 1], [0.5, 0.5, 0.5, 0.5]]
        let grid = ImageGrid(images: images, imageWidth: 2, imageHeight: 2, columns: 2, captions: ["a", "b", "c<d"])
        let xml = try #require(XMLCheck.parse(try grid.svg()))
        #expect(xml.elements(named: "image", withClass: "image").map { $0.attributes["data-index"] } == ["0", "1", "2"])
        #expect(xml.elements(named: "text", withClass: "caption").map(\.text) == ["a", "b", "c<d"])
        // First image at (12, 12), 84 x 84 figure pixels; at scale 2 its top-left quarter is black, top-right white.
        let png = try DecodedPNG(try grid.png())
        #expect(png.pixel(40, 40) == [0, 0, 0, 255])
        #expect(png.pixel(150, 40) == [255, 255, 255, 255])
        #expect(png.pixel(150, 150) == [0, 0, 0, 255])
    }

    @Test func matrixRowsAndValidation() throws {
        let m = Matrix<Double>(rows: 3, columns: 784) { r, c in Double((r + c) % 7) }
        let xml = try #require(XMLCheck.parse(try ImageGrid(rows: m, imageWidth: 28, imageHeight: 28).svg()))
        #expect(xml.elements(named: "image", withClass: "image").count == 3)
        #expect(throws: PlotError.lengthMismatch(what: "image 0", got: 3, expected: 4, reference: "imageWidth x imageHeight")) {
            try ImageGrid(images: [[0, 1, 2]], imageWidth: 2, imageHeight: 2).svg()
        }
        #expect(throws: PlotError.self) { try ImageGrid(images: [[0, 1, 2, 3]], imageWidth: 2, imageHeight: 2, captions: []).svg() }
        #expect(throws: PlotError.emptyData(what: "image grid images")) { try ImageGrid(images: [], imageWidth: 2, imageHeight: 2).svg() }
        #expect(throws: PlotError.self) { try ImageGrid(images: [[0, .nan, 0, 0]], imageWidth: 2, imageHeight: 2).svg() }
    }
}

@Suite struct ReconstructionGridTests {
    @Test func threePanelsPerRowWithRelativeErrorAndSymmetricErrorColours() throws {
        let originals: [[Double]] = [[0, 1, 1, 0], [1, 1, 0, 0]]
        let reconstructions: [[Double]] = [[0, 1, 1, 0], [0.5, 1, 0, 0.5]]
        let grid = ReconstructionGrid(originals: originals, reconstructions: reconstructions, imageWidth: 2, imageHeight: 2,
                                      rowLabels: ["#0", "#1"])
        let xml = try #require(XMLCheck.parse(try grid.svg()))
        let images = xml.elements(named: "image", withClass: "image")
        #expect(images.count == 6)
        #expect(images.map { $0.attributes["data-kind"] ?? "" } == ["original", "reconstruction", "error", "original", "reconstruction", "error"])
        let rows = xml.elements(named: "g", withClass: "row").compactMap { $0.attributes["data-relative-error"].flatMap(Double.init) }
        #expect(rows == [0, 0.25])  // (0.25 + 0.25) / 2
        // The error panel of row 1: -0.5 is the blue end, 0 the middle, +0.5 the red end.
        let href = images[5].attributes["href"] ?? ""
        let png = try DecodedPNG(try #require(Data(base64Encoded: String(href.dropFirst("data:image/png;base64,".count)))))
        let blue = ColorMap.diverging.color(at: 0), middle = ColorMap.diverging.color(at: 0.5), red = ColorMap.diverging.color(at: 1)
        #expect(png.pixel(0, 0) == [blue.red, blue.green, blue.blue, 255])
        #expect(png.pixel(1, 0) == [middle.red, middle.green, middle.blue, 255])
        #expect(png.pixel(1, 1) == [red.red, red.green, red.blue, 255])
    }

    @Test func refusesMismatchedInput() {
        #expect(throws: PlotError.self) {
            try ReconstructionGrid(originals: [[0, 1]], reconstructions: [], imageWidth: 2, imageHeight: 1).svg()
        }
        #expect(throws: PlotError.self) {
            try ReconstructionGrid(originals: [[0, 1]], reconstructions: [[0]], imageWidth: 2, imageHeight: 1).svg()
        }
        #expect(throws: PlotError.emptyData(what: "reconstruction grid originals")) {
            try ReconstructionGrid(originals: [], reconstructions: [], imageWidth: 2, imageHeight: 1).svg()
        }
    }
}

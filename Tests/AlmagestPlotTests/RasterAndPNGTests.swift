@testable import AlmagestPlot
import AlmagestCore
import Foundation
import Testing

@Suite struct RasterAndPNGTests {
    @Test func pngHasSignatureHeaderValidCRCsAndTheDrawnPixels() throws {
        var scene = Scene(width: 40, height: 30, background: .white)
        scene.append(.rect(Rect(x: 5, y: 5, width: 10, height: 10), style: .fill(Color(hex: 0x0072B2))))
        scene.append(.circle(center: Point(28, 15), radius: 6, style: .fill(Color(hex: 0xD55E00))))
        let png = try scene.png(scale: 1)
        #expect(Array(png.prefix(8)) == PNGWriter.signature)
        // IHDR comes first: length 13, then width and height big-endian.
        let bytes = [UInt8](png)
        #expect(String(decoding: bytes[12..<16], as: UTF8.self) == "IHDR")
        func be32(_ at: Int) -> Int {
            var value = 0
            for k in 0..<4 { value = value << 8 | Int(bytes[at + k]) }
            return value
        }
        #expect(be32(16) == 40)
        #expect(be32(20) == 30)
        let decoded = try DecodedPNG(png)  // throws on any CRC mismatch
        #expect(decoded.chunkTypes == ["IHDR", "IDAT", "IEND"])
        #expect(decoded.pixel(10, 10) == [0x00, 0x72, 0xB2, 255])
        #expect(decoded.pixel(28, 15) == [0xD5, 0x5E, 0x00, 255])
        #expect(decoded.pixel(1, 1) == [255, 255, 255, 255])
        #expect(decoded.pixel(20, 25) == [255, 255, 255, 255])
    }

    @Test func corruptedChunkFailsItsCRC() throws {
        var bytes = [UInt8](try PNGWriter.encode(width: 2, height: 2, rgba: [UInt8](repeating: 200, count: 16)))
        #expect((try? DecodedPNG(Data(bytes))) != nil)
        bytes[18] ^= 0x01  // inside the IHDR payload
        #expect((try? DecodedPNG(Data(bytes))) == nil)
    }

    @Test func writerRefusesWrongSizes() {
        #expect(throws: PlotError.self) { try PNGWriter.encode(width: 0, height: 1, rgba: []) }
        #expect(throws: PlotError.self) { try PNGWriter.encode(width: 2, height: 2, rgba: [1, 2, 3]) }
    }

    @Test func edgesAreAntiAliasedAndCoverageIsExact() {
        var canvas = Canvas(width: 10, height: 4, background: .white)
        // Covers x in [2.5, 6] fully in rows 0..<4: pixel 2 half covered, 3...5 fully, 6 not at all.
        canvas.fill([[Point(2.5, 0), Point(6, 0), Point(6, 4), Point(2.5, 4)]], color: .black)
        #expect(canvas.pixel(x: 4, y: 1)?.red == 0)
        let half = Int(canvas.pixel(x: 2, y: 1)?.red ?? 0)
        #expect(abs(half - 128) <= 1)
        #expect(canvas.pixel(x: 6, y: 1)?.red == 255)
        #expect(canvas.pixel(x: 20, y: 1) == nil)
    }

    @Test func ringStrokeLeavesTheCentreEmptyAndDashesLeaveGaps() {
        var scene = Scene(width: 60, height: 20, background: .white)
        scene.append(.circle(center: Point(10, 10), radius: 7, style: .stroke(.black, width: 2)))
        scene.append(.line(from: Point(25, 10), to: Point(58, 10), style: .stroke(.black, width: 2, dash: [4, 4])))
        let canvas = scene.rasterized(scale: 1)
        #expect(canvas.pixel(x: 10, y: 10)?.red == 255)   // centre of the ring
        #expect(canvas.pixel(x: 17, y: 9)?.red ?? 255 < 80) // on the ring
        #expect(canvas.pixel(x: 26, y: 9)?.red == 0)        // first dash
        #expect(canvas.pixel(x: 31, y: 9)?.red == 255)      // first gap
        #expect(canvas.pixel(x: 34, y: 9)?.red == 0)        // second dash
    }

    @Test func textIsDrawnInBothOrientations() {
        var scene = Scene(width: 80, height: 80, background: .white)
        scene.append(.text(TextSpec("HELLO", at: Point(40, 10), anchor: .middle)))
        scene.append(.text(TextSpec("UP", at: Point(10, 50), anchor: .middle, orientation: .upward)))
        let canvas = scene.rasterized(scale: 1)
        func inked(_ xs: Range<Int>, _ ys: Range<Int>) -> Int {
            var count = 0
            for y in ys { for x in xs where (canvas.pixel(x: x, y: y)?.red ?? 255) < 128 { count += 1 } }
            return count
        }
        #expect(inked(20..<60, 4..<16) > 20)  // horizontal text centred on x = 40
        #expect(inked(0..<20, 4..<16) == 0)
        #expect(inked(4..<16, 40..<60) > 8)   // upward text centred on y = 50
        let total = inked(0..<80, 0..<80)
        #expect(total == inked(20..<60, 4..<16) + inked(4..<16, 40..<60))
    }
}

@Suite struct ExtremeInputTests {
    @Test func hugeAndTinyValuesRenderWithoutCrashing() throws {
        let charts: [any Chart] = [
            ScatterChart(x: [1e300, -1e300, 0], y: [1e-300, 0, -1e-300]),
            ScatterChart(x: [5, 5, 5], y: [7, 7, 7]),
            LineChart(series: [LineSeries("tiny", y: [1e-300, 1e300])], yScale: .logarithmic),
            BarChart(categories: ["a"], series: [BarSeries("s", values: [1.7e308])]),
            Heatmap(values: try Matrix<Double>([[1e308, -1e308]])),
            ImageGrid(images: [[1e308, -1e308, 0, 1]], imageWidth: 2, imageHeight: 2),
        ]
        for chart in charts {
            let xml = XMLCheck.parse(try chart.svg())
            #expect(xml != nil)
            #expect(try DecodedPNG(try chart.png(scale: 1)).width > 0)
        }
        var canvas = Canvas(width: 10, height: 10)
        canvas.fill([[Point(-1e300, -1e300), Point(1e300, -1e300), Point(0, 1e300)]], color: .black)
        canvas.fill([[Point(.nan, 0), Point(5, 5), Point(0, 5)]], color: .black)
        #expect(canvas.pixel(x: 5, y: 5) != nil)
    }
}

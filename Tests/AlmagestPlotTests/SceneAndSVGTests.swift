@testable import AlmagestPlot
import Foundation
import Testing

@Suite struct SceneAndSVGTests {
    @Test(arguments: [
        ("a<b", "a&lt;b"), ("x & y", "x &amp; y"), ("say \"hi\"", "say &quot;hi&quot;"), ("it's", "it&apos;s"),
        ("<&\"'>", "&lt;&amp;&quot;&apos;&gt;"), ("bell\u{07}", "bell"),
    ])
    func escapesUserStrings(input: String, expected: String) {
        #expect(SVGFormat.escape(input) == expected)
    }

    @Test func hostileStringsStayWellFormedAndReadBack() throws {
        let nasty = "<script>alert('x')</script> & \"quotes\" \u{01}"
        var scene = Scene(width: 200, height: 100, attributes: Attributes(id: nasty, classes: [nasty]))
        scene.append(.text(TextSpec(nasty, at: Point(10, 20)), attributes: Attributes(data: [(nasty, nasty)], title: nasty)))
        scene.append(.circle(center: Point(50, 50), radius: 3, style: .fill(.black), attributes: Attributes(title: nasty)))
        let svg = scene.svg()
        #expect(!svg.contains("<script>"))
        let xml = try #require(XMLCheck.parse(svg))
        let text = try #require(xml.elements(named: "text").first)
        #expect(text.text.contains("<script>alert('x')</script> & \"quotes\""))
        // The data attribute's name was reduced to [a-z0-9-], its value kept.
        let dataKeys = text.attributes.keys.filter { $0.hasPrefix("data-") }
        #expect(dataKeys.count == 1)
        #expect(dataKeys.allSatisfy { $0.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" } })
        #expect(text.attributes[dataKeys[0]] == "<script>alert('x')</script> & \"quotes\" ")
    }

    @Test(arguments: [
        (12.0, "12"), (3.5, "3.5"), (-0.25, "-0.25"), (0.004, "0"), (-0.001, "0"), (1.006, "1.01"), (1.004, "1"), (2.10, "2.1"),
        (100.0 / 3, "33.33"), (Double.nan, "0"),
    ])
    func formatsNumbersCompactly(value: Double, expected: String) {
        #expect(SVGFormat.number(value) == expected)
    }

    @Test func writesOpacityDashAndGroupsAttributes() throws {
        var scene = Scene(width: 100, height: 100, background: nil)
        scene.append(.group([
            .line(from: Point(0, 0), to: Point(10, 10), style: .stroke(Color(hex: 0x0072B2, alpha: 0.5), width: 2, dash: [4, 2])),
        ], attributes: Attributes(id: "g1", classes: ["a", "b"], data: [("index", "7")])))
        let xml = try #require(XMLCheck.parse(scene.svg()))
        let group = try #require(xml.elements(named: "g").first)
        #expect(group.attributes["id"] == "g1")
        #expect(group.classes == ["a", "b"])
        #expect(group.attributes["data-index"] == "7")
        let line = try #require(xml.elements(named: "line").first)
        #expect(line.attributes["stroke"] == "#0072b2")
        #expect(line.attributes["stroke-opacity"] == "0.5")
        #expect(line.attributes["stroke-dasharray"] == "4 2")
        #expect(xml.elements(named: "rect").isEmpty)  // no background
    }

    @Test func bitmapIsEmbeddedAsPNGDataURI() throws {
        var scene = Scene(width: 50, height: 50)
        let bitmap = try Bitmap(width: 2, height: 1, rgba: [255, 0, 0, 255, 0, 0, 255, 255])
        scene.append(.image(bitmap, frame: Rect(x: 0, y: 0, width: 20, height: 10)))
        let xml = try #require(XMLCheck.parse(scene.svg()))
        let href = try #require(xml.elements(named: "image").first?.attributes["href"])
        #expect(href.hasPrefix("data:image/png;base64,"))
        let png = try #require(Data(base64Encoded: String(href.dropFirst("data:image/png;base64,".count))))
        let decoded = try DecodedPNG(png)
        #expect(decoded.width == 2 && decoded.height == 1)
        #expect(decoded.pixel(1, 0) == [0, 0, 255, 255])
        #expect(throws: PlotError.self) { try Bitmap(width: 2, height: 2, rgba: [0, 0, 0, 0]) }
    }

    @Test func colorMapsAndPalette() {
        #expect(ColorMap.viridis.color(at: 0).hexString == "#440154")
        #expect(ColorMap.viridis.color(at: 1).hexString == "#fde725")
        #expect(ColorMap.viridis.color(at: .nan).hexString == "#440154")
        #expect(ColorMap.grey.color(at: 0.5).hexString == "#808080")
        #expect(ColorMap.viridis.color(at: 2) == ColorMap.viridis.color(at: 1))
        let p = Palette.categorical
        #expect(Set((0..<10).map { p.color(at: $0) }).count == 10)
        #expect(p.color(at: 10) == p.color(at: 0))
        #expect(Color.white.contrastingText == .ink)
        #expect(Color.black.contrastingText == .white)
    }

    @Test func fontHasAGlyphForEveryPrintableASCIICharacter() {
        // 95 distinct printable characters: every pair renders differently (no missing or shared rows).
        let characters = (32...126).map { Character(UnicodeScalar(UInt8($0))) }
        var renderings = Set<[UInt8]>()
        for c in characters {
            var canvas = Canvas(width: 16, height: 16, background: .white)
            BitmapFont.draw(TextSpec(String(c), at: Point(2, 8), size: 10), scale: 1, color: .black, on: &canvas)
            renderings.insert(canvas.rgba)
        }
        #expect(renderings.count == 95)
    }
}

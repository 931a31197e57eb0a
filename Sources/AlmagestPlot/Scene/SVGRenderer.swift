import Foundation

/// Writes a `Scene` as a standalone SVG 1.1 document.
///
/// The output is well-formed XML: every user string (text, titles, ids, classes, data values) is
/// escaped (`& < > " '`) and characters XML forbids are dropped; numbers are written compactly
/// (at most two decimals, no trailing zeros). Bitmaps are embedded as PNG data URIs.
/// Cost: O(number of nodes + bitmap bytes).
///
/// ```swift
/// let text = scene.svg()
/// try text.write(toFile: "/tmp/figure.svg", atomically: true, encoding: .utf8)
/// ```
extension Scene {
    /// The scene as SVG text.
    public func svg() -> String {
        var out = ""
        out.reserveCapacity(256 + nodes.count * 96)
        let w = SVGFormat.number(width), h = SVGFormat.number(height)
        out += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(w)\" height=\"\(h)\" viewBox=\"0 0 \(w) \(h)\""
        out += " font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\""
        out += SVGFormat.attributes(attributes)
        out += ">\n"
        if let title = attributes.title { out += "<title>\(SVGFormat.escape(title))</title>\n" }
        if let background {
            out += "<rect x=\"0\" y=\"0\" width=\"\(w)\" height=\"\(h)\"\(SVGFormat.paint(Style.fill(background)))/>\n"
        }
        for node in nodes { SVGFormat.write(node, into: &out) }
        out += "</svg>\n"
        return out
    }
}

/// Formatting helpers for SVG output, also used by charts for `data-*` values.
public enum SVGFormat {
    /// Escapes `& < > " '` and drops characters that XML 1.0 does not allow.
    public static func escape(_ string: String) -> String {
        // Fast path: printable ASCII without markup characters is already escaped.
        if string.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F && $0 != 0x26 && $0 != 0x3C && $0 != 0x3E && $0 != 0x22 && $0 != 0x27 }) {
            return string
        }
        var out = ""
        out.reserveCapacity(string.utf8.count)
        for scalar in string.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                let v = scalar.value
                let allowed = v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF)
                    || (v >= 0xE000 && v <= 0xFFFD) || v >= 0x10000
                if allowed { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// A coordinate with at most two decimals and no trailing zeros ("12", "3.5", "-0.25").
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let scaled = (value * 100).rounded()
        if abs(scaled) >= 1e15 { return String(format: "%.6g", value) }
        let hundredths = Int64(scaled)
        if hundredths == 0 { return "0" }
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = hundredths.magnitude
        let whole = magnitude / 100, fraction = magnitude % 100
        if fraction == 0 { return "\(sign)\(whole)" }
        if fraction % 10 == 0 { return "\(sign)\(whole).\(fraction / 10)" }
        return "\(sign)\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    /// A data value: the shortest decimal that reads back to the same Double.
    public static func value(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    // MARK: - Private

    static func write(_ node: Node, into out: inout String) {
        let attributes = Self.attributes(node.attributes)
        let paint = Self.paint(node.style)
        let title = node.attributes.title.map { "<title>\(escape($0))</title>" }
        func close(_ tag: String) {
            if let title { out += ">\(title)</\(tag)>\n" } else { out += "/>\n" }
        }
        switch node.kind {
        case let .line(a, b):
            out += "<line x1=\"\(number(a.x))\" y1=\"\(number(a.y))\" x2=\"\(number(b.x))\" y2=\"\(number(b.y))\""
            out += attributes + paint
            close("line")
        case let .polyline(points):
            out += "<polyline points=\"\(pointList(points))\"" + attributes + paint
            close("polyline")
        case let .polygon(points):
            out += "<polygon points=\"\(pointList(points))\"" + attributes + paint
            close("polygon")
        case let .rect(r):
            out += "<rect x=\"\(number(r.x))\" y=\"\(number(r.y))\" width=\"\(number(max(r.width, 0)))\""
            out += " height=\"\(number(max(r.height, 0)))\"" + attributes + paint
            close("rect")
        case let .circle(center, radius):
            out += "<circle cx=\"\(number(center.x))\" cy=\"\(number(center.y))\" r=\"\(number(max(radius, 0)))\""
            out += attributes + paint
            close("circle")
        case let .text(spec):
            let x = number(spec.position.x), y = number(spec.position.y)
            out += "<text x=\"\(x)\" y=\"\(y)\" font-size=\"\(number(spec.size))\""
            switch spec.anchor {
            case .start: break
            case .middle: out += " text-anchor=\"middle\""
            case .end: out += " text-anchor=\"end\""
            }
            out += " dominant-baseline=\"central\""
            if spec.isBold { out += " font-weight=\"bold\"" }
            if spec.orientation == .upward { out += " transform=\"rotate(-90 \(x) \(y))\"" }
            out += attributes
            if let fill = node.style.fill { out += colorAttributes("fill", fill) }
            out += ">"
            if let title { out += title }
            out += escape(spec.string) + "</text>\n"
        case let .image(bitmap, frame):
            let png = try? PNGWriter.encode(bitmap)
            out += "<image x=\"\(number(frame.x))\" y=\"\(number(frame.y))\" width=\"\(number(frame.width))\""
            out += " height=\"\(number(frame.height))\" preserveAspectRatio=\"none\""
            out += " style=\"image-rendering:pixelated;image-rendering:crisp-edges\""
            out += " href=\"data:image/png;base64,\(png?.base64EncodedString() ?? "")\""
            out += attributes
            close("image")
        case let .group(children):
            out += "<g" + attributes + paint + ">\n"
            if let title { out += title + "\n" }
            for child in children { write(child, into: &out) }
            out += "</g>\n"
        }
    }

    static func attributes(_ a: Attributes) -> String {
        var out = ""
        if let id = a.id { out += " id=\"\(escape(id))\"" }
        if !a.classes.isEmpty { out += " class=\"\(escape(a.classes.joined(separator: " ")))\"" }
        for d in a.data { out += " data-\(dataName(d.name))=\"\(escape(d.value))\"" }
        return out
    }

    static func paint(_ style: Style) -> String {
        var out = ""
        if let fill = style.fill { out += colorAttributes("fill", fill) } else { out += " fill=\"none\"" }
        if let stroke = style.stroke {
            out += colorAttributes("stroke", stroke)
            out += " stroke-width=\"\(number(style.strokeWidth))\""
            if !style.dash.isEmpty { out += " stroke-dasharray=\"\(style.dash.map(number).joined(separator: " "))\"" }
        }
        return out
    }

    private static func colorAttributes(_ name: String, _ color: Color) -> String {
        var out = " \(name)=\"\(color.hexString)\""
        if color.alpha < 1 { out += " \(name)-opacity=\"\(number(color.alpha))\"" }
        return out
    }

    private static func pointList(_ points: [Point]) -> String {
        points.map { "\(number($0.x)),\(number($0.y))" }.joined(separator: " ")
    }

    /// Reduces a data attribute name to lower-case letters, digits and hyphens.
    private static func dataName(_ name: String) -> String {
        // Fast path: already lower-case letters, digits and hyphens.
        if !name.isEmpty, name.utf8.allSatisfy({ ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }) {
            return name
        }
        let cleaned = name.lowercased().unicodeScalars.map { s -> Character in
            (s >= "a" && s <= "z") || (s >= "0" && s <= "9") || s == "-" ? Character(s) : "-"
        }
        return cleaned.isEmpty ? "value" : String(cleaned)
    }
}

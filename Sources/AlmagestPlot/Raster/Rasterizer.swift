import Foundation

/// Draws a `Scene` onto a `Canvas`, so that every chart can also be saved as PNG.
///
/// Strokes become contours (a quadrilateral per segment plus round joins, butt caps, dashes cut
/// beforehand), circles become polygons fine enough to look round, rings are an outer contour and a
/// reversed inner one, text is drawn with `BitmapFont`, bitmaps are scaled nearest-neighbour.
/// Cost: linear in the number of nodes times the pixels each covers.
///
/// ```swift
/// let canvas = scene.rasterized(scale: 2)     // 2 canvas pixels per figure unit
/// let data = try scene.png()                   // the same at scale 2, PNG-encoded
/// ```
extension Scene {
    /// The scene drawn on a canvas of `ceil(width x scale) x ceil(height x scale)` pixels.
    public func rasterized(scale: Double = 2) -> Canvas {
        let s = scale.isFinite && scale > 0 ? min(scale, 8) : 1
        var canvas = Canvas(
            width: Int((width * s).rounded(.up)), height: Int((height * s).rounded(.up)), background: background)
        var painter = Rasterizer(scale: s)
        for node in nodes { painter.draw(node, on: &canvas) }
        return canvas
    }

    /// The scene as PNG bytes (RGBA, 8 bits per channel).
    public func png(scale: Double = 2) throws -> Data { try rasterized(scale: scale).png() }
}

// MARK: - Private

struct Rasterizer {
    let scale: Double

    mutating func draw(_ node: Node, on canvas: inout Canvas) {
        let style = node.style
        switch node.kind {
        case let .line(a, b):
            stroke([a, b], closed: false, style: style, on: &canvas)
        case let .polyline(points):
            stroke(points, closed: false, style: style, on: &canvas)
        case let .polygon(points):
            if let fill = style.fill { canvas.fill([points.map(scaled)], color: fill) }
            stroke(points, closed: true, style: style, on: &canvas)
        case let .rect(r):
            let corners = [Point(r.x, r.y), Point(r.maxX, r.y), Point(r.maxX, r.maxY), Point(r.x, r.maxY)]
            if let fill = style.fill, r.width > 0, r.height > 0 { canvas.fill([corners.map(scaled)], color: fill) }
            stroke(corners, closed: true, style: style, on: &canvas)
        case let .circle(center, radius):
            let c = scaled(center), r = radius * scale
            if let fill = style.fill, r > 0 { canvas.fill([Self.circle(c, r)], color: fill) }
            if let strokeColor = style.stroke, style.strokeWidth > 0, r > 0 {
                let half = style.strokeWidth * scale / 2
                var contours = [Self.circle(c, r + half)]
                if r > half { contours.append(Self.circle(c, r - half).reversed()) }
                canvas.fill(contours, color: strokeColor)
            }
        case let .text(spec):
            if let color = style.fill { BitmapFont.draw(spec, scale: scale, color: color, on: &canvas) }
        case let .image(bitmap, frame):
            drawImage(bitmap, frame: frame, on: &canvas)
        case let .group(children):
            for child in children { draw(child, on: &canvas) }
        }
    }

    private func scaled(_ p: Point) -> Point { Point(p.x * scale, p.y * scale) }

    private func stroke(_ points: [Point], closed: Bool, style: Style, on canvas: inout Canvas) {
        guard let color = style.stroke, style.strokeWidth > 0, points.count >= 2 else { return }
        let path = points.map(scaled)
        let dash = style.dash.map { $0 * scale }
        let pieces = dash.count >= 2 && dash.allSatisfy({ $0 > 0 })
            ? Self.dashed(closed ? path + [path[0]] : path, pattern: dash)
            : [closed ? path + [path[0]] : path]
        var contours: [[Point]] = []
        let half = style.strokeWidth * scale / 2
        for piece in pieces { contours += Self.strokeContours(piece, halfWidth: half) }
        canvas.fill(contours, color: color)
    }

    /// A quadrilateral per segment and a round join at each inner vertex, all oriented alike.
    static func strokeContours(_ path: [Point], halfWidth h: Double) -> [[Point]] {
        var contours: [[Point]] = []
        for i in 0..<(path.count - 1) {
            let a = path[i], b = path[i + 1]
            let dx = b.x - a.x, dy = b.y - a.y, length = (dx * dx + dy * dy).squareRoot()
            guard length > 1e-9 else { continue }
            let nx = -dy / length * h, ny = dx / length * h
            contours.append(oriented([
                Point(a.x + nx, a.y + ny), Point(b.x + nx, b.y + ny), Point(b.x - nx, b.y - ny), Point(a.x - nx, a.y - ny),
            ]))
            if i > 0 && h > 0.75 { contours.append(oriented(circle(a, h))) }
        }
        return contours
    }

    /// Cuts a polyline into dashes following `pattern` (on, off, on, off, ...).
    static func dashed(_ path: [Point], pattern: [Double]) -> [[Point]] {
        var pieces: [[Point]] = []
        var current: [Point] = [path[0]]
        var index = 0, remaining = pattern[0], on = true
        for i in 0..<(path.count - 1) {
            var a = path[i]
            let b = path[i + 1]
            var length = ((b.x - a.x) * (b.x - a.x) + (b.y - a.y) * (b.y - a.y)).squareRoot()
            while length > remaining {
                let t = remaining / length
                let cut = Point(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)
                if on { current.append(cut); pieces.append(current) }
                current = [cut]
                length -= remaining
                a = cut
                on.toggle()
                index = (index + 1) % pattern.count
                remaining = pattern[index]
            }
            remaining -= length
            if on { current.append(b) } else { current = [b] }
        }
        if on && current.count >= 2 { pieces.append(current) }
        return pieces
    }

    /// A polygon approximating a circle, with more vertices for larger radii.
    static func circle(_ c: Point, _ r: Double) -> [Point] {
        let n = Int(min(max(2 * Double.pi * r / 1.5, 12), 128))
        return (0..<n).map { k in
            let t = 2 * Double.pi * Double(k) / Double(n)
            return Point(c.x + r * cos(t), c.y + r * sin(t))
        }
    }

    /// The contour with positive signed area (reversed if needed), so unions do not cancel.
    static func oriented(_ contour: [Point]) -> [Point] {
        var area = 0.0
        for i in contour.indices {
            let a = contour[i], b = contour[(i + 1) % contour.count]
            area += a.x * b.y - b.x * a.y
        }
        return area < 0 ? contour.reversed() : contour
    }

    private func drawImage(_ bitmap: Bitmap, frame: Rect, on canvas: inout Canvas) {
        let x0 = frame.x * scale, y0 = frame.y * scale, w = frame.width * scale, h = frame.height * scale
        guard w > 0, h > 0 else { return }
        guard x0.isFinite, y0.isFinite, w.isFinite, h.isFinite else { return }
        let limit = { (v: Double, bound: Int) in Int(min(max(v.rounded(), 0), Double(bound))) }
        let colStart = limit(x0, canvas.width), colEnd = limit(x0 + w, canvas.width)
        let rowStart = limit(y0, canvas.height), rowEnd = limit(y0 + h, canvas.height)
        guard colStart < colEnd, rowStart < rowEnd else { return }
        for y in rowStart..<rowEnd {
            let sy = Int(min(max((Double(y) + 0.5 - y0) / h * Double(bitmap.height), 0), Double(bitmap.height - 1)))
            for x in colStart..<colEnd {
                let sx = Int(min(max((Double(x) + 0.5 - x0) / w * Double(bitmap.width), 0), Double(bitmap.width - 1)))
                let i = 4 * (sy * bitmap.width + sx)
                let color = Color(
                    red: bitmap.rgba[i], green: bitmap.rgba[i + 1], blue: bitmap.rgba[i + 2],
                    alpha: Double(bitmap.rgba[i + 3]) / 255)
                canvas.blend(x: x, y: y, color: color)
            }
        }
    }
}

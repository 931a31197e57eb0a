import Foundation

/// An RGBA pixel buffer with anti-aliased polygon filling, the target of `Scene.rasterized(scale:)`.
///
/// `fill(_:color:)` scan-converts any set of closed contours under the non-zero winding rule with
/// exact horizontal coverage and four sub-scanlines per pixel row, then blends the colour "over"
/// the pixels (straight, not premultiplied, alpha). Lines, discs, rings and glyphs are all drawn as
/// contours by the rasteriser. Cost: O(rows x (active edges + covered pixels)) per fill.
///
/// ```swift
/// var canvas = Canvas(width: 40, height: 20, background: .white)
/// canvas.fill([[Point(2, 2), Point(30, 2), Point(16, 18)]], color: Color(hex: 0x0072B2))
/// let data = try canvas.png()
/// ```
public struct Canvas: Sendable {
    public let width: Int
    public let height: Int
    /// Row-major RGBA, 4 bytes per pixel.
    public private(set) var rgba: [UInt8]

    /// A canvas of `width x height` pixels (each at least 1) filled with `background` (transparent if nil).
    public init(width: Int, height: Int, background: Color? = .white) {
        self.width = max(1, width)
        self.height = max(1, height)
        rgba = [UInt8](repeating: 0, count: 4 * self.width * self.height)
        if let background { fill([[Point(0, 0), Point(Double(width), 0), Point(Double(width), Double(height)),
                                   Point(0, Double(height))]], color: background) }
    }

    /// The colour of pixel (x, y), or nil outside the canvas.
    public func pixel(x: Int, y: Int) -> Color? {
        guard x >= 0, y >= 0, x < width, y < height else { return nil }
        let i = 4 * (y * width + x)
        return Color(red: rgba[i], green: rgba[i + 1], blue: rgba[i + 2], alpha: Double(rgba[i + 3]) / 255)
    }

    /// Fills the union of `contours` (non-zero winding) with `color`, anti-aliased.
    public mutating func fill(_ contours: [[Point]], color: Color) {
        guard color.alpha > 0 else { return }
        var edges: [Edge] = []
        var minX = Double.infinity, maxX = -Double.infinity, minY = Double.infinity, maxY = -Double.infinity
        for contour in contours where contour.count >= 3 {
            for i in contour.indices {
                let a = contour[i], b = contour[(i + 1) % contour.count]
                guard a.x.isFinite, a.y.isFinite, b.x.isFinite, b.y.isFinite, a.y != b.y else { continue }
                edges.append(a.y < b.y ? Edge(x0: a.x, y0: a.y, x1: b.x, y1: b.y, direction: 1)
                                       : Edge(x0: b.x, y0: b.y, x1: a.x, y1: a.y, direction: -1))
                minX = min(minX, a.x, b.x); maxX = max(maxX, a.x, b.x)
                minY = min(minY, a.y, b.y); maxY = max(maxY, a.y, b.y)
            }
        }
        guard !edges.isEmpty else { return }
        // Clamp in floating point first: coordinates far outside the canvas must not overflow Int.
        let h = Double(height), w = Double(width)
        let clampY = { (v: Double) in Int(min(max(v, -1), h + 1)) }
        let clampX = { (v: Double) in Int(min(max(v, -1), w + 1)) }
        let rowStart = max(0, clampY(minY.rounded(.down))), rowEnd = min(height - 1, clampY(maxY.rounded(.up)) - 1)
        let colStart = max(0, clampX(minX.rounded(.down))), colEnd = min(width - 1, clampX(maxX.rounded(.up)) - 1)
        guard rowStart <= rowEnd, colStart <= colEnd else { return }
        edges.sort { $0.y0 < $1.y0 }

        var coverage = [Double](repeating: 0, count: colEnd - colStart + 1)
        var active: [Int] = [], next = 0
        var crossings: [(x: Double, direction: Int)] = []
        let samples = 4, weight = 1.0 / Double(samples)
        for row in rowStart...rowEnd {
            let top = Double(row), bottom = top + 1
            while next < edges.count, edges[next].y0 < bottom {
                active.append(next)
                next += 1
            }
            active.removeAll { edges[$0].y1 <= top }
            if active.isEmpty { continue }
            for i in coverage.indices { coverage[i] = 0 }
            var touched = false
            for s in 0..<samples {
                let y = top + (Double(s) + 0.5) * weight
                crossings.removeAll(keepingCapacity: true)
                for e in active where y >= edges[e].y0 && y < edges[e].y1 {
                    let edge = edges[e]
                    crossings.append((edge.x0 + (y - edge.y0) * (edge.x1 - edge.x0) / (edge.y1 - edge.y0), edge.direction))
                }
                guard crossings.count >= 2 else { continue }
                crossings.sort { $0.x < $1.x }
                var winding = 0
                for k in 0..<(crossings.count - 1) {
                    winding += crossings[k].direction
                    if winding != 0 {
                        addSpan(&coverage, from: crossings[k].x, to: crossings[k + 1].x, weight: weight, origin: colStart)
                        touched = true
                    }
                }
            }
            if touched {
                for i in coverage.indices where coverage[i] > 0.001 {
                    blend(x: colStart + i, y: row, color: color, coverage: min(coverage[i], 1))
                }
            }
        }
    }

    /// Blends `color` over pixel (x, y) with the given coverage in 0...1; outside pixels are ignored.
    public mutating func blend(x: Int, y: Int, color: Color, coverage: Double = 1) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let a = color.alpha * coverage
        guard a > 0 else { return }
        let i = 4 * (y * width + x)
        let da = Double(rgba[i + 3]) / 255
        let outA = a + da * (1 - a)
        guard outA > 0 else { return }
        func channel(_ src: UInt8, _ dst: UInt8) -> UInt8 {
            let v = (Double(src) * a + Double(dst) * da * (1 - a)) / outA
            return UInt8(min(max(v.rounded(), 0), 255))
        }
        rgba[i] = channel(color.red, rgba[i])
        rgba[i + 1] = channel(color.green, rgba[i + 1])
        rgba[i + 2] = channel(color.blue, rgba[i + 2])
        rgba[i + 3] = UInt8(min(max((outA * 255).rounded(), 0), 255))
    }

    /// The canvas as PNG bytes.
    public func png() throws -> Data { try PNGWriter.encode(width: width, height: height, rgba: rgba) }

    /// The canvas as a bitmap for embedding in another scene.
    public func bitmap() throws -> Bitmap { try Bitmap(width: width, height: height, rgba: rgba) }

    // MARK: - Private

    private struct Edge {
        var x0: Double, y0: Double, x1: Double, y1: Double
        var direction: Int
    }

    /// Adds `weight` x (covered fraction) to the pixels between x positions `a` and `b`.
    private func addSpan(_ coverage: inout [Double], from a: Double, to b: Double, weight: Double, origin: Int) {
        let lo = max(a, Double(origin)), hi = min(b, Double(origin + coverage.count))
        guard hi > lo else { return }
        // Both ends now lie inside the coverage row, so the conversions below cannot overflow.
        let first = Int(lo.rounded(.down)), last = Int(hi.rounded(.up)) - 1
        if first >= last {
            coverage[first - origin] += (hi - lo) * weight
            return
        }
        coverage[first - origin] += (Double(first + 1) - lo) * weight
        if last > first + 1 { for x in (first + 1)..<last { coverage[x - origin] += weight } }
        coverage[last - origin] += (hi - Double(last)) * weight
    }
}

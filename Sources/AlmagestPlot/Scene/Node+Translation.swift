/// Moving a node and everything under it, so that finished figures can be placed side by side.
///
/// Cost: O(points in the subtree). Usage:
/// ```swift
/// let moved = node.translated(dx: 640, dy: 0)
/// ```
extension Node {
    /// The same node shifted by (dx, dy) pixels.
    public func translated(dx: Double, dy: Double) -> Node {
        func move(_ p: Point) -> Point { Point(p.x + dx, p.y + dy) }
        var copy = self
        switch kind {
        case let .line(a, b): copy.kind = .line(move(a), move(b))
        case let .polyline(points): copy.kind = .polyline(points.map(move))
        case let .polygon(points): copy.kind = .polygon(points.map(move))
        case let .rect(r): copy.kind = .rect(Rect(x: r.x + dx, y: r.y + dy, width: r.width, height: r.height))
        case let .circle(center, radius): copy.kind = .circle(center: move(center), radius: radius)
        case let .text(spec):
            var moved = spec
            moved.position = move(spec.position)
            copy.kind = .text(moved)
        case let .image(bitmap, frame):
            copy.kind = .image(bitmap, frame: Rect(x: frame.x + dx, y: frame.y + dy, width: frame.width, height: frame.height))
        case let .group(children): copy.kind = .group(children.map { $0.translated(dx: dx, dy: dy) })
        }
        return copy
    }
}

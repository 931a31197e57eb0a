/// A figure as a tree of simple shapes, drawn once and rendered twice: to SVG text
/// (`Scene.svg()`) and to pixels (`Scene.rasterized(scale:)`, `Scene.png(scale:)`).
///
/// Shapes are lines, polylines, rectangles, circles, polygons, text (with an anchor), embedded
/// bitmaps, and groups. Any node carries `Attributes`: an id, CSS classes, `data-*` values and a
/// tooltip title, so that a web page's JavaScript can find points and read their values.
/// Coordinates are in pixels with y pointing down. Cost: rendering is linear in the number of nodes.
///
/// ```swift
/// var scene = Scene(width: 200, height: 100)
/// scene.append(.circle(center: Point(50, 50), radius: 4, style: .fill(.black),
///                      attributes: Attributes(classes: ["point"], data: [("index", "0")])))
/// let svg = scene.svg()
/// ```
public struct Scene: Sendable {
    public var width: Double
    public var height: Double
    /// Painted under everything; nil leaves the canvas transparent.
    public var background: Color?
    public var nodes: [Node]
    /// Attributes of the root `<svg>` element (class, id, data-*).
    public var attributes: Attributes

    public init(width: Double, height: Double, background: Color? = .white, attributes: Attributes = Attributes()) {
        self.width = width
        self.height = height
        self.background = background
        self.nodes = []
        self.attributes = attributes
    }

    public mutating func append(_ node: Node) { nodes.append(node) }
    public mutating func append(contentsOf more: [Node]) { nodes.append(contentsOf: more) }
}

/// A point in figure coordinates (pixels, y down).
public struct Point: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public init(_ x: Double, _ y: Double) {
        self.x = x
        self.y = y
    }
}

/// An axis-aligned rectangle.
public struct Rect: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
    public var midX: Double { x + width / 2 }
    public var midY: Double { y + height / 2 }
}

/// Fill and stroke of a shape. Text uses `fill` as its colour.
public struct Style: Sendable, Equatable {
    public var fill: Color?
    public var stroke: Color?
    public var strokeWidth: Double
    /// Dash and gap lengths in pixels; empty draws a solid line.
    public var dash: [Double]

    public init(fill: Color? = nil, stroke: Color? = nil, strokeWidth: Double = 1, dash: [Double] = []) {
        self.fill = fill
        self.stroke = stroke
        self.strokeWidth = strokeWidth
        self.dash = dash
    }

    public static func fill(_ color: Color) -> Style { Style(fill: color) }
    public static func stroke(_ color: Color, width: Double = 1, dash: [Double] = []) -> Style {
        Style(stroke: color, strokeWidth: width, dash: dash)
    }
}

/// Identification of a node for style sheets and scripts.
public struct Attributes: Sendable, Equatable {
    public var id: String?
    public var classes: [String]
    /// `data-<name>` attributes in order; names are reduced to `[a-z0-9-]` when written.
    public var data: [DataAttribute]
    /// A tooltip (`<title>` child in SVG).
    public var title: String?

    public init(id: String? = nil, classes: [String] = [], data: [(String, String)] = [], title: String? = nil) {
        self.id = id
        self.classes = classes
        self.data = data.map { DataAttribute(name: $0.0, value: $0.1) }
        self.title = title
    }

    public var isEmpty: Bool { id == nil && classes.isEmpty && data.isEmpty && title == nil }

    /// The value of `data-<name>`, if set.
    public func dataValue(_ name: String) -> String? { data.first { $0.name == name }?.value }
}

/// One `data-<name>="value"` pair.
public struct DataAttribute: Sendable, Equatable {
    public var name: String
    public var value: String
}

/// Where a text's position sits horizontally; vertically the position is always the text's middle.
public enum TextAnchor: Sendable, Equatable {
    case start, middle, end
}

/// Which way a text reads.
public enum TextOrientation: Sendable, Equatable {
    /// Left to right.
    case horizontal
    /// Bottom to top (rotated by -90 degrees), as on a y axis label.
    case upward
}

/// A single line of text.
public struct TextSpec: Sendable, Equatable {
    public var string: String
    public var position: Point
    public var size: Double
    public var anchor: TextAnchor
    public var orientation: TextOrientation
    public var isBold: Bool

    public init(
        _ string: String, at position: Point, size: Double = 12, anchor: TextAnchor = .start,
        orientation: TextOrientation = .horizontal, isBold: Bool = false
    ) {
        self.string = string
        self.position = position
        self.size = size
        self.anchor = anchor
        self.orientation = orientation
        self.isBold = isBold
    }

    /// Estimated advance width in pixels (0.6 em per character), used for layout by both renderers.
    public var estimatedWidth: Double { Self.estimatedWidth(of: string, size: size) }

    public static func estimatedWidth(of string: String, size: Double) -> Double {
        Double(string.count) * size * 0.6
    }
}

/// An RGBA bitmap drawn scaled into a rectangle (nearest neighbour, pixels stay crisp).
public struct Bitmap: Sendable, Equatable {
    public let width: Int
    public let height: Int
    /// Row-major RGBA, 4 bytes per pixel, not premultiplied.
    public let rgba: [UInt8]

    /// A bitmap; `rgba` must hold `4 * width * height` bytes.
    public init(width: Int, height: Int, rgba: [UInt8]) throws {
        guard width > 0, height > 0, rgba.count == 4 * width * height else {
            throw PlotError.invalidParameter(
                name: "bitmap", value: "\(width)x\(height) with \(rgba.count) bytes",
                expected: "positive sizes and 4 * width * height bytes")
        }
        self.width = width
        self.height = height
        self.rgba = rgba
    }
}

/// One element of a scene.
public struct Node: Sendable {
    public enum Kind: Sendable {
        case line(Point, Point)
        case polyline([Point])
        case rect(Rect)
        case circle(center: Point, radius: Double)
        case polygon([Point])
        case text(TextSpec)
        case image(Bitmap, frame: Rect)
        case group([Node])
    }

    public var kind: Kind
    public var style: Style
    public var attributes: Attributes

    public init(_ kind: Kind, style: Style = Style(), attributes: Attributes = Attributes()) {
        self.kind = kind
        self.style = style
        self.attributes = attributes
    }

    public static func line(from a: Point, to b: Point, style: Style, attributes: Attributes = Attributes()) -> Node {
        Node(.line(a, b), style: style, attributes: attributes)
    }
    public static func polyline(_ points: [Point], style: Style, attributes: Attributes = Attributes()) -> Node {
        Node(.polyline(points), style: style, attributes: attributes)
    }
    public static func rect(_ rect: Rect, style: Style, attributes: Attributes = Attributes()) -> Node {
        Node(.rect(rect), style: style, attributes: attributes)
    }
    public static func circle(
        center: Point, radius: Double, style: Style, attributes: Attributes = Attributes()
    ) -> Node {
        Node(.circle(center: center, radius: radius), style: style, attributes: attributes)
    }
    public static func polygon(_ points: [Point], style: Style, attributes: Attributes = Attributes()) -> Node {
        Node(.polygon(points), style: style, attributes: attributes)
    }
    /// Text coloured `color`.
    public static func text(_ spec: TextSpec, color: Color = .ink, attributes: Attributes = Attributes()) -> Node {
        Node(.text(spec), style: .fill(color), attributes: attributes)
    }
    public static func image(_ bitmap: Bitmap, frame: Rect, attributes: Attributes = Attributes()) -> Node {
        Node(.image(bitmap, frame: frame), attributes: attributes)
    }
    public static func group(_ children: [Node], attributes: Attributes = Attributes()) -> Node {
        Node(.group(children), attributes: attributes)
    }

    /// Every node of this subtree, depth first, including self.
    public var flattened: [Node] {
        if case let .group(children) = kind { return [self] + children.flatMap(\.flattened) }
        return [self]
    }
}

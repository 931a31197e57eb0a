/// Colours for categories (a cycling palette) and for quantities (continuous colour maps).
///
/// The default categorical palette starts with the Okabe & Ito (2008) colour-blind safe set
/// (without black and yellow, which read poorly on white) and adds three muted colours from
/// Paul Tol's palettes, ten in all. Colour maps interpolate linearly between anchor colours:
/// `viridis` (perceptually uniform, van der Walt & Smith 2015), greys, and a blue-white-red
/// diverging map for signed data such as error maps. Cost: O(1) per lookup.
///
/// ```swift
/// let c = Palette.categorical.color(at: 3)          // the fourth category
/// let v = ColorMap.viridis.color(at: 0.5)           // a teal green
/// ```
public struct Palette: Sendable, Equatable {
    public let colors: [Color]

    /// A palette of at least one colour (an empty list falls back to the default palette).
    public init(colors: [Color]) {
        self.colors = colors.isEmpty ? Palette.categorical.colors : colors
    }

    private init(fixed: [Color]) { colors = fixed }

    /// The colour of category `index`; indices beyond the palette cycle, negative indices give grey.
    public func color(at index: Int) -> Color {
        if index < 0 { return Color(hex: 0x9E9E9E) }
        return colors[index % colors.count]
    }

    /// Okabe-Ito blue, orange, bluish green, vermillion, reddish purple, sky blue, then Tol's
    /// wine, teal, olive and grey.
    public static let categorical = Palette(fixed: [
        0x0072B2, 0xE69F00, 0x009E73, 0xD55E00, 0xCC79A7, 0x56B4E9, 0x882255, 0x44AA99, 0x999933, 0x777777,
    ].map { Color(hex: $0) })
}

/// A continuous map from 0...1 to colours.
public enum ColorMap: Sendable, Equatable {
    /// Dark purple through teal to yellow; the default for heatmaps.
    case viridis
    /// Black (0) to white (1), like images of digits.
    case grey
    /// White (0) to black (1), ink on paper.
    case greyReversed
    /// Near-white (0) to dark blue (1), for counts such as confusion matrices.
    case blues
    /// Blue (0) through near-white (0.5) to red (1), for signed values centred on zero.
    case diverging

    /// The colour at `t` (clamped to 0...1; NaN gives the lowest colour).
    public func color(at t: Double) -> Color {
        let anchors = self.anchors
        let u = t.isFinite ? min(max(t, 0), 1) : 0
        let position = u * Double(anchors.count - 1)
        let i = min(Int(position), anchors.count - 2)
        return Color(hex: anchors[i]).mixed(with: Color(hex: anchors[i + 1]), fraction: position - Double(i))
    }

    // MARK: - Private

    private var anchors: [UInt32] {
        switch self {
        case .viridis:
            return [0x440154, 0x472C7A, 0x3B528B, 0x2C728E, 0x21908D, 0x27AD81, 0x5CC863, 0xAADC32, 0xFDE725]
        case .grey: return [0x000000, 0xFFFFFF]
        case .greyReversed: return [0xFFFFFF, 0x000000]
        case .blues: return [0xF7FBFF, 0xC6DBEF, 0x6BAED6, 0x2171B5, 0x08306B]
        case .diverging: return [0x3B4CC0, 0x8DB0FE, 0xF2F2F2, 0xF49A7B, 0xB40426]
        }
    }
}

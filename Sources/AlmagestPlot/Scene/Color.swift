/// An sRGB colour with 8-bit channels and an opacity in 0...1.
///
/// Cost: a value of 4 bytes and a Double. Usage:
/// ```swift
/// let blue = Color(hex: 0x0072B2)
/// let faint = blue.withAlpha(0.3)        // fill-opacity 0.3 in SVG, blended on the canvas
/// ```
public struct Color: Sendable, Hashable, CustomStringConvertible {
    public var red: UInt8
    public var green: UInt8
    public var blue: UInt8
    /// Opacity in 0...1 (clamped).
    public var alpha: Double

    public init(red: UInt8, green: UInt8, blue: UInt8, alpha: Double = 1) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha.isFinite ? min(max(alpha, 0), 1) : 1
    }

    /// A colour from `0xRRGGBB`.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(
            red: UInt8((hex >> 16) & 0xFF), green: UInt8((hex >> 8) & 0xFF), blue: UInt8(hex & 0xFF), alpha: alpha)
    }

    public static let white = Color(hex: 0xFFFFFF)
    public static let black = Color(hex: 0x000000)
    /// The dark grey used for text and axes.
    public static let ink = Color(hex: 0x222222)
    /// A light grey for grid lines.
    public static let grid = Color(hex: 0xE3E3E3)

    /// A grey of `level` in 0 (black) ... 1 (white).
    public static func grey(_ level: Double) -> Color {
        let v = UInt8((min(max(level.isFinite ? level : 0, 0), 1) * 255).rounded())
        return Color(red: v, green: v, blue: v)
    }

    /// The same colour with another opacity.
    public func withAlpha(_ alpha: Double) -> Color { Color(red: red, green: green, blue: blue, alpha: alpha) }

    /// Linear interpolation towards `other`; `fraction` 0 gives `self`, 1 gives `other`.
    public func mixed(with other: Color, fraction: Double) -> Color {
        let t = min(max(fraction.isFinite ? fraction : 0, 0), 1)
        func mix(_ a: UInt8, _ b: UInt8) -> UInt8 { UInt8((Double(a) + (Double(b) - Double(a)) * t).rounded()) }
        return Color(
            red: mix(red, other.red), green: mix(green, other.green), blue: mix(blue, other.blue),
            alpha: alpha + (other.alpha - alpha) * t)
    }

    /// Relative luminance in 0...1 (sRGB weights), to choose black or white text on a fill.
    public var luminance: Double {
        func linear(_ c: UInt8) -> Double {
            let v = Double(c) / 255
            return v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// Black or white, whichever reads better on top of this colour.
    public var contrastingText: Color { luminance > 0.35 ? .ink : .white }

    /// `#rrggbb` (opacity is written separately in SVG).
    public var hexString: String {
        let digits = Array("0123456789abcdef")
        var s = "#"
        for c in [red, green, blue] {
            s.append(digits[Int(c >> 4)])
            s.append(digits[Int(c & 0xF)])
        }
        return s
    }

    public var description: String { alpha < 1 ? "\(hexString)@\(alpha)" : hexString }
}

import Foundation

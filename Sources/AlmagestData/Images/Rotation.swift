import Foundation

/// Rotation of an image about its centre by any angle, with bilinear interpolation and a fill
/// value for pixels whose source falls outside (as torchvision's `rotate` with bilinear
/// interpolation). Positive angles turn the picture counter-clockwise as it is displayed (rows
/// downwards). Multiples of 90 degrees use exact cosines and sines, so a quarter turn of a square
/// image equals transposing it and flipping it vertically, bit for bit.
///
/// Cost: O(height x width x channels).
///
/// ```swift
/// let turned = Rotation.rotate(image, degrees: 30, fill: 0)
/// let mirrored = Rotation.flipHorizontally(image)
/// ```
public enum Rotation {
    /// `image` turned by `degrees` about its centre ((width - 1) / 2, (height - 1) / 2).
    public static func rotate(_ image: Image, degrees: Double, fill: Float = 0) -> Image {
        let (c, s) = exactCosSin(degrees)
        let h = image.height, w = image.width, k = image.channels
        let cx = Double(w - 1) / 2, cy = Double(h - 1) / 2
        var out = Image(height: h, width: w, channels: k)
        image.pixels.withUnsafeBufferPointer { src in
            out.pixels.withUnsafeMutableBufferPointer { dst in
                for y in 0..<h {
                    for x in 0..<w {
                        let dx = Double(x) - cx, dy = Double(y) - cy
                        let sx = cx + dx * c - dy * s, sy = cy + dx * s + dy * c
                        let base = (y * w + x) * k
                        let x0 = Int(sx.rounded(.down)), y0 = Int(sy.rounded(.down))
                        let fx = Float(sx - Double(x0)), fy = Float(sy - Double(y0))
                        for ch in 0..<k {
                            func at(_ yy: Int, _ xx: Int) -> Float {
                                (yy >= 0 && yy < h && xx >= 0 && xx < w) ? src[(yy * w + xx) * k + ch] : fill
                            }
                            if sx < -0.5 || sy < -0.5 || sx > Double(w) - 0.5 || sy > Double(h) - 0.5 {
                                dst[base + ch] = fill
                            } else if fx == 0 && fy == 0 {
                                dst[base + ch] = at(y0, x0)
                            } else {
                                let top = at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx
                                let bottom = at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx
                                dst[base + ch] = top * (1 - fy) + bottom * fy
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// Left and right exchanged.
    public static func flipHorizontally(_ image: Image) -> Image {
        var out = image
        for y in 0..<image.height {
            for x in 0..<image.width {
                for c in 0..<image.channels { out[y, x, c] = image[y, image.width - 1 - x, c] }
            }
        }
        return out
    }

    /// Top and bottom exchanged.
    public static func flipVertically(_ image: Image) -> Image {
        var out = image
        for y in 0..<image.height {
            for x in 0..<image.width {
                for c in 0..<image.channels { out[y, x, c] = image[image.height - 1 - y, x, c] }
            }
        }
        return out
    }

    // MARK: - Private

    /// cos and sin of an angle in degrees, exact (0, ±1) at multiples of 90 degrees.
    private static func exactCosSin(_ degrees: Double) -> (Double, Double) {
        let turns = degrees / 90
        if turns == turns.rounded() {
            let q = ((Int(turns) % 4) + 4) % 4
            return [(1.0, 0.0), (0.0, 1.0), (-1.0, 0.0), (0.0, -1.0)][q]
        }
        let r = degrees * Double.pi / 180
        return (cos(r), sin(r))
    }
}

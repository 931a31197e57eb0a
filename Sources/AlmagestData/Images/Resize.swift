import Foundation

/// Resizing with antialiasing, by separable convolution (Pillow's `ImagingResample`, after the
/// "magic kernel"-free scheme of Wolberg, "Digital Image Warping", 1990, ch. 5): each output
/// pixel i of an axis scaled by `scale = in / out` gathers the inputs around
/// `centre = (i + 0.5) scale` with weights `filter((x - centre + 0.5) / max(scale, 1))`,
/// normalised to sum 1, over a support `filterSupport x max(scale, 1)`. So downscaling widens the
/// filter (antialiasing: the box filter becomes area averaging, the triangle a wider tent) and
/// upscaling interpolates. Rows are resampled first, then columns, with Double accumulation and
/// Float storage, as Pillow does for mode "F" images (the test compares to Pillow within 1e-5).
///
/// Cost: O(out pixels x support x channels) per axis.
///
/// ```swift
/// let small = try Resize.resize(image, height: 64, width: 64)           // triangle filter
/// let area = try Resize.resize(image, height: 32, width: 32, filter: .box)
/// ```
public enum Resize {
    public enum Filter: String, Sendable, Codable, CaseIterable {
        /// Box: area averaging when downscaling, nearest neighbour when upscaling. Support 0.5.
        case box
        /// Triangle (bilinear), antialiased when downscaling. Support 1.
        case triangle
    }

    /// `image` resampled to `height` x `width`.
    public static func resize(_ image: Image, height: Int, width: Int, filter: Filter = .triangle) throws -> Image {
        guard height > 0, width > 0, height <= 1 << 16, width <= 1 << 16 else {
            throw DataError.invalidDataset(reason: "resize to \(height) x \(width): expected positive sizes up to 65536")
        }
        if height == image.height && width == image.width { return image }
        let k = image.channels
        // Horizontal pass: image.height x width.
        var middle = [Float](repeating: 0, count: image.height * width * k)
        if width == image.width {
            middle = image.pixels
        } else {
            let taps = coefficients(input: image.width, output: width, filter: filter)
            for y in 0..<image.height {
                for x in 0..<width {
                    let (start, weights) = taps[x]
                    for c in 0..<k {
                        var sum = 0.0
                        for (j, w) in weights.enumerated() {
                            sum += w * Double(image.pixels[(y * image.width + start + j) * k + c])
                        }
                        middle[(y * width + x) * k + c] = Float(sum)
                    }
                }
            }
        }
        if height == image.height {
            return try Image(height: height, width: width, channels: k, pixels: middle)
        }
        var out = [Float](repeating: 0, count: height * width * k)
        let taps = coefficients(input: image.height, output: height, filter: filter)
        for y in 0..<height {
            let (start, weights) = taps[y]
            for x in 0..<width {
                for c in 0..<k {
                    var sum = 0.0
                    for (j, w) in weights.enumerated() {
                        sum += w * Double(middle[((start + j) * width + x) * k + c])
                    }
                    out[(y * width + x) * k + c] = Float(sum)
                }
            }
        }
        return try Image(height: height, width: width, channels: k, pixels: out)
    }

    // MARK: - Private

    private static func kernel(_ x: Double, _ filter: Filter) -> Double {
        switch filter {
        case .box: return (x > -0.5 && x <= 0.5) ? 1 : 0
        case .triangle: return max(0, 1 - abs(x))
        }
    }

    /// For each output index, the first input index and the normalised weights.
    private static func coefficients(input: Int, output: Int, filter: Filter) -> [(Int, [Double])] {
        let scale = Double(input) / Double(output)
        let filterScale = max(scale, 1)
        let support = (filter == .box ? 0.5 : 1.0) * filterScale
        let inverse = 1 / filterScale
        return (0..<output).map { i in
            let centre = (Double(i) + 0.5) * scale
            let lo = max(Int(centre - support + 0.5), 0)
            let hi = min(Int(centre + support + 0.5), input)
            var weights = (lo..<max(hi, lo + 1)).map { x in kernel((Double(x) - centre + 0.5) * inverse, filter) }
            if hi <= lo { weights = [1] }
            let total = weights.reduce(0, +)
            if total != 0 { weights = weights.map { $0 / total } }
            return (min(lo, input - 1), weights)
        }
    }
}

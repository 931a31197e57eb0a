import AlmagestCore

/// An image of `height` x `width` pixels with `channels` channels (1 grey, 3 RGB, 4 RGBA), its
/// values Float in [0, 1] stored row by row, channels interleaved (HWC):
/// `pixels[(y * width + x) * channels + c]`. `chw()` gives the planar layout [C, H, W] that the
/// neural core's tensors [N, C, H, W] use for one sample.
///
/// Cost: O(height x width x channels) memory and per conversion.
///
/// ```swift
/// var image = Image(height: 2, width: 2, channels: 1)
/// image[1, 0, 0] = 1
/// let planar = image.chw()        // [0, 0, 1, 0]
/// let rgb = image.toRGB()         // 3 channels, grey replicated
/// ```
public struct Image: Sendable, Equatable, Codable {
    public let height: Int
    public let width: Int
    public let channels: Int
    /// HWC, row-major, values in [0, 1].
    public var pixels: [Float]

    /// A black image.
    public init(height: Int, width: Int, channels: Int) {
        self.height = height
        self.width = width
        self.channels = channels
        self.pixels = [Float](repeating: 0, count: height * width * channels)
    }

    /// An image from HWC pixels; the count must be height x width x channels.
    public init(height: Int, width: Int, channels: Int, pixels: [Float]) throws {
        guard height > 0, width > 0, [1, 3, 4].contains(channels) else {
            throw DataError.invalidDataset(
                reason: "an image needs positive height and width and 1, 3 or 4 channels, got \(height) x \(width) x \(channels)")
        }
        guard pixels.count == height * width * channels else {
            throw DataError.invalidDataset(
                reason: "\(pixels.count) pixel values for a \(height) x \(width) x \(channels) image, expected \(height * width * channels)")
        }
        self.height = height
        self.width = width
        self.channels = channels
        self.pixels = pixels
    }

    /// The value at row `y`, column `x`, channel `c`.
    public subscript(y: Int, x: Int, c: Int) -> Float {
        get { pixels[(y * width + x) * channels + c] }
        set { pixels[(y * width + x) * channels + c] = newValue }
    }

    /// The values in planar order [C, H, W].
    public func chw() -> [Float] {
        var out = [Float](repeating: 0, count: pixels.count)
        let plane = height * width
        for i in 0..<plane {
            for c in 0..<channels { out[c * plane + i] = pixels[i * channels + c] }
        }
        return out
    }

    /// Grey by ITU-R BT.601 luma (0.299 R + 0.587 G + 0.114 B, as Pillow's "L"); alpha dropped.
    public func toGrey() -> Image {
        if channels == 1 { return self }
        var out = Image(height: height, width: width, channels: 1)
        for i in 0..<(height * width) {
            let p = i * channels
            out.pixels[i] = 0.299 * pixels[p] + 0.587 * pixels[p + 1] + 0.114 * pixels[p + 2]
        }
        return out
    }

    /// RGB: grey replicated to three channels, alpha dropped.
    public func toRGB() -> Image {
        if channels == 3 { return self }
        var out = Image(height: height, width: width, channels: 3)
        for i in 0..<(height * width) {
            for c in 0..<3 { out.pixels[i * 3 + c] = channels == 1 ? pixels[i] : pixels[i * channels + c] }
        }
        return out
    }

    /// 8-bit RGBA bytes (values rounded and clamped), the input of `PNGWriter`.
    public func rgbaBytes() -> [UInt8] {
        var out = [UInt8](repeating: 255, count: height * width * 4)
        for i in 0..<(height * width) {
            for c in 0..<4 {
                let v: Float
                if channels == 1 { v = c == 3 ? 1 : pixels[i] }
                else if channels == 3 { v = c == 3 ? 1 : pixels[i * 3 + c] }
                else { v = pixels[i * 4 + c] }
                out[i * 4 + c] = UInt8(max(0, min(255, (v * 255).rounded())))
            }
        }
        return out
    }
}

/// ImageNet's per-channel statistics of RGB values in [0, 1] (as torchvision's pretrained models
/// expect them).
public enum ImageNetStatistics {
    public static let mean: [Float] = [0.485, 0.456, 0.406]
    public static let standardDeviation: [Float] = [0.229, 0.224, 0.225]
}

extension Image {
    /// The central `height` x `width` window (offsets rounded as torchvision's `center_crop`:
    /// `Int(((H - h) / 2).rounded())`).
    public func centreCropped(height h: Int, width w: Int) throws -> Image {
        guard h > 0, w > 0, h <= height, w <= width else {
            throw DataError.invalidDataset(reason: "centre crop \(h) x \(w) of a \(height) x \(width) image: expected a window inside the image")
        }
        let top = Int((Double(height - h) / 2).rounded()), left = Int((Double(width - w) / 2).rounded())
        var out = Image(height: h, width: w, channels: channels)
        for y in 0..<h {
            let from = ((top + y) * width + left) * channels
            out.pixels.replaceSubrange((y * w * channels)..<((y + 1) * w * channels),
                                       with: pixels[from..<(from + w * channels)])
        }
        return out
    }

    /// (value - mean[c]) / std[c] per channel; `mean` and `std` have one entry per channel.
    public func normalised(mean: [Float], standardDeviation std: [Float]) throws -> Image {
        guard mean.count == channels, std.count == channels, std.allSatisfy({ $0 > 0 && $0.isFinite }) else {
            throw DataError.invalidDataset(
                reason: "normalisation with \(mean.count) means and \(std.count) standard deviations for \(channels) channels: expected one each, deviations > 0")
        }
        var out = self
        for i in 0..<(height * width) {
            for c in 0..<channels { out.pixels[i * channels + c] = (pixels[i * channels + c] - mean[c]) / std[c] }
        }
        return out
    }
}

import AlmagestCore
import AlmagestPlot
import Foundation

/// A pipeline of random image augmentations, applied in a fixed order: random resized crop,
/// rotation, horizontal flip, vertical flip, brightness, contrast, Gaussian noise. Each sample's
/// randomness comes from its own stream `RandomStream(seed, stream: epoch << 32 | index)`, so the
/// result depends only on (seed, epoch, sample index), never on thread count or batch order.
///
/// - `rotate=D`: an angle uniform in [-D, D] degrees, bilinear, `fill` outside (`Rotation`).
/// - `hflip`, `vflip`: each with probability 1/2.
/// - `crop=S`: random resized crop (Szegedy et al., "Going deeper with convolutions", 2015, as
///   torchvision's RandomResizedCrop): an area fraction uniform in [S, 1] and an aspect ratio
///   log-uniform in [3/4, 4/3], up to 10 tries, otherwise the central square; the window is
///   resized back to the input size (triangle filter).
/// - `brightness=B`: values times a factor uniform in [1 - B, 1 + B].
/// - `contrast=C`: values pulled towards or away from the image's mean grey by a factor uniform
///   in [1 - C, 1 + C].
/// - `noise=N`: additive Gaussian noise of standard deviation N.
/// Values are clamped to [0, 1] after brightness, contrast and noise.
///
/// Cost: O(pixels) per transform per image; `apply(_:seed:epoch:indices:)` is parallel over images.
///
/// ```swift
/// let pipeline = try Augmentation(parsing: "rotate=180,hflip,vflip,crop=0.8,brightness=0.2,noise=0.05")
/// let batch = pipeline.apply(images, seed: 7, epoch: 3, indices: Array(0..<images.count))
/// ```
public struct Augmentation: Sendable, Codable, Equatable, CustomStringConvertible {
    public var rotationDegrees: Double?
    public var fill: Float
    public var horizontalFlip: Bool
    public var verticalFlip: Bool
    public var cropScale: Double?
    public var brightness: Double?
    public var contrast: Double?
    public var noise: Double?

    public init(rotationDegrees: Double? = nil, fill: Float = 0, horizontalFlip: Bool = false, verticalFlip: Bool = false,
                cropScale: Double? = nil, brightness: Double? = nil, contrast: Double? = nil, noise: Double? = nil) throws {
        self.rotationDegrees = rotationDegrees
        self.fill = fill
        self.horizontalFlip = horizontalFlip
        self.verticalFlip = verticalFlip
        self.cropScale = cropScale
        self.brightness = brightness
        self.contrast = contrast
        self.noise = noise
        try validate()
    }

    /// Parses the CLI text: comma-separated `rotate=D`, `fill=F`, `hflip`, `vflip`, `crop=S`,
    /// `brightness=B`, `contrast=C`, `noise=N`. The empty text or `none` is the identity.
    public init(parsing text: String) throws {
        try self.init()
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed == "none" { return }
        for item in trimmed.split(separator: ",") {
            let parts = item.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let key = parts[0]
            func number() throws -> Double {
                guard parts.count == 2, let value = Double(parts[1]), value.isFinite else {
                    throw DataError.invalidDataset(reason: "augmentation \"\(item)\": expected \(key)=NUMBER")
                }
                return value
            }
            switch key {
            case "rotate": rotationDegrees = try number()
            case "fill": fill = Float(try number())
            case "hflip", "vflip":
                guard parts.count == 1 else {
                    throw DataError.invalidDataset(reason: "augmentation \"\(item)\": \(key) takes no value")
                }
                if key == "hflip" { horizontalFlip = true } else { verticalFlip = true }
            case "crop": cropScale = try number()
            case "brightness": brightness = try number()
            case "contrast": contrast = try number()
            case "noise": noise = try number()
            default:
                throw DataError.invalidDataset(
                    reason: "augmentation \"\(item)\": unknown transform \(key), expected rotate, fill, hflip, vflip, crop, brightness, contrast or noise")
            }
        }
        try validate()
    }

    /// True when the pipeline changes nothing (no transform set).
    public var isIdentity: Bool {
        rotationDegrees == nil && !horizontalFlip && !verticalFlip && cropScale == nil && brightness == nil
            && contrast == nil && noise == nil
    }

    /// The CLI text of this pipeline (parses back to an equal value).
    public var description: String {
        var items: [String] = []
        if let cropScale { items.append("crop=\(cropScale)") }
        if let rotationDegrees { items.append("rotate=\(rotationDegrees)") }
        if fill != 0 { items.append("fill=\(fill)") }
        if horizontalFlip { items.append("hflip") }
        if verticalFlip { items.append("vflip") }
        if let brightness { items.append("brightness=\(brightness)") }
        if let contrast { items.append("contrast=\(contrast)") }
        if let noise { items.append("noise=\(noise)") }
        return items.isEmpty ? "none" : items.joined(separator: ",")
    }

    public func validate() throws {
        func check(_ value: Double?, _ name: String, _ range: ClosedRange<Double>, _ expected: String) throws {
            if let value, !(value.isFinite && range.contains(value)) {
                throw DataError.invalidDataset(reason: "augmentation \(name)=\(value): expected \(expected)")
            }
        }
        try check(rotationDegrees, "rotate", 0...360, "degrees in [0, 360]")
        try check(cropScale, "crop", 0.01...1, "an area fraction in [0.01, 1]")
        try check(brightness, "brightness", 0...1, "a value in [0, 1]")
        try check(contrast, "contrast", 0...1, "a value in [0, 1]")
        try check(noise, "noise", 0...1, "a standard deviation in [0, 1]")
        guard fill.isFinite else { throw DataError.invalidDataset(reason: "augmentation fill=\(fill): expected a finite value") }
    }

    /// The augmented `image` for sample `index` of `epoch`.
    public func apply(_ image: Image, seed: Int, epoch: Int, index: Int) -> Image {
        if isIdentity { return image }
        var rng = RandomStream(seed: UInt64(truncatingIfNeeded: seed),
                               stream: UInt64(truncatingIfNeeded: epoch) << 32 | UInt64(truncatingIfNeeded: index))
        var out = image
        if let cropScale { out = randomResizedCrop(out, minimumArea: cropScale, rng: &rng) }
        if let rotationDegrees {
            let angle = rng.nextDouble(in: -rotationDegrees..<(rotationDegrees + .ulpOfOne))
            out = Rotation.rotate(out, degrees: angle, fill: fill)
        }
        if horizontalFlip, rng.nextDouble() < 0.5 { out = Rotation.flipHorizontally(out) }
        if verticalFlip, rng.nextDouble() < 0.5 { out = Rotation.flipVertically(out) }
        if let brightness {
            let factor = Float(1 + rng.nextDouble(in: -brightness..<(brightness + .ulpOfOne)))
            for i in out.pixels.indices { out.pixels[i] = min(1, max(0, out.pixels[i] * factor)) }
        }
        if let contrast {
            let factor = Float(1 + rng.nextDouble(in: -contrast..<(contrast + .ulpOfOne)))
            let grey = out.toGrey().pixels
            let mean = grey.reduce(0, +) / Float(grey.count)
            for i in out.pixels.indices { out.pixels[i] = min(1, max(0, mean + (out.pixels[i] - mean) * factor)) }
        }
        if let noise, noise > 0 {
            for i in out.pixels.indices {
                out.pixels[i] = min(1, max(0, out.pixels[i] + Float(rng.nextNormal() * noise)))
            }
        }
        return out
    }

    /// `images[i]` augmented as sample `indices[i]`, in parallel over images.
    public func apply(_ images: [Image], seed: Int, epoch: Int, indices: [Int]) -> [Image] {
        precondition(images.count == indices.count, "one sample index per image")
        return Parallel.map(images.count) { i in apply(images[i], seed: seed, epoch: epoch, index: indices[i]) }
    }

    /// A figure of `image` and `count - 1` augmented versions (samples 0, 1, ... of epoch 0), grey,
    /// as a grid of `columns`; write it as PNG or SVG with `write(to:)`.
    public func figure(of image: Image, count: Int = 8, columns: Int = 4, seed: Int = 0) throws -> ImageGrid {
        let samples = [image] + (1..<max(count, 2)).map { apply(image, seed: seed, epoch: 0, index: $0) }
        return ImageGrid(
            images: samples.map { $0.toGrey().pixels.map(Double.init) }, imageWidth: image.width,
            imageHeight: image.height, columns: columns,
            captions: ["original"] + (1..<samples.count).map { "sample \($0)" }, colorMap: .grey, range: 0...1,
            titles: ChartTitles("Augmentation: \(description)"))
    }

    // MARK: - Private

    private func randomResizedCrop(_ image: Image, minimumArea: Double, rng: inout RandomStream) -> Image {
        let h = image.height, w = image.width
        let area = Double(h * w)
        var window: (top: Int, left: Int, height: Int, width: Int)?
        for _ in 0..<10 {
            let target = area * rng.nextDouble(in: minimumArea..<(1 + .ulpOfOne))
            let ratio = exp(rng.nextDouble(in: log(3.0 / 4)..<log(4.0 / 3)))
            let cw = Int((target * ratio).squareRoot().rounded()), ch = Int((target / ratio).squareRoot().rounded())
            if cw > 0, ch > 0, cw <= w, ch <= h {
                window = (rng.nextInt(below: h - ch + 1), rng.nextInt(below: w - cw + 1), ch, cw)
                break
            }
        }
        let side = min(h, w)
        let (top, left, ch, cw) = window ?? ((h - side) / 2, (w - side) / 2, side, side)
        var crop = Image(height: ch, width: cw, channels: image.channels)
        for y in 0..<ch {
            for x in 0..<cw {
                for c in 0..<image.channels { crop[y, x, c] = image[top + y, left + x, c] }
            }
        }
        return (try? Resize.resize(crop, height: h, width: w)) ?? image
    }
}

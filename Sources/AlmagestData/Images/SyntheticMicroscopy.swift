import AlmagestCore
import AlmagestPlot
import Foundation
import Synchronization

/// A synthetic microscopy set with the layout of SMIDS (Ilhan et al., 2020): three classes of
/// stained cells on a noisy background, in the folders `normal`, `abnormal` and `non-sperm`.
/// - normal: an elliptical head with a gently waving tail;
/// - abnormal: a misshapen head (lobed, radius modulated by low harmonics) with a tail, or a
///   normal head with a coiled tail (a spiral);
/// - non-sperm: debris, a few irregular blobs of random size.
/// Each image has a random position jitter and orientation, a 3 x 3 box blur, additive Gaussian
/// noise and a purple stain tint. Image `i` of class `k` depends only on (seed, k, i), so the set
/// is reproducible and can be generated in parallel.
///
/// Cost: O(count x size²) time; images are written one by one.
///
/// ```swift
/// let generator = try SyntheticMicroscopy(size: 64, count: 600, seed: 7)
/// try generator.write(to: URL(fileURLWithPath: "/tmp/smids-synthetic"))
/// ```
public struct SyntheticMicroscopy: Sendable, Codable, Equatable {
    /// The class folders, in the order of their labels (sorted like an image-folder data set).
    public static let classNames = ["abnormal", "non-sperm", "normal"]

    public let size: Int
    public let count: Int
    public let seed: Int
    /// Standard deviation of the additive Gaussian noise (values in [0, 1]).
    public let noise: Double

    public init(size: Int = 64, count: Int = 600, seed: Int = 0, noise: Double = 0.04) throws {
        guard size >= 16 else {
            throw DataError.invalidDataset(reason: "synthetic microscopy: size \(size) is too small, expected at least 16")
        }
        guard count >= 3 else {
            throw DataError.invalidDataset(reason: "synthetic microscopy: count \(count), expected at least 3 (one per class)")
        }
        guard noise.isFinite, noise >= 0 else {
            throw DataError.invalidDataset(reason: "synthetic microscopy: noise \(noise), expected a finite value >= 0")
        }
        self.size = size
        self.count = count
        self.seed = seed
        self.noise = noise
    }

    /// The number of images of class `label` (the count split as evenly as possible).
    public func count(ofClass label: Int) -> Int {
        count / 3 + (label < count % 3 ? 1 : 0)
    }

    /// Image `index` of class `label` (0 abnormal, 1 non-sperm, 2 normal), RGB.
    public func image(label: Int, index: Int) -> Image {
        var rng = RandomStream(seed: UInt64(truncatingIfNeeded: seed), stream: UInt64(label * 1_000_003 + index + 1))
        let n = size
        var mask = [Float](repeating: 0, count: n * n)
        let s = Double(n)
        let cx = s / 2 + rng.nextDouble(in: -0.1..<0.1) * s
        let cy = s / 2 + rng.nextDouble(in: -0.1..<0.1) * s
        let theta = rng.nextDouble(in: 0..<(2 * Double.pi))
        switch label {
        case 2:
            Self.drawHead(&mask, n: n, cx: cx, cy: cy, theta: theta, a: 0.11 * s, b: 0.065 * s, lobes: 0, rng: &rng)
            Self.drawTail(&mask, n: n, cx: cx, cy: cy, theta: theta, headLength: 0.11 * s, coiled: false, rng: &rng)
        case 0:
            let coiled = rng.nextDouble() < 0.5
            let lobes = coiled ? 0 : 2 + rng.nextInt(below: 3)
            let a = coiled ? 0.11 * s : 0.13 * s
            let b = coiled ? 0.065 * s : 0.10 * s
            Self.drawHead(&mask, n: n, cx: cx, cy: cy, theta: theta, a: a, b: b, lobes: lobes, rng: &rng)
            Self.drawTail(&mask, n: n, cx: cx, cy: cy, theta: theta, headLength: a, coiled: coiled, rng: &rng)
        default:
            let blobs = 3 + rng.nextInt(below: 4)
            for _ in 0..<blobs {
                let bx = rng.nextDouble(in: 0.15..<0.85) * s
                let by = rng.nextDouble(in: 0.15..<0.85) * s
                let r = rng.nextDouble(in: 0.02..<0.06) * s
                Self.drawHead(&mask, n: n, cx: bx, cy: by, theta: rng.nextDouble(in: 0..<Double.pi),
                              a: r * 1.3, b: r, lobes: 3, rng: &rng)
            }
        }
        mask = Self.boxBlur(mask, n: n)
        // Stain: background light grey-pink, cells purple.
        let background: [Float] = [0.85, 0.80, 0.86]
        let stain: [Float] = [0.45, 0.25, 0.60]
        var image = Image(height: n, width: n, channels: 3)
        for i in 0..<(n * n) {
            for c in 0..<3 {
                let v = background[c] + (stain[c] - background[c]) * mask[i] + Float(rng.nextNormal() * noise)
                image.pixels[i * 3 + c] = max(0, min(1, v))
            }
        }
        return image
    }

    /// Writes `count` PNG files into `folder/<class>/<index>.png` (index zero-padded to 5 digits),
    /// in parallel over images. Returns the number of files written per class.
    @discardableResult
    public func write(to folder: URL) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for (label, name) in Self.classNames.enumerated() {
            let directory = folder.appendingPathComponent(name)
            do {
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            } catch {
                throw DataError.io(path: directory.path, reason: "\(error)")
            }
            let total = count(ofClass: label)
            let failures = Mutex<[DataError]>([])
            Parallel.forEach(total) { index in
                let image = self.image(label: label, index: index)
                let path = directory.appendingPathComponent(String(format: "%05d.png", index))
                do {
                    let data = try PNGWriter.encode(width: image.width, height: image.height, rgba: image.rgbaBytes())
                    try data.write(to: path)
                } catch {
                    failures.withLock { $0.append(DataError.io(path: path.path, reason: "\(error)")) }
                }
            }
            if let first = failures.withLock({ $0.first }) { throw first }
            counts[name] = total
        }
        return counts
    }

    // MARK: - Private

    /// Fills an ellipse (semi-axes `a` along `theta`, `b` across), its radius modulated by
    /// `lobes` random harmonics when `lobes > 0`.
    private static func drawHead(_ mask: inout [Float], n: Int, cx: Double, cy: Double, theta: Double,
                                 a: Double, b: Double, lobes: Int, rng: inout RandomStream) {
        var amplitudes: [(k: Double, amp: Double, phase: Double)] = []
        for _ in 0..<lobes {
            amplitudes.append((Double(2 + rng.nextInt(below: 3)), rng.nextDouble(in: 0.15..<0.35),
                               rng.nextDouble(in: 0..<(2 * Double.pi))))
        }
        let ct = cos(theta), st = sin(theta)
        let reach = Int((max(a, b) * 1.6).rounded(.up))
        for y in max(0, Int(cy) - reach)...min(n - 1, Int(cy) + reach) {
            for x in max(0, Int(cx) - reach)...min(n - 1, Int(cx) + reach) {
                let dx = Double(x) + 0.5 - cx, dy = Double(y) + 0.5 - cy
                let u = dx * ct + dy * st, v = -dx * st + dy * ct
                var r = (u * u) / (a * a) + (v * v) / (b * b)
                if !amplitudes.isEmpty {
                    let phi = atan2(v, u)
                    var scale = 1.0
                    for h in amplitudes { scale += h.amp * sin(h.k * phi + h.phase) }
                    r /= scale * scale
                }
                if r <= 1 { mask[y * n + x] = 1 }
            }
        }
    }

    /// Stamps a tail from the back of the head: a waving line, or a spiral when `coiled`.
    private static func drawTail(_ mask: inout [Float], n: Int, cx: Double, cy: Double, theta: Double,
                                 headLength: Double, coiled: Bool, rng: inout RandomStream) {
        let s = Double(n)
        let ct = cos(theta), st = sin(theta)
        let bx = cx - ct * headLength, by = cy - st * headLength
        let steps = 4 * n
        let phase = rng.nextDouble(in: 0..<(2 * Double.pi))
        for i in 0...steps {
            let t = Double(i) / Double(steps)
            var u: Double, v: Double
            if coiled {
                let angle = t * 3.5 * Double.pi
                let radius = 0.03 * s + 0.10 * s * t
                u = -radius * sin(angle) - 0.03 * s
                v = radius * (1 - cos(angle)) * 0.8
            } else {
                u = -t * 0.38 * s
                v = 0.03 * s * sin(t * 4 * Double.pi + phase)
            }
            let x = bx + u * ct - v * st, y = by + u * st + v * ct
            let ix = Int(x), iy = Int(y)
            for yy in (iy - 1)...(iy + 1) where yy >= 0 && yy < n {
                for xx in (ix - 1)...(ix + 1) where xx >= 0 && xx < n {
                    let d = hypot(Double(xx) + 0.5 - x, Double(yy) + 0.5 - y)
                    if d <= 0.9 { mask[yy * n + xx] = max(mask[yy * n + xx], 0.8) }
                }
            }
        }
    }

    /// A 3 x 3 box blur with edge replication.
    private static func boxBlur(_ mask: [Float], n: Int) -> [Float] {
        var out = mask
        for y in 0..<n {
            for x in 0..<n {
                var sum: Float = 0
                for dy in -1...1 {
                    for dx in -1...1 {
                        let yy = min(n - 1, max(0, y + dy)), xx = min(n - 1, max(0, x + dx))
                        sum += mask[yy * n + xx]
                    }
                }
                out[y * n + x] = sum / 9
            }
        }
        return out
    }
}

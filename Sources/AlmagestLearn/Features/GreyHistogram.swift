import AlmagestCore

/// Grey-level histograms of images: how many pixels fall in each of `bins` equal bins of a value
/// range, optionally as fractions of the pixel count.
///
/// Two quantisations: `.none` bins the raw values over `[lower, upper]` the way `numpy.histogram`
/// does (bins half-open except the last, which also takes `upper`; values outside are not
/// counted); `.uint8(maxValue:)` first converts every pixel as OpenCV users do,
/// `u8 = trunc(v * 255 / maxValue)` (double arithmetic, truncation toward zero), then bins the
/// 0...255 codes over [lower, upper) like `cv2.calcHist([u8], [0], None, [bins], [lower, upper])`.
/// `GreyHistogram.openCV(maxValue:)` is the seed's descriptor: 256 bins over [0, 256).
///
/// Reference: M. J. Swain and D. H. Ballard, "Color Indexing", IJCV 1991 (histograms as image
/// descriptors). Cost: O(p) per image of p pixels plus O(bins); batches run in parallel over images.
///
/// ```swift
/// let histogram = try GreyHistogram.openCV(maxValue: 16)              // digits: pixel values 0...16
/// let counts = try histogram.features(of: digits)                     // n x 256, each row sums to 64
/// let coarse = try GreyHistogram(bins: 8, lower: 0, upper: 16, normalisation: .fractions)
/// ```
public struct GreyHistogram: Codable, Sendable, Equatable {
    /// How pixel values are turned into the values that are binned.
    public enum Quantisation: Codable, Sendable, Equatable {
        /// Raw values, binned over the closed range [lower, upper].
        case none
        /// `trunc(v * 255 / maxValue)`; pixels must lie in 0...maxValue. Binned over [lower, upper).
        case uint8(maxValue: Double)
    }

    /// What each bin holds.
    public enum Normalisation: String, Codable, Sendable, CaseIterable {
        /// Pixel counts.
        case counts
        /// Counts divided by the number of pixels of the image.
        case fractions
    }

    /// Number of bins.
    public let bins: Int
    /// Lower edge of the first bin.
    public let lower: Double
    /// Upper edge of the last bin.
    public let upper: Double
    public let quantisation: Quantisation
    public let normalisation: Normalisation

    /// A validated configuration: `bins ≥ 1`, finite `lower < upper`, and `maxValue > 0`.
    public init(
        bins: Int, lower: Double, upper: Double, quantisation: Quantisation = .none,
        normalisation: Normalisation = .counts
    ) throws {
        try require(bins >= 1, "histogram bins", bins, expected: "at least 1")
        try require(
            lower.isFinite && upper.isFinite && lower < upper, "histogram range", "[\(lower), \(upper)]",
            expected: "finite bounds with lower < upper")
        if case let .uint8(maxValue) = quantisation {
            try require(maxValue.isFinite && maxValue > 0, "uint8 maxValue", maxValue, expected: "a finite value > 0")
        }
        self.bins = bins
        self.lower = lower
        self.upper = upper
        self.quantisation = quantisation
        self.normalisation = normalisation
    }

    /// Decodes and validates like `init`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            bins: c.decode(Int.self, forKey: .bins), lower: c.decode(Double.self, forKey: .lower),
            upper: c.decode(Double.self, forKey: .upper), quantisation: c.decode(Quantisation.self, forKey: .quantisation),
            normalisation: c.decode(Normalisation.self, forKey: .normalisation))
    }

    /// The OpenCV-compatible 8-bit histogram of the seed: `u8 = trunc(v * 255 / maxValue)`, then
    /// 256 bins over [0, 256).
    public static func openCV(maxValue: Double, normalisation: Normalisation = .counts) throws -> GreyHistogram {
        try GreyHistogram(bins: 256, lower: 0, upper: 256, quantisation: .uint8(maxValue: maxValue), normalisation: normalisation)
    }

    /// The 8-bit code of a pixel value: `trunc(v * 255 / maxValue)` (the caller checked the range).
    @inlinable
    public static func uint8Code(_ value: Double, maxValue: Double) -> Int { Int((value * 255 / maxValue).rounded(.towardZero)) }

    /// The histogram of one image's pixel values.
    public func histogram(of pixels: [Double]) throws -> [Double] {
        try features(of: Matrix(rows: 1, columns: pixels.count, elements: pixels)).elements
    }

    /// One histogram per row of `images` (n x pixels), n x `bins`, in parallel over images.
    /// Throws `FitError.nonFinite` for NaN or infinity and, with `.uint8`, `FeatureError.pixelOutOfRange`
    /// for a pixel outside 0...maxValue.
    public func features(of images: Matrix<Double>) throws -> Matrix<Double> {
        if let bad = images.firstNonFinite() {
            throw FitError.nonFinite(what: "grey histogram input", row: bad.row, column: bad.column, value: bad.value)
        }
        if case let .uint8(maxValue) = quantisation, let bad = images.firstElement(outside: 0...maxValue) {
            throw FeatureError.pixelOutOfRange(
                image: bad.row, pixel: bad.column, value: bad.value, expected: "a value in 0...\(maxValue) for the 8-bit conversion")
        }
        let edges = binEdges()
        let n = images.rows, p = images.columns, k = bins
        return Matrix(rows: n, columns: k) { out in
            guard n > 0, p > 0 else { return }
            let output = SharedPointer(out.baseAddress!)
            images.withUnsafeBufferPointer { input in
                let source = SharedReadPointer(input.baseAddress!)
                Parallel.forEachChunk(count: n, chunkSize: 256) { range, _ in
                    var codeCounts = [Int](repeating: 0, count: 256)
                    for i in range {
                        self.count(source.base + i * p, pixels: p, edges: edges, codeCounts: &codeCounts, into: output.base + i * k)
                    }
                }
            }
        }
    }
}

// MARK: - Private

extension GreyHistogram {
    /// `bins + 1` edges as `numpy.linspace` makes them (the last is exactly `upper`).
    private func binEdges() -> [Double] {
        let step = (upper - lower) / Double(bins)
        var edges = (0...bins).map { lower + Double($0) * step }
        edges[bins] = upper
        return edges
    }

    /// Bin of a value, or nil when it falls outside the range. `lastClosed` lets `upper` itself
    /// into the last bin (numpy); otherwise the range is half-open (OpenCV).
    @inline(__always)
    private func bin(of v: Double, edges: [Double], lastClosed: Bool) -> Int? {
        if v < lower || v > upper || (v == upper && !lastClosed) { return nil }
        var b = Swift.min(Int((v - lower) * (Double(bins) / (upper - lower))), bins - 1)
        // The division can land one bin off near an edge; the edges decide.
        while b > 0 && v < edges[b] { b -= 1 }
        while b < bins - 1 && v >= edges[b + 1] { b += 1 }
        return b
    }

    /// Counts one image into `out` (zeroed); `codeCounts` is scratch of 256 slots for `.uint8`.
    private func count(
        _ pixels: UnsafePointer<Double>, pixels p: Int, edges: [Double], codeCounts: inout [Int],
        into out: UnsafeMutablePointer<Double>
    ) {
        switch quantisation {
        case .none:
            for j in 0..<p {
                if let b = bin(of: pixels[j], edges: edges, lastClosed: true) { out[b] += 1 }
            }
        case let .uint8(maxValue):
            // Bin each of the 256 codes once, then count codes.
            for code in 0..<256 { codeCounts[code] = 0 }
            for j in 0..<p { codeCounts[Swift.min(Self.uint8Code(pixels[j], maxValue: maxValue), 255)] += 1 }
            for code in 0..<256 where codeCounts[code] > 0 {
                if let b = bin(of: Double(code), edges: edges, lastClosed: false) { out[b] += Double(codeCounts[code]) }
            }
        }
        if normalisation == .fractions {
            for b in 0..<bins { out[b] /= Double(p) }
        }
    }
}

import AlmagestCore
import Foundation

/// An image-folder data set: one sub-folder per class (the layout of SMIDS and of torchvision's
/// `ImageFolder`), class names the sub-folder names sorted, files sorted by name inside each, every
/// PNG, JPEG or BMP file (by extension; other files are ignored) one sample. Images are loaded
/// lazily: decoded, converted to grey or RGB, resized and centre-cropped on first use, kept in an
/// LRU cache bounded in bytes, so a folder larger than memory works. `batches` hands out batches
/// `[B, C, H, W]` (planar, normalised, optionally augmented) while a background thread prepares the
/// next one; each image is decoded at most once per epoch (once in all when the cache holds the
/// set). Decoding and augmentation are parallel over the images of a batch.
///
/// Preparation (`ImageFolder.Options`): with `size` set, the shorter side is resized to `size`
/// (antialiased triangle filter) and the central `size x size` window kept (torchvision's
/// `Resize(size)` + `CenterCrop(size)`); without it every image must have the size of the first.
///
/// Cost: one decode per image per epoch at most; memory: the cache bound plus two batches.
///
/// ```swift
/// let folder = try ImageFolder(root: URL(fileURLWithPath: "smids"), options: .init(size: 64, colour: .rgb))
/// let split = folder.split(validation: 0.15, test: 0.15, seed: 0)      // stratified
/// for batch in try folder.batches(split.train, batchSize: 32, augmentation: pipeline, seed: 0, epoch: e) {
///     let x = try Tensor(shape: batch.shape, values: batch.values)     // [B, C, H, W]
/// }
/// ```
public final class ImageFolder: @unchecked Sendable {
    /// How images are prepared.
    public struct Options: Codable, Sendable, Equatable {
        public enum Colour: String, Codable, Sendable { case grey, rgb }
        /// Side of the square images after resize + centre crop; nil keeps the files' size.
        public var size: Int?
        public var colour: Colour
        /// Per-channel mean and standard deviation applied to batches (after augmentation); nil: none.
        public var mean: [Float]?
        public var standardDeviation: [Float]?
        /// Bound of the decoded-image cache in bytes.
        public var cacheBytes: Int

        public init(size: Int? = nil, colour: Colour = .rgb, mean: [Float]? = nil, standardDeviation: [Float]? = nil,
                    cacheBytes: Int = 512 << 20) {
            (self.size, self.colour, self.mean, self.standardDeviation, self.cacheBytes) = (size, colour, mean, standardDeviation, cacheBytes)
        }

        /// ImageNet's statistics for RGB, their luma-weighted means for grey.
        public static func imageNetNormalisation(colour: Colour) -> (mean: [Float], standardDeviation: [Float]) {
            if colour == .rgb { return (ImageNetStatistics.mean, ImageNetStatistics.standardDeviation) }
            let w: [Float] = [0.299, 0.587, 0.114]
            return ([zip(w, ImageNetStatistics.mean).map(*).reduce(0, +)],
                    [zip(w, ImageNetStatistics.standardDeviation).map(*).reduce(0, +)])
        }

        public var channels: Int { colour == .grey ? 1 : 3 }

        public func validate() throws {
            if let size, !(1...(1 << 14)).contains(size) {
                throw DataError.invalidDataset(reason: "image size \(size): expected 1 to 16384 pixels")
            }
            guard (mean == nil) == (standardDeviation == nil) else {
                throw DataError.invalidDataset(reason: "normalisation needs both a mean and a standard deviation, got only one")
            }
            if let mean, let std = standardDeviation {
                guard mean.count == channels, std.count == channels, std.allSatisfy({ $0 > 0 && $0.isFinite }),
                      mean.allSatisfy(\.isFinite) else {
                    throw DataError.invalidDataset(
                        reason: "normalisation with \(mean.count) means and \(std.count) deviations for \(channels) channels: expected one each, finite, deviations > 0")
                }
            }
            guard cacheBytes >= 0 else { throw DataError.invalidDataset(reason: "cache of \(cacheBytes) bytes: expected 0 or more") }
        }
    }

    /// Sample indices of a stratified split (each ascending).
    public struct Split: Codable, Sendable, Equatable {
        public var train: [Int], validation: [Int], test: [Int]
    }

    /// One batch: planar values `[B, C, H, W]`, labels, and the sample indices it holds.
    public struct Batch: Sendable {
        public let values: [Float]
        public let shape: [Int]
        public let labels: [Int]
        public let indices: [Int]
    }

    public let root: URL
    public let options: Options
    /// Class names: the sub-folder names, sorted.
    public let classes: [String]
    /// Every sample's file, class by class, names sorted.
    public let files: [URL]
    /// Every sample's class index into `classes`.
    public let labels: [Int]

    /// Scans `root`. Throws when it is missing, has fewer than two class folders with images, or
    /// options are invalid.
    public init(root: URL, options: Options = Options()) throws {
        try options.validate()
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: root.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataError.io(path: root.path, reason: "not a folder (expected one sub-folder per class)")
        }
        let extensions: Set<String> = ["png", "jpg", "jpeg", "bmp"]
        var classes: [String] = [], files: [URL] = [], labels: [Int] = []
        let entries = try manager.contentsOfDirectory(atPath: root.path).filter { !$0.hasPrefix(".") }.sorted()
        for name in entries {
            let folder = root.appendingPathComponent(name)
            guard manager.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else { continue }
            let images = try manager.contentsOfDirectory(atPath: folder.path)
                .filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
            guard !images.isEmpty else { continue }
            for file in images {
                files.append(folder.appendingPathComponent(file))
                labels.append(classes.count)
            }
            classes.append(name)
        }
        guard classes.count >= 2 else {
            throw DataError.invalidDataset(
                reason: "\(root.path) has \(classes.count) class folder(s) with PNG, JPEG or BMP images: expected at least 2")
        }
        (self.root, self.options, self.classes, self.files, self.labels) = (root, options, classes, files, labels)
        cache = ImageCache(capacityBytes: options.cacheBytes)
    }

    public var count: Int { files.count }

    /// Samples decoded so far (all epochs): with a cache holding the set, `count` at most.
    public var decodeCount: Int { cache.decodes }

    /// A stratified split: in each class, the samples shuffled by `seed` (stream = class), then
    /// `round(n_c x test)` to test, `round(n_c x validation)` to validation, the rest to train.
    public func split(validation: Double, test: Double, seed: Int) throws -> Split {
        guard validation >= 0, test >= 0, validation + test < 1, validation.isFinite, test.isFinite else {
            throw DataError.invalidDataset(reason: "split fractions validation \(validation), test \(test): expected ≥ 0 with a sum below 1")
        }
        var split = Split(train: [], validation: [], test: [])
        for c in classes.indices {
            var members = labels.indices.filter { labels[$0] == c }
            var rng = RandomStream(seed: seed, stream: c)
            rng.shuffle(&members)
            let nTest = Int((Double(members.count) * test).rounded()), nValidation = Int((Double(members.count) * validation).rounded())
            split.test += members.prefix(nTest)
            split.validation += members.dropFirst(nTest).prefix(nValidation)
            split.train += members.dropFirst(nTest + nValidation)
        }
        return Split(train: split.train.sorted(), validation: split.validation.sorted(), test: split.test.sorted())
    }

    /// The prepared (not augmented, not normalised) image of sample `index`, through the cache.
    public func image(at index: Int) throws -> Image { try images(at: [index])[0] }

    /// Prepared images of several samples; the missing ones decoded in parallel.
    public func images(at indices: [Int]) throws -> [Image] {
        if let bad = indices.first(where: { !files.indices.contains($0) }) {
            throw DataError.invalidDataset(reason: "sample \(bad) of an image folder of \(files.count)")
        }
        var found = indices.map { cache.get($0) }
        let missing = indices.indices.filter { found[$0] == nil }
        let loaded = Parallel.map(missing.count) { [self] j in Result { try prepare(indices[missing[j]]) } }
        for (j, result) in zip(missing, loaded) {
            let image = try result.get()
            found[j] = image
            cache.put(indices[j], image)
        }
        return found.map { $0! }
    }

    /// One batch of samples `indices`: prepared, augmented as (seed, epoch, sample index), normalised.
    public func batch(_ indices: [Int], augmentation: Augmentation? = nil, seed: Int = 0, epoch: Int = 0) throws -> Batch {
        var images = try images(at: indices)
        if let augmentation, !augmentation.isIdentity {
            images = augmentation.apply(images, seed: seed, epoch: epoch, indices: indices)
        }
        guard let first = images.first else {
            return Batch(values: [], shape: [0, options.channels, options.size ?? 0, options.size ?? 0], labels: [], indices: [])
        }
        let (h, w, k) = (first.height, first.width, first.channels)
        let plane = h * w * k
        var values = [Float](repeating: 0, count: images.count * plane)
        for (n, image) in images.enumerated() {
            guard image.height == h, image.width == w else {
                throw DataError.invalidDataset(
                    reason: "\(files[indices[n]].path) is \(image.height) x \(image.width), the batch's first image \(h) x \(w): set a size to resize")
            }
            values.replaceSubrange((n * plane)..<((n + 1) * plane), with: Self.planar(image, options: options))
        }
        return Batch(values: values, shape: [images.count, k, h, w], labels: indices.map { labels[$0] }, indices: indices)
    }

    /// The batches of `order` (consecutive runs of `batchSize`), each prepared on a background
    /// thread while the previous one is used.
    public func batches(_ order: [Int], batchSize: Int, augmentation: Augmentation? = nil, seed: Int = 0,
                        epoch: Int = 0) throws -> PrefetchingBatches {
        guard batchSize >= 1 else { throw DataError.invalidDataset(reason: "batch size \(batchSize): expected at least 1") }
        let chunks = stride(from: 0, to: order.count, by: batchSize).map { Array(order[$0..<min($0 + batchSize, order.count)]) }
        return PrefetchingBatches(chunks: chunks) { [self] rows in
            try batch(rows, augmentation: augmentation, seed: seed, epoch: epoch)
        }
    }

    /// `image` as the options prepare it: grey or RGB, then (with `size`) the shorter side resized
    /// to `size` and the central square kept. Not normalised.
    public static func prepared(_ image: Image, options: Options) throws -> Image {
        var image = options.colour == .grey ? image.toGrey() : image.toRGB()
        if let size = options.size {
            let scale = Double(size) / Double(min(image.height, image.width))
            let h = max(size, Int((Double(image.height) * scale).rounded())), w = max(size, Int((Double(image.width) * scale).rounded()))
            image = try Resize.resize(image, height: h, width: w)
            image = try image.centreCropped(height: size, width: size)
        }
        return image
    }

    /// The planar values [C, H, W] of a prepared image, normalised as the options say.
    public static func planar(_ image: Image, options: Options) -> [Float] {
        var chw = image.chw()
        if let mean = options.mean, let std = options.standardDeviation {
            let plane = image.height * image.width
            for c in 0..<image.channels { for i in 0..<plane { chw[c * plane + i] = (chw[c * plane + i] - mean[c]) / std[c] } }
        }
        return chw
    }

    // MARK: - Private

    private let cache: ImageCache

    private func prepare(_ index: Int) throws -> Image {
        try Self.prepared(ImageDecoder.read(files[index]), options: options)
    }
}

/// Batches of an `ImageFolder`, the next one prepared in the background while the current one is
/// used. Iterate with `next()` or `for batch in batches`; an error while preparing is thrown by
/// `next()` (a `for` loop stops at it: call `rethrowError()` afterwards, or use `next()`).
public final class PrefetchingBatches: Sequence, IteratorProtocol, @unchecked Sendable {
    private let chunks: [[Int]]
    private let make: @Sendable ([Int]) throws -> ImageFolder.Batch
    private var position = 0
    private var pending: (group: DispatchGroup, box: ResultBox)?
    private var failure: Error?

    init(chunks: [[Int]], make: @escaping @Sendable ([Int]) throws -> ImageFolder.Batch) {
        self.chunks = chunks
        self.make = make
        start(0)
    }

    public var count: Int { chunks.count }

    /// The next batch, or nil after the last; throws what preparing it threw.
    public func nextBatch() throws -> ImageFolder.Batch? {
        guard position < chunks.count, let (group, box) = pending else { return nil }
        group.wait()
        position += 1
        start(position)
        return try box.result!.get()
    }

    public func next() -> ImageFolder.Batch? {
        do { return try nextBatch() } catch {
            failure = error
            position = chunks.count
            return nil
        }
    }

    /// Throws the error that ended a `for` loop early, if any.
    public func rethrowError() throws { if let failure { throw failure } }

    private func start(_ index: Int) {
        guard index < chunks.count else { pending = nil; return }
        let group = DispatchGroup(), box = ResultBox(), rows = chunks[index], make = make
        DispatchQueue.global().async(group: group) { box.result = Result { try make(rows) } }
        pending = (group, box)
    }

    private final class ResultBox: @unchecked Sendable { var result: Result<ImageFolder.Batch, Error>? }
}

/// A least-recently-used cache of prepared images bounded in bytes (4 per value), thread safe.
final class ImageCache: @unchecked Sendable {
    private let capacity: Int
    private var entries: [Int: (image: Image, stamp: Int)] = [:]
    private var bytes = 0, clock = 0
    private let lock = NSLock()
    private(set) var decodes = 0

    init(capacityBytes: Int) { capacity = capacityBytes }

    func get(_ key: Int) -> Image? {
        lock.lock(); defer { lock.unlock() }
        guard let entry = entries[key] else { return nil }
        clock += 1
        entries[key] = (entry.image, clock)
        return entry.image
    }

    func put(_ key: Int, _ image: Image) {
        lock.lock(); defer { lock.unlock() }
        decodes += 1
        let size = image.pixels.count * 4
        guard size <= capacity, entries[key] == nil else { return }
        while bytes + size > capacity, let oldest = entries.min(by: { $0.value.stamp < $1.value.stamp }) {
            bytes -= oldest.value.image.pixels.count * 4
            entries[oldest.key] = nil
        }
        clock += 1
        entries[key] = (image, clock)
        bytes += size
    }
}

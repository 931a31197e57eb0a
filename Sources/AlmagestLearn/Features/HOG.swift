import AlmagestCore
import Foundation

/// Histograms of oriented gradients (HOG) of grey images, computed exactly as scikit-image 0.26's
/// `skimage.feature.hog` does for a single channel (with double-precision cell sums).
///
/// Reference: N. Dalal and B. Triggs, "Histograms of Oriented Gradients for Human Detection",
/// CVPR 2005. The steps: optional square root of the image (`transformSqrt`); centred gradients
/// (`I[r+1] - I[r-1]`, zero on the border rows/columns); magnitude `hypot(gCol, gRow)` and
/// orientation `atan2(gRow, gCol)` in degrees, floor-modulo 180; per cell of `pixelsPerCell`
/// pixels, the mean magnitude of the pixels whose orientation falls in each of `orientations`
/// equal bins of [0, 180) (hard assignment: bin i takes `w*i <= θ < w*(i+1)` with `w =
/// 180/orientations`, so a pixel on a boundary goes to the upper bin; no interpolation);
/// blocks of `cellsPerBlock` cells with a stride of one cell, each normalised with `blockNorm`
/// (eps = 1e-5). Features come in C order of (block row, block column, cell row in block, cell
/// column in block, orientation).
///
/// Precision: scikit-image accumulates each cell sum in single precision (`float32(sum + m)`
/// after every pixel), which moves its output by up to ~3e-8. `cellSums: .double` (the default)
/// keeps double sums; `cellSums: .single` repeats scikit-image's rounding and reproduces its
/// features to the last bits, e.g. to compare with models fitted on scikit-image features.
///
/// Orientation bins come from cross products with the bin edges instead of `atan2`, with the exact
/// `atan2` rule deciding whenever a gradient lies within 1e-10 (relative) of an edge, so the bins
/// are always scikit-image's.
///
/// Cost: O(h w o + B b o) per image for B blocks of b cells and o orientations; a batch runs in
/// parallel over images (deterministic: each image is computed independently). About 1.2 ms for
/// the 1797 digits on 2 cores.
///
/// ```swift
/// let hog = try HOG(orientations: 9, pixelsPerCell: .init(4), cellsPerBlock: .init(2), blockNorm: .l2Hys)
/// let length = try hog.featureCount(height: 8, width: 8)           // 36
/// let features = try hog.features(of: digits, height: 8, width: 8) // n x 36, one row per image
/// ```
public struct HOG: Codable, Sendable, Equatable {
    /// A size in (rows, columns): pixels per cell or cells per block.
    public struct Size: Codable, Sendable, Equatable, Hashable {
        public let rows: Int
        public let columns: Int
        public init(rows: Int, columns: Int) {
            self.rows = rows
            self.columns = columns
        }
        /// A square size.
        public init(_ side: Int) { self.init(rows: side, columns: side) }
    }

    /// How each block is normalised (scikit-image's `block_norm`), with `eps = HOG.epsilon`.
    public enum BlockNorm: String, Codable, Sendable, CaseIterable {
        /// `v / (Σ|v| + eps)`.
        case l1 = "L1"
        /// `sqrt(v / (Σ|v| + eps))`.
        case l1Sqrt = "L1-sqrt"
        /// `v / sqrt(Σv² + eps²)`.
        case l2 = "L2"
        /// L2, then clipping at 0.2, then L2 again (Lowe's SIFT normalisation).
        case l2Hys = "L2-Hys"
    }

    /// The precision of the per-cell magnitude sums.
    public enum CellSumPrecision: String, Codable, Sendable, CaseIterable {
        /// Double-precision sums (most accurate).
        case double
        /// Single-precision sums rounded after every pixel, as scikit-image 0.26.
        case single
    }

    /// Where the features of one image size come from: the cell grid and the block grid.
    public struct Layout: Sendable, Equatable {
        /// Cells down and across the image (`height / pixelsPerCell.rows`, floored).
        public let cells: Size
        /// Blocks down and across (`cells - cellsPerBlock + 1`).
        public let blocks: Size
        /// Features per image: `blocks.rows * blocks.columns * cellsPerBlock.rows * cellsPerBlock.columns * orientations`.
        public let featureCount: Int
    }

    /// The `eps` of scikit-image's block normalisations.
    public static let epsilon = 1e-5

    /// Number of orientation bins over [0, 180) degrees.
    public let orientations: Int
    /// Pixels per cell (rows, columns).
    public let pixelsPerCell: Size
    /// Cells per block (rows, columns).
    public let cellsPerBlock: Size
    /// Block normalisation.
    public let blockNorm: BlockNorm
    /// Takes the square root of every pixel first (gamma compression); pixels must then be ≥ 0.
    public let transformSqrt: Bool
    /// Precision of the cell sums (`.single` reproduces scikit-image's rounding).
    public let cellSums: CellSumPrecision

    /// A validated configuration; the defaults are scikit-image's (9, 8 x 8, 3 x 3, L2-Hys).
    public init(
        orientations: Int = 9, pixelsPerCell: Size = Size(8), cellsPerBlock: Size = Size(3),
        blockNorm: BlockNorm = .l2Hys, transformSqrt: Bool = false, cellSums: CellSumPrecision = .double
    ) throws {
        try require(orientations >= 1, "HOG orientations", orientations, expected: "at least 1")
        try require(
            pixelsPerCell.rows >= 1 && pixelsPerCell.columns >= 1, "HOG pixelsPerCell",
            "(\(pixelsPerCell.rows), \(pixelsPerCell.columns))", expected: "at least 1 pixel in each direction")
        try require(
            cellsPerBlock.rows >= 1 && cellsPerBlock.columns >= 1, "HOG cellsPerBlock",
            "(\(cellsPerBlock.rows), \(cellsPerBlock.columns))", expected: "at least 1 cell in each direction")
        self.orientations = orientations
        self.pixelsPerCell = pixelsPerCell
        self.cellsPerBlock = cellsPerBlock
        self.blockNorm = blockNorm
        self.transformSqrt = transformSqrt
        self.cellSums = cellSums
    }

    /// Decodes and validates like `init`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            orientations: c.decode(Int.self, forKey: .orientations),
            pixelsPerCell: c.decode(Size.self, forKey: .pixelsPerCell),
            cellsPerBlock: c.decode(Size.self, forKey: .cellsPerBlock),
            blockNorm: c.decode(BlockNorm.self, forKey: .blockNorm),
            transformSqrt: c.decode(Bool.self, forKey: .transformSqrt),
            cellSums: c.decodeIfPresent(CellSumPrecision.self, forKey: .cellSums) ?? .double)
    }

    /// The cell and block grids for images of `height x width` pixels; throws
    /// `FeatureError.imageTooSmall` when not even one block fits.
    public func layout(height: Int, width: Int) throws -> Layout {
        try require(height >= 1 && width >= 1, "image size", "\(height) x \(width)", expected: "at least 1 x 1 pixels")
        let cells = Size(rows: height / pixelsPerCell.rows, columns: width / pixelsPerCell.columns)
        guard cells.rows >= cellsPerBlock.rows, cells.columns >= cellsPerBlock.columns else {
            let neededRows = cellsPerBlock.rows * pixelsPerCell.rows
            let neededColumns = cellsPerBlock.columns * pixelsPerCell.columns
            throw FeatureError.imageTooSmall(
                method: "HOG", height: height, width: width,
                needed: "at least one block of \(neededRows) x \(neededColumns) pixels "
                    + "(\(cellsPerBlock.rows) x \(cellsPerBlock.columns) cells of "
                    + "\(pixelsPerCell.rows) x \(pixelsPerCell.columns) pixels)")
        }
        let blocks = Size(rows: cells.rows - cellsPerBlock.rows + 1, columns: cells.columns - cellsPerBlock.columns + 1)
        let count = blocks.rows * blocks.columns * cellsPerBlock.rows * cellsPerBlock.columns * orientations
        return Layout(cells: cells, blocks: blocks, featureCount: count)
    }

    /// Number of features for images of `height x width` pixels.
    public func featureCount(height: Int, width: Int) throws -> Int {
        try layout(height: height, width: width).featureCount
    }

    /// The HOG features of one image given as `height * width` pixel values, row after row.
    public func features(of image: [Double], height: Int, width: Int) throws -> [Double] {
        let batch = try Matrix(rows: 1, columns: image.count, elements: image)
        return try features(of: batch, height: height, width: width).elements
    }

    /// The HOG features of every row of `images` (n x height*width), one output row per image
    /// (n x featureCount), computed in parallel over images.
    public func features(of images: Matrix<Double>, height: Int, width: Int) throws -> Matrix<Double> {
        let layout = try layout(height: height, width: width)
        guard images.columns == height * width else {
            throw FeatureError.pixelCountMismatch(height: height, width: width, got: images.columns)
        }
        if let bad = images.firstNonFinite() {
            throw FitError.nonFinite(what: "HOG input", row: bad.row, column: bad.column, value: bad.value)
        }
        if transformSqrt, let bad = images.firstElement(outside: 0...Double.greatestFiniteMagnitude) {
            throw FeatureError.pixelOutOfRange(
                image: bad.row, pixel: bad.column, value: bad.value, expected: "a value ≥ 0 when transformSqrt is on")
        }
        let kernel = Kernel(configuration: self, layout: layout, height: height, width: width)
        return Self.run(kernel, on: images)
    }
}

// MARK: - Private

extension HOG {
    /// Images per parallel chunk (a chunk allocates its scratch buffers once).
    private static let chunkSize = 64

    private static func run(_ kernel: Kernel, on images: Matrix<Double>) -> Matrix<Double> {
        let n = images.rows, pixels = images.columns, f = kernel.layout.featureCount
        return Matrix(rows: n, columns: f) { out in
            guard n > 0 else { return }
            let output = SharedPointer(out.baseAddress!)
            images.withUnsafeBufferPointer { input in
                let source = SharedReadPointer(input.baseAddress!)
                Parallel.forEachChunk(count: n, chunkSize: chunkSize) { range, _ in
                    var scratch = Kernel.Scratch(kernel)
                    for i in range {
                        kernel.compute(image: source.base + i * pixels, into: output.base + i * f, scratch: &scratch)
                    }
                }
            }
        }
    }

    /// The per-image computation, with everything derived from the configuration and image size.
    struct Kernel: Sendable {
        let orientations: Int
        let cellRows: Int, cellColumns: Int
        let blockRows: Int, blockColumns: Int
        let blockNorm: BlockNorm
        let transformSqrt: Bool
        let singleSums: Bool
        let layout: Layout
        let height: Int, width: Int
        /// Bin width in degrees.
        let binWidth: Double
        /// Unit directions of the interior bin edges (`binWidth * i` degrees for i = 1 ..< orientations).
        let edgeCos: [Double], edgeSin: [Double]

        init(configuration c: HOG, layout: Layout, height: Int, width: Int) {
            orientations = c.orientations
            cellRows = c.pixelsPerCell.rows
            cellColumns = c.pixelsPerCell.columns
            blockRows = c.cellsPerBlock.rows
            blockColumns = c.cellsPerBlock.columns
            blockNorm = c.blockNorm
            transformSqrt = c.transformSqrt
            singleSums = c.cellSums == .single
            self.layout = layout
            self.height = height
            self.width = width
            binWidth = 180.0 / Double(c.orientations)
            let edges = (1..<Swift.max(c.orientations, 1)).map { Double($0) * (Double.pi / Double(c.orientations)) }
            edgeCos = edges.map { Foundation.cos($0) }
            edgeSin = edges.map { Foundation.sin($0) }
        }

        /// Buffers reused across the images of one chunk.
        struct Scratch {
            /// Cell histograms, (cell row, cell column, orientation).
            var histogram: [Double]
            /// The square-rooted image when `transformSqrt` is on.
            var image: [Double]
            init(_ k: Kernel) {
                histogram = [Double](repeating: 0, count: k.layout.cells.rows * k.layout.cells.columns * k.orientations)
                image = [Double](repeating: 0, count: k.transformSqrt ? k.height * k.width : 0)
            }
        }

        /// Orientation bin of a non-zero gradient, without `atan2` when the direction is clearly
        /// away from every bin edge: folded into the upper half-plane, its side of edge i is the sign
        /// of a cross product. Within a relative 1e-10 of an edge (or of 180 degrees) the exact
        /// computation decides, so the result always equals `exactBin`.
        @inline(__always)
        func bin(gRow: Double, gCol: Double, magnitude: Double) -> Int? {
            var u = gCol, v = gRow
            if v < 0 || (v == 0 && u < 0) {
                u = -u
                v = -v
            }
            let margin = 1e-10 * magnitude
            if v <= margin && u < 0 { return exactBin(gRow: gRow, gCol: gCol) }
            var b = 0
            for i in 0..<edgeCos.count {
                let cross = edgeCos[i] * v - edgeSin[i] * u   // |g| sin(angle - edge)
                if abs(cross) <= margin { return exactBin(gRow: gRow, gCol: gCol) }
                if cross < 0 { break }
                b = i + 1
            }
            return b
        }

        /// The bin as scikit-image computes it: θ = atan2 in degrees, floor-modulo 180, then the
        /// bin whose edges `binWidth * i <= θ < binWidth * (i + 1)` hold it (nil past the last edge).
        func exactBin(gRow: Double, gCol: Double) -> Int? {
            var theta = fmod(atan2(gRow, gCol) * (180.0 / Double.pi), 180.0)
            if theta < 0 { theta += 180 } else if theta == 0 { theta = 0 }
            return bin(of: theta)
        }

        /// Orientation bin of an angle in [0, 180), or nil when rounding put it past the last edge.
        /// The bin edges are `binWidth * i` as scikit-image computes them.
        @inline(__always)
        func bin(of theta: Double) -> Int? {
            var b = Swift.min(Int(theta / binWidth), orientations - 1)
            while b > 0 && theta < binWidth * Double(b) { b -= 1 }
            while b < orientations - 1 && theta >= binWidth * Double(b + 1) { b += 1 }
            return theta < binWidth * Double(b + 1) ? b : nil
        }

        func compute(image raw: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>, scratch: inout Scratch) {
            let h = height, w = width, o = orientations
            let cellsDown = layout.cells.rows, cellsAcross = layout.cells.columns
            scratch.image.withUnsafeMutableBufferPointer { sqrtImage in
                scratch.histogram.withUnsafeMutableBufferPointer { hist in
                    var image = raw
                    if transformSqrt {
                        for p in 0..<(h * w) { sqrtImage[p] = raw[p].squareRoot() }
                        image = UnsafePointer(sqrtImage.baseAddress!)
                    }
                    for k in 0..<hist.count { hist[k] = 0 }
                    // 1-3. Gradients, orientations and cell sums, in row-major pixel order so that
                    // every (cell, bin) sum adds its pixels in the same order as scikit-image.
                    for r in 0..<(cellsDown * cellRows) {
                        let cellRowBase = (r / cellRows) * cellsAcross
                        let rowInterior = r > 0 && r < h - 1
                        for c in 0..<(cellsAcross * cellColumns) {
                            let gRow = rowInterior ? image[(r + 1) * w + c] - image[(r - 1) * w + c] : 0
                            let gCol = c > 0 && c < w - 1 ? image[r * w + c + 1] - image[r * w + c - 1] : 0
                            // A flat pixel adds 0 to bin 0: nothing to do (the sums stay bit-identical).
                            if gRow == 0 && gCol == 0 { continue }
                            let magnitude = hypot(gCol, gRow)
                            guard let b = bin(gRow: gRow, gCol: gCol, magnitude: magnitude) else { continue }
                            let k = (cellRowBase + c / cellColumns) * o + b
                            // In single precision the running sum is a float: widen, add, round.
                            hist[k] = singleSums ? Double(Float(hist[k] + magnitude)) : hist[k] + magnitude
                        }
                    }
                    if singleSums {
                        let area = Float(cellRows * cellColumns)
                        for k in 0..<hist.count { hist[k] = Double(Float(hist[k]) / area) }
                    } else {
                        let area = Double(cellRows * cellColumns)
                        for k in 0..<hist.count { hist[k] /= area }
                    }
                    // 4-5. Blocks, normalised, in (block row, block column, cell row, cell column, bin) order.
                    let blockLength = blockRows * blockColumns * o
                    var write = out
                    for br in 0..<layout.blocks.rows {
                        for bc in 0..<layout.blocks.columns {
                            var k = 0
                            for cr in 0..<blockRows {
                                for cc in 0..<blockColumns {
                                    let base = ((br + cr) * cellsAcross + bc + cc) * o
                                    for b in 0..<o { write[k + b] = hist[base + b] }
                                    k += o
                                }
                            }
                            normalise(write, count: blockLength)
                            write += blockLength
                        }
                    }
                }
            }
        }

        @inline(__always)
        private func normalise(_ v: UnsafeMutablePointer<Double>, count n: Int) {
            let eps = HOG.epsilon
            switch blockNorm {
            case .l1, .l1Sqrt:
                var s = 0.0
                for i in 0..<n { s += abs(v[i]) }
                let d = s + eps
                for i in 0..<n { v[i] /= d }
                if blockNorm == .l1Sqrt { for i in 0..<n { v[i] = v[i].squareRoot() } }
            case .l2:
                scale(v, count: n)
            case .l2Hys:
                scale(v, count: n)
                for i in 0..<n where v[i] > 0.2 { v[i] = 0.2 }
                scale(v, count: n)
            }
        }

        /// `v / sqrt(Σv² + eps²)`.
        @inline(__always)
        private func scale(_ v: UnsafeMutablePointer<Double>, count n: Int) {
            var s = 0.0
            for i in 0..<n { s += v[i] * v[i] }
            let d = (s + HOG.epsilon * HOG.epsilon).squareRoot()
            for i in 0..<n { v[i] /= d }
        }
    }
}

import AlmagestCore
import Foundation

/// Reads IDX files, the format of the MNIST digits: a big-endian header (two zero bytes, a type
/// byte, a dimension count, one 32-bit size per dimension) followed by the values in C order.
///
/// Images are magic 0x00000803 (unsigned bytes, n x rows x columns) and become an
/// n x (rows·columns) matrix, optionally scaled from 0...255 to [0, 1]; labels are magic 0x00000801
/// (unsigned bytes, n) and become `[Int]`. Files may be gzip'd. A `rows` range reads only those
/// samples (e.g. `100..<350`). Wrong magic, a wrong dimension count, and data shorter or longer than
/// the header declares are `DataError`s. Reference: LeCun, Cortes & Burges, "The MNIST database".
/// Cost O(bytes) to inflate, O(selected values) to convert.
///
/// ```swift
/// let x = try IDX.readImages(from: URL(fileURLWithPath: "t10k-images-idx3-ubyte.gz"), rows: 100..<350, scaledToUnit: true)
/// let y = try IDX.readLabels(from: URL(fileURLWithPath: "t10k-labels-idx1-ubyte.gz"), rows: 100..<350)
/// ```
public enum IDX {
    /// The parsed header of an IDX file.
    public struct Header: Sendable, Equatable {
        /// The type byte (0x08 for unsigned bytes).
        public var typeCode: UInt8
        /// The size of each dimension.
        public var dimensions: [Int]
        /// The byte offset of the first value.
        public var dataOffset: Int

        /// The magic number as a 32-bit value, e.g. 0x00000803.
        public var magic: UInt32 { UInt32(typeCode) << 8 | UInt32(dimensions.count) }
    }

    /// Reads an images file (magic 0x00000803) as an n x (rows·columns) matrix.
    public static func readImages(from url: URL, rows: Range<Int>? = nil, scaledToUnit: Bool = false) throws -> Matrix<Double> {
        try readImages(readFile(url), source: url.path, rows: rows, scaledToUnit: scaledToUnit)
    }

    /// Reads images from IDX bytes (gzip'd or not).
    public static func readImages(_ data: Data, source: String = "IDX data", rows: Range<Int>? = nil, scaledToUnit: Bool = false)
        throws -> Matrix<Double>
    {
        let bytes = [UInt8](try Gzip.decompressIfNeeded(data, source: source))
        let header = try parseHeader(bytes, source: source, expectedDimensions: 3)
        let n = header.dimensions[0], width = header.dimensions[1] * header.dimensions[2]
        let range = try checked(rows, count: n, source: source)
        let divisor = scaledToUnit ? 255.0 : 1.0
        let start = header.dataOffset + range.lowerBound * width
        return Matrix(rows: range.count, columns: width) { (out: UnsafeMutableBufferPointer<Double>) in
            bytes.withUnsafeBufferPointer { p in
                for k in 0..<out.count { out[k] = Double(p[start + k]) / divisor }
            }
        }
    }

    /// Reads a labels file (magic 0x00000801).
    public static func readLabels(from url: URL, rows: Range<Int>? = nil) throws -> [Int] {
        try readLabels(readFile(url), source: url.path, rows: rows)
    }

    /// Reads labels from IDX bytes (gzip'd or not).
    public static func readLabels(_ data: Data, source: String = "IDX data", rows: Range<Int>? = nil) throws -> [Int] {
        let bytes = [UInt8](try Gzip.decompressIfNeeded(data, source: source))
        let header = try parseHeader(bytes, source: source, expectedDimensions: 1)
        let range = try checked(rows, count: header.dimensions[0], source: source)
        let start = header.dataOffset + range.lowerBound
        return bytes[start..<start + range.count].map { Int($0) }
    }

    /// Images and, when given, their labels as a data set (pixels 0...255 or scaled to [0, 1]).
    public static func readDataset(images: URL, labels: URL? = nil, rows: Range<Int>? = nil, scaledToUnit: Bool = false) throws
        -> Dataset
    {
        let x = try readImages(from: images, rows: rows, scaledToUnit: scaledToUnit)
        let y = try labels.map { try readLabels(from: $0, rows: rows) }
        if let y, y.count != x.rows {
            throw DataError.invalidDataset(reason: "\(labels!.path) has \(y.count) labels for the \(x.rows) images of \(images.path)")
        }
        let side = Int(Double(x.columns).squareRoot())
        let names =
            side * side == x.columns
            ? (0..<side).flatMap { r in (0..<side).map { c in "pixel_\(r)_\(c)" } } : Dataset.defaultFeatureNames(count: x.columns)
        return try Dataset(features: x, labels: y, featureNames: names, provenance: Dataset.Provenance(source: images.path))
    }

    /// Parses and checks the header: zero bytes, unsigned-byte type, `expectedDimensions`, and a
    /// data size equal to the product of the dimensions.
    public static func parseHeader(_ bytes: [UInt8], source: String, expectedDimensions: Int) throws -> Header {
        let expectedMagic = String(format: "0x%08X", 0x0800 | expectedDimensions)
        guard bytes.count >= 4 else {
            throw DataError.malformed(source: source, reason: "the IDX header is truncated: \(bytes.count) bytes, expected at least 4")
        }
        let magic = UInt32(bytes[0]) << 24 | UInt32(bytes[1]) << 16 | UInt32(bytes[2]) << 8 | UInt32(bytes[3])
        guard bytes[0] == 0, bytes[1] == 0, bytes[2] == 0x08, Int(bytes[3]) == expectedDimensions else {
            throw DataError.malformed(
                source: source,
                reason: "wrong IDX magic \(String(format: "0x%08X", magic)), expected \(expectedMagic) (unsigned bytes, \(expectedDimensions) dimension\(expectedDimensions == 1 ? "" : "s"))")
        }
        let offset = 4 + 4 * expectedDimensions
        guard bytes.count >= offset else {
            throw DataError.malformed(source: source, reason: "the IDX header is truncated: \(bytes.count) bytes, expected \(offset)")
        }
        var dimensions = [Int]()
        var total = 1
        for d in 0..<expectedDimensions {
            let b = 4 + 4 * d
            let size = Int(bytes[b]) << 24 | Int(bytes[b + 1]) << 16 | Int(bytes[b + 2]) << 8 | Int(bytes[b + 3])
            dimensions.append(size)
            let (product, overflow) = total.multipliedReportingOverflow(by: size)
            guard !overflow, product <= bytes.count else {
                throw DataError.malformed(
                    source: source, reason: "the IDX data is truncated: dimensions \(dimensions) need more bytes than the file's \(bytes.count)")
            }
            total = product
        }
        let available = bytes.count - offset
        guard available == total else {
            let what = available < total ? "truncated" : "longer than its header says"
            throw DataError.malformed(
                source: source,
                reason: "the IDX data is \(what): dimensions \(dimensions) need \(total) bytes after the header, the file has \(available)")
        }
        return Header(typeCode: 0x08, dimensions: dimensions, dataOffset: offset)
    }

    // MARK: - Private

    private static func checked(_ rows: Range<Int>?, count: Int, source: String) throws -> Range<Int> {
        guard let rows else { return 0..<count }
        guard rows.lowerBound >= 0, rows.upperBound <= count else {
            throw DataError.rowsOutOfRange(source: source, requested: rows, available: count)
        }
        return rows
    }
}

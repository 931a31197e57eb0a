import AlmagestCore
import Foundation

/// The image array of a primary or `IMAGE` HDU, decoded to physical values.
///
/// Every `BITPIX` is read: 8 (unsigned bytes), 16, 32 and 64 (signed big-endian integers), -32 and
/// -64 (IEEE floats). Physical values are `BZERO + BSCALE * stored` (FITS 4.0, section 5.3), which
/// also covers the unsigned-integer convention (BITPIX 16 with BZERO = 32768, 32 with 2^31, 64 with
/// 2^63; the last is added in integers, so unsigned 64-bit values are as exact as `Scalar` allows)
/// and the signed-byte one (BITPIX 8 with BZERO = -128). An integer equal to `BLANK` becomes NaN.
/// Values are in FITS order: `NAXIS1` varies fastest, so a 2-D image is a `NAXIS2 x NAXIS1`
/// row-major matrix (`matrix()`). Cost O(pixels), parallel over chunks from 2^20 pixels on (do not
/// call it from inside another parallel loop for such images).
///
/// ```swift
/// let image = try FITSFile(contentsOf: url).hdus[0].image()     // FITSImage<Double>
/// let pixels = try image.matrix()                                 // NAXIS2 x NAXIS1
/// let small = try hdu.image(as: Float.self)
/// ```
public struct FITSImage<Scalar: MatrixScalar>: Sendable, Equatable {
    /// `NAXIS1...NAXISn`, fastest-varying first (empty for an HDU without data).
    public let axes: [Int]
    /// The physical values, `NAXIS1` fastest.
    public let values: [Scalar]

    public init(axes: [Int], values: [Scalar]) {
        self.axes = axes
        self.values = values
    }

    /// A 2-D image as a `NAXIS2 x NAXIS1` matrix (a 1-D one as a single row); more axes are an error.
    public func matrix() throws -> Matrix<Scalar> {
        switch axes.count {
        case 1: return try Matrix(rows: 1, columns: axes[0], elements: values)
        case 2: return try Matrix(rows: axes[1], columns: axes[0], elements: values)
        default:
            throw DataError.unsupported(source: "FITS image", feature: "a matrix of an image with \(axes.count) axes \(axes) (expected 1 or 2)")
        }
    }
}

extension FITSHDU {
    /// Decodes this HDU's image (the primary or an `IMAGE` extension) to physical values.
    public func image<Scalar: MatrixScalar>(as type: Scalar.Type = Double.self) throws -> FITSImage<Scalar> {
        guard kind == .primary || kind == .image else {
            throw error("is a \(kind) extension, not an image; read a table with binaryTable() or asciiTable()", card: "XTENSION")
        }
        if index == 0 && header.logical("GROUPS") == true && axes.first == 0 {
            throw DataError.unsupported(source: source, feature: "random groups in \(label)")
        }
        guard let storage = FITSBigEndian.Storage(bitpix: bitpix) else { throw error("unknown BITPIX \(bitpix)", card: "BITPIX") }
        let scale = header.real("BSCALE") ?? 1
        let zero = header.real("BZERO") ?? 0
        guard scale.isFinite, zero.isFinite else { throw error("BSCALE and BZERO must be finite numbers", card: "BSCALE") }
        let null: Int64?
        if let blank = header.card("BLANK"), storage.isInteger {
            guard case let .integer(v)? = blank.value else { throw error("BLANK must be an integer", card: "BLANK") }
            null = Int64(v)
        } else {
            null = nil
        }
        let shape = axes
        let count = shape.isEmpty ? 0 : shape.reduce(1, *)
        guard count * storage.byteWidth <= data.count else {
            throw error("the image needs \(count * storage.byteWidth) bytes but the data part has \(data.count)", card: "NAXIS")
        }
        let values = [Scalar](unsafeUninitializedCapacity: count) { out, initialized in
            guard count > 0 else { return }
            data.withUnsafeBytes { bytes in
                FITSBigEndian.decode(
                    bytes, offset: 0, stride: storage.byteWidth, count: count, storage: storage, scale: scale, zero: zero,
                    null: null, threads: count >= 1 << 20 ? Parallel.threads : 1, into: out.baseAddress!)
            }
            initialized = count
        }
        return FITSImage(axes: shape, values: values)
    }
}

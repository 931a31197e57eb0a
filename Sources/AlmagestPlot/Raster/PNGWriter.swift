import CZlib
import Foundation

/// Encodes RGBA 8-bit images as PNG files (ISO/IEC 15948): signature, IHDR, one zlib-compressed
/// IDAT (filter "Sub" on every row, which suits flat-coloured charts), IEND, each chunk with its CRC-32.
///
/// Cost: O(width x height) plus zlib's deflate at level 6.
///
/// ```swift
/// let data = try PNGWriter.encode(width: 2, height: 1, rgba: [255, 0, 0, 255, 0, 0, 255, 255])
/// try data.write(to: URL(fileURLWithPath: "/tmp/two-pixels.png"))
/// ```
public enum PNGWriter {
    /// The eight bytes every PNG file starts with.
    public static let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]

    /// PNG bytes of an image given as row-major RGBA (4 bytes per pixel, not premultiplied).
    public static func encode(width: Int, height: Int, rgba: [UInt8]) throws -> Data {
        guard width > 0, height > 0, width <= 1 << 24, height <= 1 << 24 else {
            throw PlotError.invalidParameter(
                name: "image size", value: "\(width)x\(height)", expected: "positive sizes up to 16777216")
        }
        guard rgba.count == 4 * width * height else {
            throw PlotError.lengthMismatch(
                what: "RGBA pixel data", got: rgba.count, expected: 4 * width * height, reference: "4 x width x height")
        }
        var header: [UInt8] = []
        appendBigEndian(UInt32(width), to: &header)
        appendBigEndian(UInt32(height), to: &header)
        header += [8, 6, 0, 0, 0]  // bit depth 8, colour type RGBA, deflate, adaptive filtering, no interlace

        var file = signature
        appendChunk("IHDR", header, to: &file)
        appendChunk("IDAT", try deflate(filteredRows(width: width, height: height, rgba: rgba)), to: &file)
        appendChunk("IEND", [], to: &file)
        return Data(file)
    }

    /// PNG bytes of a bitmap.
    public static func encode(_ bitmap: Bitmap) throws -> Data {
        try encode(width: bitmap.width, height: bitmap.height, rgba: bitmap.rgba)
    }

    /// The CRC-32 that PNG chunks carry, over `bytes` (zlib's `crc32`).
    public static func crc(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
    }

    // MARK: - Private

    /// Each row prefixed by filter type 1 (Sub): every byte minus the byte one pixel to the left.
    private static func filteredRows(width: Int, height: Int, rgba: [UInt8]) -> [UInt8] {
        let stride = 4 * width
        var out = [UInt8](repeating: 0, count: height * (stride + 1))
        for y in 0..<height {
            let src = y * stride, dst = y * (stride + 1)
            out[dst] = 1
            for i in 0..<stride {
                let left: UInt8 = i >= 4 ? rgba[src + i - 4] : 0
                out[dst + 1 + i] = rgba[src + i] &- left
            }
        }
        return out
    }

    private static func deflate(_ bytes: [UInt8]) throws -> [UInt8] {
        var bound = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(bound))
        let status = out.withUnsafeMutableBufferPointer { dst in
            bytes.withUnsafeBufferPointer { src in
                compress2(dst.baseAddress, &bound, src.baseAddress, uLong(src.count), 6)
            }
        }
        guard status == Z_OK else { throw PlotError.encodingFailed(reason: "zlib compress2 returned \(status)") }
        return Array(out.prefix(Int(bound)))
    }

    private static func appendChunk(_ type: String, _ payload: [UInt8], to file: inout [UInt8]) {
        appendBigEndian(UInt32(payload.count), to: &file)
        let typed = Array(type.utf8) + payload
        file += typed
        appendBigEndian(crc(typed), to: &file)
    }

    private static func appendBigEndian(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }
}

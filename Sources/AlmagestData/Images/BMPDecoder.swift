import Foundation

/// Decodes Windows bitmaps (BMP): BITMAPINFOHEADER and its V4/V5 extensions, uncompressed 8-bit
/// palette, 24-bit BGR and 32-bit BGRA (BI_RGB, or BI_BITFIELDS with the usual masks), rows stored
/// bottom-up (positive height) or top-down (negative height), rows padded to 4 bytes. Grey palettes
/// give 1 channel, other palettes 3; 24-bit gives RGB, 32-bit RGBA when the alpha mask is present
/// (BITFIELDS with an alpha mask, as Pillow writes RGBA), otherwise RGB. RLE compression is not
/// read (an `unsupported` error). Reference: Microsoft, "Bitmap storage" (BITMAPINFOHEADER).
///
/// Cost: O(pixels).
///
/// ```swift
/// let image = try BMPDecoder.decode(Array(try Data(contentsOf: url)), source: url.path)
/// ```
public enum BMPDecoder {
    public static func decode(_ bytes: [UInt8], source: String) throws -> Image {
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        func u32(_ o: Int) -> UInt32 {
            UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
        }
        guard bytes.count >= 54, bytes[0] == 0x42, bytes[1] == 0x4D else {
            throw DataError.malformed(source: source, reason: "BMP header truncated (\(bytes.count) bytes, expected at least 54)")
        }
        let dataOffset = Int(u32(10))
        let headerSize = Int(u32(14))
        guard headerSize >= 40, 14 + headerSize <= bytes.count else {
            throw DataError.unsupported(source: source, feature: "a BMP info header of \(headerSize) bytes (expected 40 or more)")
        }
        let width = Int(Int32(bitPattern: u32(18)))
        let rawHeight = Int(Int32(bitPattern: u32(22)))
        let bits = u16(28)
        let compression = u32(30)
        let topDown = rawHeight < 0
        let height = abs(rawHeight)
        guard width > 0, height > 0, width <= 1 << 16, height <= 1 << 16 else {
            throw DataError.malformed(source: source, reason: "BMP size \(width) x \(rawHeight) is not a valid image size")
        }
        guard [8, 24, 32].contains(bits) else {
            throw DataError.unsupported(source: source, feature: "\(bits)-bit BMP (8, 24 and 32 are read)")
        }
        guard compression == 0 || (compression == 3 && bits == 32) else {
            throw DataError.unsupported(source: source, feature: "BMP compression \(compression) (only uncompressed and 32-bit bitfields are read)")
        }
        var alphaMask: UInt32 = 0
        if compression == 3 {
            // Masks follow the 40-byte header (inside V4/V5 headers, or as 3-4 extra fields).
            guard 54 + 12 <= bytes.count else {
                throw DataError.malformed(source: source, reason: "BMP bitfield masks truncated")
            }
            let (r, g, b) = (u32(54), u32(58), u32(62))
            guard r == 0x00FF_0000, g == 0x0000_FF00, b == 0x0000_00FF else {
                throw DataError.unsupported(source: source, feature: "BMP bitfield masks other than 8-bit BGRA")
            }
            if 54 + 16 <= bytes.count, headerSize >= 56 || dataOffset >= 54 + 16 { alphaMask = u32(66) }
        }
        var palette: [[UInt8]] = []
        if bits == 8 {
            var colours = Int(u32(46))
            if colours == 0 { colours = 256 }
            let start = 14 + headerSize
            guard colours <= 256, start + colours * 4 <= bytes.count else {
                throw DataError.malformed(source: source, reason: "BMP palette of \(colours) colours truncated")
            }
            palette = (0..<colours).map { i in
                [bytes[start + 4 * i + 2], bytes[start + 4 * i + 1], bytes[start + 4 * i]]
            }
        }
        let stride = ((width * bits + 31) / 32) * 4
        guard dataOffset >= 14 + headerSize, dataOffset + stride * height <= bytes.count else {
            throw DataError.malformed(
                source: source,
                reason: "BMP pixel data truncated: \(bytes.count) bytes, expected \(dataOffset + stride * height)")
        }
        let grey = bits == 8 && palette.allSatisfy { $0[0] == $0[1] && $0[1] == $0[2] }
        let channels = bits == 8 ? (grey ? 1 : 3) : (bits == 32 && alphaMask == 0xFF00_0000 ? 4 : 3)
        var pixels = [Float](repeating: 0, count: width * height * channels)
        for row in 0..<height {
            let y = topDown ? row : height - 1 - row
            let line = dataOffset + row * stride
            for x in 0..<width {
                let out = (y * width + x) * channels
                switch bits {
                case 8:
                    let index = Int(bytes[line + x])
                    guard index < palette.count else {
                        throw DataError.malformed(source: source, reason: "BMP pixel (\(x), \(y)) uses colour \(index) of a \(palette.count)-colour palette")
                    }
                    for c in 0..<channels { pixels[out + c] = Float(palette[index][c]) / 255 }
                default:
                    let p = line + x * (bits / 8)
                    pixels[out] = Float(bytes[p + 2]) / 255
                    pixels[out + 1] = Float(bytes[p + 1]) / 255
                    pixels[out + 2] = Float(bytes[p]) / 255
                    if channels == 4 { pixels[out + 3] = Float(bytes[p + 3]) / 255 }
                }
            }
        }
        return try Image(height: height, width: width, channels: channels, pixels: pixels)
    }
}

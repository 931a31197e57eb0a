import AlmagestData
import Foundation

/// The pixels of a PNG as Chromium's screenshots write it (8-bit RGB or RGBA, not interlaced),
/// decoded so a test can look at what the browser actually painted.
struct PNGPixels {
    let width: Int
    let height: Int
    /// RGBA, row by row.
    let rgba: [UInt8]

    init(_ data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count > 33, bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) else {
            throw TestFailure("not a PNG file")
        }
        func u32(_ at: Int) -> Int { bytes[at..<at + 4].reduce(0) { $0 << 8 | Int($1) } }
        var offset = 8, width = 0, height = 0, channels = 0, compressed = Data()
        while offset + 8 <= bytes.count {
            let length = u32(offset), type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            let body = offset + 8
            guard body + length <= bytes.count else { throw TestFailure("truncated PNG chunk \(type)") }
            switch type {
            case "IHDR":
                width = u32(body)
                height = u32(body + 4)
                guard bytes[body + 8] == 8, [2, 6].contains(bytes[body + 9]), bytes[body + 12] == 0 else {
                    throw TestFailure("PNG colour type \(bytes[body + 9]) depth \(bytes[body + 8]) not decoded here")
                }
                channels = bytes[body + 9] == 6 ? 4 : 3
            case "IDAT": compressed.append(contentsOf: bytes[body..<body + length])
            default: break
            }
            offset = body + length + 4
        }
        let raw = [UInt8](try Gzip.decompress(compressed, source: "PNG"))
        let stride = width * channels
        guard width > 0, raw.count == height * (stride + 1) else { throw TestFailure("PNG image data has the wrong size") }
        var pixels = [UInt8](repeating: 0, count: height * stride)
        for row in 0..<height {
            let filter = raw[row * (stride + 1)], source = row * (stride + 1) + 1, target = row * stride
            for i in 0..<stride {
                let a = i >= channels ? Int(pixels[target + i - channels]) : 0
                let b = row > 0 ? Int(pixels[target - stride + i]) : 0
                let c = row > 0 && i >= channels ? Int(pixels[target - stride + i - channels]) : 0
                let x = Int(raw[source + i])
                let value: Int
                switch filter {
                case 0: value = x
                case 1: value = x + a
                case 2: value = x + b
                case 3: value = x + (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    value = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)
                default: throw TestFailure("unknown PNG filter \(filter)")
                }
                pixels[target + i] = UInt8(truncatingIfNeeded: value)
            }
        }
        self.width = width
        self.height = height
        if channels == 4 {
            rgba = pixels
        } else {
            var out = [UInt8](repeating: 255, count: 4 * width * height)
            for i in 0..<width * height {
                out[4 * i] = pixels[3 * i]
                out[4 * i + 1] = pixels[3 * i + 1]
                out[4 * i + 2] = pixels[3 * i + 2]
            }
            rgba = out
        }
    }

    /// How many opaque pixels have exactly the colour `#rrggbb`.
    func count(hex: String) -> Int {
        let digits = Array(hex.dropFirst()).map { Int(String($0), radix: 16)! }
        let (r, g, b) = (UInt8(digits[0] * 16 + digits[1]), UInt8(digits[2] * 16 + digits[3]), UInt8(digits[4] * 16 + digits[5]))
        var n = 0
        for i in 0..<width * height where rgba[4 * i] == r && rgba[4 * i + 1] == g && rgba[4 * i + 2] == b && rgba[4 * i + 3] == 255 {
            n += 1
        }
        return n
    }
}

import CZlib
import Foundation

/// A minimal PNG reader for the tests: checks the signature and every chunk's CRC, reads IHDR,
/// inflates the IDAT stream with zlib and undoes the five row filters (RGBA 8-bit, no interlace).
struct DecodedPNG {
    let width: Int
    let height: Int
    let rgba: [UInt8]
    let chunkTypes: [String]

    func pixel(_ x: Int, _ y: Int) -> [UInt8] {
        let i = 4 * (y * width + x)
        return Array(rgba[i..<(i + 4)])
    }

    enum Failure: Error { case signature, crc(String), header, inflate(Int32), filter(UInt8), truncated }

    init(_ data: Data) throws {
        let bytes = [UInt8](data)
        guard bytes.count > 8, Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
            throw Failure.signature
        }
        var offset = 8, types: [String] = [], idat: [UInt8] = []
        var width = 0, height = 0
        func be32(_ at: Int) -> Int { Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3]) }
        while offset + 12 <= bytes.count {
            let length = be32(offset)
            guard offset + 12 + length <= bytes.count else { throw Failure.truncated }
            let typed = Array(bytes[(offset + 4)..<(offset + 8 + length)])
            let type = String(decoding: typed[0..<4], as: UTF8.self)
            let stored = UInt32(be32(offset + 8 + length))
            let computed = typed.withUnsafeBufferPointer { UInt32(crc32(0, $0.baseAddress, uInt($0.count))) }
            guard stored == computed else { throw Failure.crc(type) }
            types.append(type)
            let payload = Array(typed[4...])
            if type == "IHDR" {
                guard payload.count == 13, payload[8] == 8, payload[9] == 6 else { throw Failure.header }
                width = Int(payload[0]) << 24 | Int(payload[1]) << 16 | Int(payload[2]) << 8 | Int(payload[3])
                height = Int(payload[4]) << 24 | Int(payload[5]) << 16 | Int(payload[6]) << 8 | Int(payload[7])
            } else if type == "IDAT" {
                idat += payload
            }
            offset += 12 + length
        }
        guard width > 0, height > 0 else { throw Failure.header }
        let stride = 4 * width
        var raw = [UInt8](repeating: 0, count: height * (stride + 1))
        var rawCount = uLongf(raw.count)
        let status = raw.withUnsafeMutableBufferPointer { dst in
            idat.withUnsafeBufferPointer { src in uncompress(dst.baseAddress, &rawCount, src.baseAddress, uLong(src.count)) }
        }
        guard status == Z_OK, Int(rawCount) == raw.count else { throw Failure.inflate(status) }
        var out = [UInt8](repeating: 0, count: height * stride)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            for i in 0..<stride {
                let v = raw[y * (stride + 1) + 1 + i]
                let a = i >= 4 ? Int(out[y * stride + i - 4]) : 0
                let b = y > 0 ? Int(out[(y - 1) * stride + i]) : 0
                let c = i >= 4 && y > 0 ? Int(out[(y - 1) * stride + i - 4]) : 0
                let predictor: Int
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: throw Failure.filter(filter)
                }
                out[y * stride + i] = v &+ UInt8(predictor & 0xFF)
            }
        }
        self.width = width
        self.height = height
        self.rgba = out
        self.chunkTypes = types
    }
}

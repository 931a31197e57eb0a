import CZlib
import Foundation

/// gzip (RFC 1952) and zlib (RFC 1950) streams through the system zlib.
///
/// `decompress` inflates gzip or zlib data (detected from the header, concatenated gzip members
/// included); `compress` writes gzip. Cost O(n). Readers call `Gzip.decompressIfNeeded` so that
/// `.gz` files and plain files go through the same code.
///
/// ```swift
/// let text = try Gzip.decompress(Data(contentsOf: url))
/// let packed = try Gzip.compress(text)
/// ```
public enum Gzip {
    /// True when `data` starts with the gzip magic bytes 1f 8b.
    public static func isGzip(_ data: Data) -> Bool {
        data.count >= 2 && data[data.startIndex] == 0x1f && data[data.startIndex + 1] == 0x8b
    }

    /// Inflates gzip data when it has the gzip magic; returns other data unchanged.
    /// Whether the file at `url` starts with the gzip magic bytes (false when it cannot be read).
    public static func isGzip(_ url: URL) -> Bool {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return false }
        defer { try? handle.close() }
        return isGzip((try? handle.read(upToCount: 2)) ?? Data())
    }

    public static func decompressIfNeeded(_ data: Data, source: String = "data") throws -> Data {
        isGzip(data) ? try decompress(data, source: source) : data
    }

    /// Inflates gzip or zlib data; throws `DataError.malformed` on a corrupt or truncated stream.
    public static func decompress(_ data: Data, source: String = "data") throws -> Data {
        guard !data.isEmpty else { throw DataError.malformed(source: source, reason: "empty compressed stream") }
        var stream = z_stream()
        // 15 + 32: detect gzip or zlib header automatically.
        var status = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw DataError.malformed(source: source, reason: "zlib inflateInit2 failed (\(status))") }
        defer { inflateEnd(&stream) }
        var output = Data()
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk)
        try data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            let base = input.bindMemory(to: Bytef.self).baseAddress!
            var offset = 0
            stream.next_in = UnsafeMutablePointer(mutating: base)
            stream.avail_in = uInt(input.count)
            while true {
                let produced: Int = buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(chunk)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return chunk - Int(stream.avail_out)
                }
                output.append(contentsOf: buffer[0..<produced])
                if status == Z_STREAM_END {
                    // Another gzip member may follow (as `cat a.gz b.gz` makes).
                    offset = input.count - Int(stream.avail_in)
                    if offset < input.count, input[offset] == 0x1f {
                        inflateReset(&stream)
                        continue
                    }
                    break
                }
                guard status == Z_OK || status == Z_BUF_ERROR else {
                    let message = stream.msg.map { String(cString: $0) } ?? "code \(status)"
                    throw DataError.malformed(source: source, reason: "corrupt compressed stream: \(message)")
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 {
                    throw DataError.malformed(source: source, reason: "compressed stream is truncated")
                }
            }
        }
        return output
    }

    /// Deflates `data` into a gzip stream (compression level 1...9, default 6).
    public static func compress(_ data: Data, level: Int32 = 6) throws -> Data {
        var stream = z_stream()
        // 15 + 16: write a gzip header and trailer.
        let status = deflateInit2_(
            &stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw DataError.malformed(source: "gzip writer", reason: "deflateInit2 failed (\(status))") }
        defer { deflateEnd(&stream) }
        var output = Data()
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk)
        data.withUnsafeBytes { (input: UnsafeRawBufferPointer) in
            stream.next_in = UnsafeMutablePointer(mutating: input.bindMemory(to: Bytef.self).baseAddress)
            stream.avail_in = uInt(input.count)
            var code: Int32 = Z_OK
            repeat {
                let produced: Int = buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = uInt(chunk)
                    code = deflate(&stream, Z_FINISH)
                    return chunk - Int(stream.avail_out)
                }
                output.append(contentsOf: buffer[0..<produced])
            } while code == Z_OK || (code == Z_BUF_ERROR && stream.avail_out == 0)
        }
        return output
    }
}

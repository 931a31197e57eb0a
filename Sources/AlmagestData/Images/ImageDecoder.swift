import AlmagestCore
import CImageCodecs
import Foundation

/// Reads PNG (8- and 16-bit; grey, grey + alpha, RGB, RGBA, palette; interlaced or not), JPEG
/// (baseline and progressive; grey or colour) and BMP (see `BMPDecoder`) into an `Image` with
/// values in [0, 1]: an 8-bit sample v becomes Float(v) / 255, a 16-bit one Float(v) / 65535.
/// The format is recognised by its first bytes, not by the file name. PNG goes through libpng
/// and JPEG through libjpeg-turbo (Debian's libpng-dev and libjpeg62-turbo-dev), both behind a
/// small C shim (module CImageCodecs) that turns their errors into a status: a corrupt or
/// truncated file is a `DataError.malformed` naming the file, never a crash. Palette images
/// become RGB (RGBA with transparency), grey with alpha becomes RGBA.
///
/// Cost: the decoder's, O(pixels); `readAll` decodes files in parallel.
///
/// ```swift
/// let image = try ImageDecoder.read(URL(fileURLWithPath: "cell.png"))
/// let batch = try ImageDecoder.readAll(urls)   // in parallel, same order
/// ```
public enum ImageDecoder {
    public enum Format: String, Sendable, Codable { case png, jpeg, bmp }

    /// The format recognised from the first bytes, nil when none is.
    public static func format(of bytes: some Collection<UInt8>) -> Format? {
        let head = Array(bytes.prefix(8))
        if head.count >= 8, head == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] { return .png }
        if head.count >= 3, head[0] == 0xFF, head[1] == 0xD8, head[2] == 0xFF { return .jpeg }
        if head.count >= 2, head[0] == 0x42, head[1] == 0x4D { return .bmp }
        return nil
    }

    /// Reads and decodes one file.
    public static func read(_ url: URL) throws -> Image {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataError.io(path: url.path, reason: "cannot read the file (\(error.localizedDescription))")
        }
        return try decode(data, source: url.path)
    }

    /// Reads several files in parallel; the first error (in file order) is thrown.
    public static func readAll(_ urls: [URL]) throws -> [Image] {
        let results = Parallel.map(urls.count) { i in Result { try read(urls[i]) } }
        return try results.map { try $0.get() }
    }

    /// Decodes the bytes of a file; `source` names it in errors.
    public static func decode(_ data: Data, source: String) throws -> Image {
        guard let format = format(of: data) else {
            throw DataError.unsupported(source: source, feature: "an image format other than PNG, JPEG or BMP (unrecognised first bytes)")
        }
        switch format {
        case .bmp: return try BMPDecoder.decode(Array(data), source: source)
        case .png, .jpeg:
            var decoded = almagest_decoded_image()
            var message = [CChar](repeating: 0, count: 512)
            let status = data.withUnsafeBytes { raw -> Int32 in
                let base = raw.bindMemory(to: UInt8.self).baseAddress
                return message.withUnsafeMutableBufferPointer { buffer in
                    format == .png
                        ? almagest_png_decode(base, raw.count, &decoded, buffer.baseAddress, buffer.count)
                        : almagest_jpeg_decode(base, raw.count, &decoded, buffer.baseAddress, buffer.count)
                }
            }
            defer { almagest_image_free(&decoded) }
            guard status == 0, let pixels = decoded.pixels else {
                let reason = String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                throw DataError.malformed(source: source, reason: "\(format.rawValue.uppercased()) decoding failed: \(reason)")
            }
            let count = Int(decoded.width) * Int(decoded.height) * Int(decoded.channels)
            var values = [Float](repeating: 0, count: count)
            if decoded.bit_depth == 16 {
                pixels.withMemoryRebound(to: UInt16.self, capacity: count) { samples in
                    for i in 0..<count { values[i] = Float(samples[i]) / 65535 }
                }
            } else {
                for i in 0..<count { values[i] = Float(pixels[i]) / 255 }
            }
            return try Image(height: Int(decoded.height), width: Int(decoded.width),
                             channels: Int(decoded.channels), pixels: values)
        }
    }
}

import AlmagestCore
@testable import AlmagestData
import AlmagestPlot
import Foundation
import Testing

/// The decoders against Pillow (`images_reference.json` and the small files beside it, written
/// by Tests/Reference/make_image_reference.py): PNG and BMP are lossless, and Pillow decodes JPEG
/// with libjpeg-turbo too (same integer IDCT and fancy upsampling), so every value must be equal.
@Suite struct ImageCodecTests {
    struct Reference: Decodable {
        struct File: Decodable {
            let height: Int, width: Int, channels: Int, depth: Int
            let values: [Int]
        }
        struct Resize: Decodable {
            let source: [Float]
            let box_5x4: [Float]
            let bilinear_5x4: [Float]
            let bilinear_18x18: [Float]
        }
        let files: [String: File]
        let resize: Resize
    }

    static func resource(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil, subdirectory: "Resources/images") else {
            throw DataError.io(path: name, reason: "test resource missing")
        }
        return url
    }

    static func reference() throws -> Reference {
        try JSONDecoder().decode(Reference.self, from: Data(contentsOf: resource("images_reference.json")))
    }

    @Test(arguments: ["grey8.png", "rgb8.png", "rgba8.png", "grey16.png", "palette.png", "interlaced.png",
                      "grey.jpg", "rgb.jpg", "progressive.jpg", "grey8.bmp", "rgb24.bmp", "rgba32.bmp"])
    func decodesLikePillow(name: String) throws {
        let expected = try #require(try Self.reference().files[name])
        let image = try ImageDecoder.read(Self.resource(name))
        #expect(image.height == expected.height)
        #expect(image.width == expected.width)
        #expect(image.channels == expected.channels)
        let scale: Float = expected.depth == 16 ? 65535 : 255
        let wanted = expected.values.map { Float($0) / scale }
        #expect(image.pixels == wanted)
    }

    @Test func pngWriterRoundTripIsBitExact() throws {
        var rng = RandomStream(seed: 5)
        let bytes = (0..<(5 * 6 * 4)).map { _ in UInt8(rng.nextInt(below: 256)) }
        let data = try PNGWriter.encode(width: 6, height: 5, rgba: bytes)
        let image = try ImageDecoder.decode(data, source: "memory.png")
        #expect(image.channels == 4)
        #expect(image.pixels == bytes.map { Float($0) / 255 })
        #expect(image.rgbaBytes() == bytes)
    }

    @Test(arguments: ["rgb8.png", "rgb.jpg", "progressive.jpg", "rgb24.bmp"])
    func truncatedAndCorruptFilesAreErrorsNamingTheFile(name: String) throws {
        let whole = try Data(contentsOf: Self.resource(name))
        for cut in [whole.count / 2, whole.count - 12, 20] {
            let source = "/data/cut-\(cut)-\(name)"
            let error = #expect(throws: DataError.self) { try ImageDecoder.decode(whole.prefix(cut), source: source) }
            #expect(error.map { "\($0)".contains(source) } == true)
        }
        var corrupt = Array(whole)
        for i in stride(from: 30, to: corrupt.count - 4, by: 7) { corrupt[i] ^= 0x5A }
        // A corrupted payload is either rejected with an error naming the file or decoded to
        // some image (JPEG entropy data may still parse); it never crashes.
        do { _ = try ImageDecoder.decode(Data(corrupt), source: "/data/corrupt-\(name)") } catch let error as DataError {
            #expect("\(error)".contains("/data/corrupt-\(name)"))
        }
    }

    @Test func unknownFormatAndMissingFile() {
        #expect(throws: DataError.self) { try ImageDecoder.decode(Data([1, 2, 3, 4, 5, 6, 7, 8, 9]), source: "x.gif") }
        #expect(throws: DataError.self) { try ImageDecoder.read(URL(fileURLWithPath: "/nonexistent/almagest.png")) }
    }

    @Test func resizeMatchesPillow() throws {
        let resize = try Self.reference().resize
        let source = try Image(height: 12, width: 12, channels: 1, pixels: resize.source)
        let cases: [(Resize.Filter, Int, [Float])] = [
            (.box, 4, resize.box_5x4), (.triangle, 4, resize.bilinear_5x4), (.triangle, 18, resize.bilinear_18x18),
        ]
        for (filter, height, expected) in cases {
            let width = height == 4 ? 5 : 18
            let out = try Resize.resize(source, height: height, width: width, filter: filter)
            #expect(out.pixels.count == expected.count)
            let worst = zip(out.pixels, expected).map { abs($0 - $1) }.max() ?? .infinity
            #expect(worst <= 1e-4, "\(filter) \(height) x \(width): worst difference \(worst)")
        }
    }

    @Test func centreCropAndNormalisation() throws {
        let image = try Image(height: 3, width: 4, channels: 1, pixels: (0..<12).map(Float.init))
        // torchvision center_crop offsets: round((3 - 1) / 2) = 1, round((4 - 2) / 2) = 1
        #expect(try image.centreCropped(height: 1, width: 2).pixels == [5, 6])
        let rgb = try Image(height: 1, width: 1, channels: 3, pixels: [0.485, 0.456 + 0.224, 0.406 - 0.225])
        let z = try rgb.normalised(mean: ImageNetStatistics.mean, standardDeviation: ImageNetStatistics.standardDeviation)
        #expect(abs(z.pixels[0]) < 1e-6 && abs(z.pixels[1] - 1) < 1e-5 && abs(z.pixels[2] + 1) < 1e-5)
        #expect(throws: DataError.self) { try image.centreCropped(height: 4, width: 1) }
    }
}

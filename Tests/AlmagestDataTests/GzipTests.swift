import AlmagestData
import AlmagestTestSupport
import Foundation
import Testing

@Suite struct GzipTests {
    @Test func roundTrip() throws {
        let text = Data((0..<50_000).map { UInt8(truncatingIfNeeded: $0 * 31 % 251) })
        let packed = try Gzip.compress(text)
        #expect(Gzip.isGzip(packed))
        #expect(try Gzip.decompress(packed) == text)
        #expect(try Gzip.decompressIfNeeded(text) == text)
    }

    @Test func concatenatedMembers() throws {
        let a = try Gzip.compress(Data("hello ".utf8)), b = try Gzip.compress(Data("world".utf8))
        #expect(try Gzip.decompress(a + b) == Data("hello world".utf8))
    }

    @Test func sharedDigitsFileInflates() throws {
        let data = try Gzip.decompress(Data(contentsOf: Reference.url("datasets/digits/digits.csv.gz")))
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 1797)
        #expect(lines[0].split(separator: ",").count == 65)
    }

    @Test func corruptAndTruncatedStreamsThrow() throws {
        let packed = try Gzip.compress(Data(repeating: 7, count: 10_000))
        #expect(throws: DataError.self) { try Gzip.decompress(packed.prefix(packed.count / 2)) }
        var corrupt = packed
        corrupt[12] ^= 0xff
        corrupt[13] ^= 0xff
        #expect(throws: DataError.self) { try Gzip.decompress(corrupt) }
        #expect(throws: DataError.self) { try Gzip.decompress(Data()) }
    }
}

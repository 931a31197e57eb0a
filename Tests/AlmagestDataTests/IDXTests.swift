import AlmagestCore
import AlmagestData
import AlmagestTestSupport
import Foundation
import Testing

/// An IDX file built by hand: big-endian header then the bytes.
private func idx(magic: [UInt8], dimensions: [UInt32], values: [UInt8]) -> Data {
    var out = magic
    for d in dimensions { withUnsafeBytes(of: d.bigEndian) { out += $0 } }
    return Data(out + values)
}

@Suite struct IDXTests {
    private let images = Reference.url("datasets/mnist/t10k-images-idx3-ubyte.gz")
    private let labels = Reference.url("datasets/mnist/t10k-labels-idx1-ubyte.gz")

    @Test func mnistTestImagesAndLabels() throws {
        let x = try IDX.readImages(from: images)
        #expect(x.rows == 10000 && x.columns == 784)
        #expect(x.elements.allSatisfy { $0 >= 0 && $0 <= 255 && $0 == $0.rounded() })
        #expect(x.elements.max() == 255)
        let y = try IDX.readLabels(from: labels)
        #expect(y.count == 10000)
        #expect(Array(y.prefix(3)) == [7, 2, 1])
        // The published class counts of the MNIST test set.
        let counts = (0...9).map { digit in y.filter { $0 == digit }.count }
        #expect(counts == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009])
        #expect(counts.reduce(0, +) == 10000)
    }

    @Test func trainingLabelsHaveThePublishedCounts() throws {
        let y = try IDX.readLabels(from: Reference.url("datasets/mnist/train-labels-idx1-ubyte.gz"))
        let counts = (0...9).map { digit in y.filter { $0 == digit }.count }
        #expect(counts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949])
    }

    @Test func rowRangeAndScalingSelectTheSameImages() throws {
        let all = try IDX.readImages(from: images)
        let part = try IDX.readImages(from: images, rows: 100..<350, scaledToUnit: true)
        #expect(part.rows == 250 && part.columns == 784)
        let same = part.elements == Array(all.elements[100 * 784..<350 * 784]).map { $0 / 255 }
        #expect(same)
        #expect(part.elements.max() == 1)
        #expect(try IDX.readLabels(from: labels, rows: 100..<350) == Array(try IDX.readLabels(from: labels)[100..<350]))
        #expect(throws: DataError.rowsOutOfRange(source: images.path, requested: 9990..<10010, available: 10000)) {
            try IDX.readImages(from: images, rows: 9990..<10010)
        }
    }

    @Test func datasetLoadFindsTheLabelsFileBeside() throws {
        let d = try Dataset.load(from: images)
        #expect(d.count == 10000 && d.featureCount == 784)
        #expect(d.labels?.count == 10000)
        #expect(d.featureNames[29] == "pixel_1_1")
    }

    @Test func plainAndGzippedBytesReadAlike() throws {
        let raw = idx(magic: [0, 0, 8, 3], dimensions: [2, 2, 3], values: Array(0..<12))
        let a = try IDX.readImages(raw), b = try IDX.readImages(Gzip.compress(raw))
        #expect(a == b)
        #expect(a.rowArrays == [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]])
    }

    @Test(arguments: [
        ("labels magic read as images", idx(magic: [0, 0, 8, 1], dimensions: [3], values: [1, 2, 3]), "wrong IDX magic 0x00000801, expected 0x00000803"),
        ("int32 type", idx(magic: [0, 0, 0x0C, 3], dimensions: [1, 1, 1], values: [0, 0, 0, 1]), "wrong IDX magic 0x00000C03"),
        ("nonzero leading bytes", idx(magic: [1, 0, 8, 3], dimensions: [1, 1, 1], values: [0]), "wrong IDX magic"),
        ("truncated header", Data([0, 0, 8, 3, 0, 0, 0, 1, 0, 0]), "the IDX header is truncated"),
        ("truncated data", idx(magic: [0, 0, 8, 3], dimensions: [2, 2, 2], values: [1, 2, 3]), "the IDX data is truncated"),
        ("extra data", idx(magic: [0, 0, 8, 3], dimensions: [1, 1, 1], values: [1, 2]), "longer than its header says"),
        ("empty", Data(), "the IDX header is truncated"),
    ])
    func malformedHeadersThrow(name: String, data: Data, message: String) throws {
        let error = #expect(throws: DataError.self) { try IDX.readImages(data, source: "bad") }
        #expect(error?.description.contains(message) == true, "\(name): \(error?.description ?? "")")
    }
}

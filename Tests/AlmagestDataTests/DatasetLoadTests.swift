import AlmagestCore
import AlmagestData
import AlmagestTestSupport
import Foundation
import Testing

@Suite struct DatasetLoadTests {
    @Test(arguments: [
        ("a.csv", Dataset.FileFormat.csv), ("a.CSV.gz", .csv), ("magic04.data", .csv), ("a.tsv", .tsv),
        ("w.npy", .npy), ("t10k-images-idx3-ubyte", .idx), ("t10k-images-idx3-ubyte.gz", .idx),
    ])
    func formatFromFileName(name: String, format: Dataset.FileFormat) {
        #expect(Dataset.FileFormat(url: URL(fileURLWithPath: "/tmp/" + name)) == format)
    }

    @Test func unknownExtensionIsAnError() {
        #expect(throws: DataError.self) { try Dataset.load(from: URL(fileURLWithPath: "/tmp/picture.bmp")) }
    }

    @Test func magicByExtensionAndNPYWithTargetColumn() throws {
        let magic = try Dataset.load(from: Reference.url("datasets/magic-gamma/magic04.data"), target: -1)
        #expect(magic.count == 19020 && magic.classNames == ["g", "h"])

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-load-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("x.npy")
        try NPY.write(try Matrix<Double>([[1.5, 2, 1], [3, 4, 0]]), to: url)
        let d = try Dataset.load(from: url, target: -1)
        #expect(d.labels == [1, 0])
        #expect(d.features.rowArrays == [[1.5, 2], [3, 4]])
        #expect(throws: DataError.self) { try Dataset.load(from: url, target: 0) }  // 1.5 is not a label
        #expect(throws: DataError.self) { try Dataset.load(from: url, target: "y") }
    }
}

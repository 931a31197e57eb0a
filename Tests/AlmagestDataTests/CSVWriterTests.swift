import AlmagestCore
import AlmagestData
import Foundation
import Testing

@Suite struct CSVWriterTests {
    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func roundTripWithQuotesDelimitersNewlinesAndMissingValues() throws {
        let x = try Matrix<Double>([[0.1, -2.5e-300, .nan], [1e20, 3, -0.0], [.infinity, 1.0 / 3.0, 42]])
        let d = try Dataset(
            features: x, labels: [2, 0, 1], featureNames: ["plain", "has,comma", "has \"quote\"\nand newline"],
            classNames: ["a,b", "c\"d", "e\r\nf"])
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for name in ["out.csv", "out.csv.gz"] {
            let url = folder.appendingPathComponent(name)
            try CSVWriter.write(d, to: url)
            let back = try CSVReader.read(from: url, options: CSVOptions(header: .present), target: -1)
            #expect(back.featureNames == d.featureNames)
            #expect(back.classNames == d.classNames)
            #expect(back.labels == d.labels)
            let a = back.features.elements, b = d.features.elements
            #expect(a.count == b.count)
            #expect(zip(a, b).allSatisfy { $0 == $1 || ($0.isNaN && $1.isNaN) })
            #expect(back.features.elements[5].sign == .minus)  // -0 survives
        }
    }

    @Test(arguments: [0.1, 1.0 / 3.0, 1e-310, 123_456_789_012.5, -7, 2.5e300])
    func numbersUseShortestRoundTripText(value: Double) throws {
        let text = CSVWriter.number(value)
        #expect(Double(text) == value)
        #expect(text.count <= "\(value)".count)
    }

    @Test func refusesToOverwriteUnlessAsked() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("keep.csv")
        try Data("precious\n".utf8).write(to: url)
        let d = try Dataset(features: Matrix(rows: 1, columns: 1, repeating: 1))
        #expect(throws: DataError.wouldOverwrite(path: url.path)) { try CSVWriter.write(d, to: url) }
        #expect(try String(contentsOf: url, encoding: .utf8) == "precious\n")
        try CSVWriter.write(d, to: url, header: false, overwrite: true)
        #expect(try String(contentsOf: url, encoding: .utf8) == "1\n")
        // No temporary files are left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["keep.csv"])
    }
}

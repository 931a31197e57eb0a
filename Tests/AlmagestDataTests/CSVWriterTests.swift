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

    @Test(arguments: [0.1, 1.0 / 3.0, Double.leastNormalMagnitude / 3, 123_456_789_012.5, -7, 2.5e300])
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

@Suite struct CSVDelimiterRoundTripTests {
    @Test(arguments: [Character(","), "\t", ";", "|"])
    func roundTripWithoutHeader(delimiter: Character) throws {
        let d = try Dataset(
            features: Matrix([[1.25, -3], [4e-5, 6]]), labels: [1, 0], classNames: ["left\(delimiter)right", "plain"])
        let text = try CSVWriter.encode(d, delimiter: delimiter, header: false)
        let back = try CSVReader.read(text, options: CSVOptions(delimiter: delimiter, header: .absent), target: -1)
        #expect(back.features == d.features)
        #expect(back.classNames == d.classNames && back.labels == d.labels)
    }

    @Test func spacesAroundNumbersAndBareCarriageReturns() throws {
        let d = try CSVReader.read(Data(" 1.5 ,\t2\r3,4\r".utf8), options: CSVOptions(header: .absent))
        #expect(d.features.rowArrays == [[1.5, 2], [3, 4]])
    }

    @Test func atomicWriteIntoAMissingFolderIsAnIOError() {
        let url = URL(fileURLWithPath: "/nonexistent-\(UUID().uuidString)/x.csv")
        let error = #expect(throws: DataError.self) { try AtomicFile.write(Data("x".utf8), to: url) }
        guard case .io(let path, _)? = error else { Issue.record("expected an io error, got \(String(describing: error))"); return }
        #expect(path == url.path)
    }
}

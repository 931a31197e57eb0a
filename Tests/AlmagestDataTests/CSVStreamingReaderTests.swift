import AlmagestCore
import AlmagestData
import Foundation
import Testing

/// The windowed reader gives the in-memory reader's data set, errors and line numbers, whatever
/// the window (small windows here, so many boundaries fall inside the file) and the thread count.
@Suite struct CSVStreamingReaderTests {
    static func file(_ text: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-stream-\(UUID().uuidString).csv")
        try Data(text.utf8).write(to: url)
        return url
    }

    /// A table of numbers with a text label, a dropped column, missing values, comments and blank lines.
    static func table(rows: Int, lineEnd: String = "\n") -> String {
        var rng = RandomStream(seed: 5)
        var text = "# made for the test\(lineEnd)id,a,b,c,label,d\(lineEnd)"
        for i in 0..<rows {
            let values = (0..<4).map { _ in String(format: "%.6f", Double.random(in: -1000...1000, using: &rng)) }
            let b = i % 97 == 0 ? "NA" : values[1]
            text += "\(i),\(values[0]),\(b),\(values[2]),\(["star", "galaxy", "qso"][i % 3]),\(values[3])\(lineEnd)"
            if i % 500 == 0 { text += lineEnd }
            if i % 700 == 0 { text += "# a comment\(lineEnd)" }
        }
        return text
    }

    static func same(_ a: Dataset, _ b: Dataset) -> Bool {
        a.labels == b.labels && a.classNames == b.classNames && a.featureNames == b.featureNames
            && a.features.rows == b.features.rows && a.features.columns == b.features.columns
            && zip(a.features.elements, b.features.elements).allSatisfy { $0.bitPattern == $1.bitPattern }
    }

    @Test(arguments: ["\n", "\r\n"])
    func sameDataSetAsTheInMemoryReader(lineEnd: String) throws {
        let url = try Self.file(Self.table(rows: 3_000, lineEnd: lineEnd))
        defer { try? FileManager.default.removeItem(at: url) }
        let options = CSVOptions(commentPrefix: "#")
        let expected = try CSVReader.read(Data(contentsOf: url), source: url.path, options: options, target: "label", dropping: ["id"])
        #expect(expected.count == 3_000 && expected.classNames == ["galaxy", "qso", "star"])
        #expect(expected.features.elements.filter(\.isNaN).count == 31)
        for (window, threads) in [(4_096, 1), (4_096, 2), (10_000, 2), (1 << 25, 2)] {
            let streamed = try Parallel.withThreads(threads) {
                try CSVReader.readStreaming(from: url, options: options, target: "label", dropping: ["id"], windowBytes: window)
            }
            #expect(Self.same(streamed, expected), "window \(window), \(threads) threads")
        }
    }

    /// Errors name the same line as the in-memory reader: a ragged row, a word among numbers and a
    /// missing label, each far past the first window.
    @Test(arguments: [
        ("2,3,4", "ragged"), ("1,2,x,4,star,5", "word"), ("1,2,3,4,,5", "missing label"),
    ])
    func errorsNameTheSameLine(bad: String, what: String) throws {
        var lines = Self.table(rows: 2_000).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines[1_700] = bad
        let url = try Self.file(lines.joined(separator: "\n"))
        defer { try? FileManager.default.removeItem(at: url) }
        let options = CSVOptions(commentPrefix: "#")
        var inMemory: DataError?, streamed: DataError?
        do { _ = try CSVReader.read(Data(contentsOf: url), source: url.path, options: options, target: "label") } catch let e as DataError {
            inMemory = e
        }
        do { _ = try CSVReader.readStreaming(from: url, options: options, target: "label", windowBytes: 4_096) } catch let e as DataError {
            streamed = e
        }
        #expect(inMemory != nil && "\(inMemory!)".contains("1701"), "\(what): \(String(describing: inMemory))")
        #expect(streamed.map { "\($0)" } == inMemory.map { "\($0)" }, "\(what)")
    }

    /// Lines longer than the window grow it; quoted fields fall back to the general reader.
    @Test func longLinesAndQuotedFields() throws {
        let wide = (0..<40).map { r in (0..<700).map { c in "\(r * 1000 + c).5" }.joined(separator: ",") }.joined(separator: "\n")
        let url = try Self.file(wide + "\n")
        defer { try? FileManager.default.removeItem(at: url) }
        let streamed = try CSVReader.readStreaming(from: url, windowBytes: 4_096)
        #expect(Self.same(streamed, try CSVReader.read(Data(contentsOf: url), source: url.path)))
        #expect(streamed.features.rows == 40 && streamed.features[39, 699] == 39_699.5)

        let quoted = try Self.file("a,b\n1,\"2\"\n3,4\n")
        defer { try? FileManager.default.removeItem(at: quoted) }
        #expect(try CSVReader.readStreaming(from: quoted, windowBytes: 4_096).features.elements == [1, 2, 3, 4])
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-no-such-\(UUID().uuidString).csv")
        #expect(throws: DataError.self) { try CSVReader.readStreaming(from: missing) }
    }
}

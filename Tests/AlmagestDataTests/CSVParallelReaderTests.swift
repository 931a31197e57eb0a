@testable import AlmagestData
import AlmagestCore
import Foundation
import Testing

/// The parallel fast path gives what the general tokenizer gives: values, labels, names, and the
/// same errors naming the same lines, on files made to hit every rule (header or not, text or
/// integer targets, missing tokens, spaces, CRLF, comments, blank lines, exponents, long blocks).
@Suite struct CSVParallelReaderTests {
    func both(_ text: String, options: CSVOptions = .csv, target: ColumnSelector? = nil, dropping: [ColumnSelector] = [])
        throws -> (fast: Result<Dataset, Error>, general: Result<Dataset, Error>)
    {
        let bytes = [UInt8](text.utf8)
        let special = try options.bytes(source: "t")
        let fast = Result { () throws -> Dataset in
            guard let d = try CSVParallelReader.read(bytes, source: "t", options: options, special: special, target: target,
                                                     dropping: dropping) else { throw DataError.malformed(source: "t", reason: "fallback") }
            return d
        }
        let general = Result {
            try CSVParser(table: try CSVTokenizer.tokenize(bytes, source: "t", delimiter: special.delimiter, quote: special.quote,
                                                            comment: special.comment),
                          source: "t", options: options).dataset(target: target, dropping: dropping)
        }
        return (fast, general)
    }

    func expectSame(_ text: String, options: CSVOptions = .csv, target: ColumnSelector? = nil, dropping: [ColumnSelector] = [],
                    sourceLocation: SourceLocation = #_sourceLocation) throws {
        let (fast, general) = try both(text, options: options, target: target, dropping: dropping)
        switch (fast, general) {
        case let (.success(a), .success(b)):
            #expect(a.features.elements.map(\.bitPattern) == b.features.elements.map(\.bitPattern), sourceLocation: sourceLocation)
            #expect(a.features.rows == b.features.rows && a.featureNames == b.featureNames, sourceLocation: sourceLocation)
            #expect(a.labels == b.labels && a.classNames == b.classNames, sourceLocation: sourceLocation)
        case let (.failure(a), .failure(b)):
            #expect("\(a)" == "\(b)", sourceLocation: sourceLocation)
        default:
            Issue.record("fast \(fast) but general \(general)", sourceLocation: sourceLocation)
        }
    }

    @Test func agreesOnEveryRule() throws {
        try expectSame("a,b,class\n1.5,2,g\n-3e-2, 4 ,h\n\n7,NA,g\n", target: .name("class"))
        try expectSame("1,2,3\r\n4,5,6\r\n\r\n7,8,9\r\n", target: .index(-1))
        try expectSame("# comment\nx,y\n# another\n1,2\n3,?\n", options: { var o = CSVOptions.csv; o.commentPrefix = "#"; return o }())
        try expectSame("\u{FEFF}x,y\n1,2\n")
        try expectSame("1;2;3\n4;5;6\n", options: { var o = CSVOptions.csv; o.delimiter = ";"; o.header = .absent; return o }())
        try expectSame("x,y\n1,2\n3\n", target: nil)                               // ragged
        try expectSame("x,y\n1,2\n3,abc\n")                                         // not a number
        try expectSame("x,y,c\n1,2,a\n3,4,\n", target: .name("c"))                 // missing target
        try expectSame("x,y\n1,2\n", target: .name("z"))                            // unknown column
        try expectSame("x,y,z\n1,2,3\n4,5,6\n", target: .index(0), dropping: [.name("y")])
        try expectSame("x,y\n1.00000000000000000001,2e400\n0x10,inf\n")           // strtod's cases
        try expectSame("   \n1,2\n")                                                // a line of spaces is a record
    }

    /// Many blocks: a 6 MB file with a text target, compared value by value at 1 and 2 threads.
    @Test func agreesOnManyBlocksAtAnyThreadCount() throws {
        var rng = RandomStream(seed: 9)
        var text = "f0,f1,f2,f3,label\n"
        for i in 0..<140_000 {
            let cells = (0..<4).map { _ in String(format: "%.6f", rng.nextNormal() * 100) }
            text += cells.joined(separator: ",") + (i % 3 == 0 ? ",gamma\n" : ",hadron\n")
            if i % 10_007 == 0 { text += "\n" }
        }
        #expect(text.utf8.count > 3 * (1 << 21))
        try expectSame(text, target: .name("label"))
        let one = try Parallel.withThreads(1) { try both(text, target: .name("label")).fast.get() }
        let two = try Parallel.withThreads(2) { try both(text, target: .name("label")).fast.get() }
        #expect(one == two && one.count == 140_000 && one.classNames == ["gamma", "hadron"])
        // An error deep in the file names its line, as the general path does.
        let broken = text.replacingOccurrences(of: "hadron\n", with: "hadron,extra\n", options: [], range: text.index(text.startIndex, offsetBy: 5_000_000)..<text.endIndex)
        try expectSame(broken, target: .name("label"))
    }

    @Test func quotedFilesTakeTheGeneralPath() throws {
        let special = try CSVOptions.csv.bytes(source: "t")
        #expect(try CSVParallelReader.read([UInt8]("x,y\n\"1\",2\n".utf8), source: "t", options: .csv, special: special,
                                           target: nil, dropping: []) == nil)
        #expect(try CSVParallelReader.read([UInt8]("x,y\r1,2\r".utf8), source: "t", options: .csv, special: special,
                                           target: nil, dropping: []) == nil)
        // A header and no rows: the general path says what it makes of that.
        #expect(try CSVParallelReader.read([UInt8]("x,y\n".utf8), source: "t", options: .csv, special: special,
                                           target: nil, dropping: []) == nil)
        let data = try CSVReader.read(Data("x,y\n\"1\",2\n".utf8))
        #expect(data.features.elements == [1, 2])
    }
}

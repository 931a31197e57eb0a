import AlmagestCore
import AlmagestData
import AlmagestTestSupport
import Foundation
import Testing

@Suite struct CSVReaderTests {
    private func read(_ text: String, _ options: CSVOptions = .csv, target: ColumnSelector? = nil,
                      dropping: [ColumnSelector] = []) throws -> Dataset {
        try CSVReader.read(Data(text.utf8), source: "t.csv", options: options, target: target, dropping: dropping)
    }

    @Test func quotedFieldsWithDelimitersNewlinesAndEscapedQuotes() throws {
        let text = "a,b,name\r\n1,2,\"x, \"\"y\"\"\"\r\n3,4,\"multi\nline\"\r\n5,6,plain\r\n"
        let d = try read(text, target: "name")
        #expect(d.featureNames == ["a", "b"])
        #expect(d.features.rowArrays == [[1, 2], [3, 4], [5, 6]])
        #expect(d.classNames == ["multi\nline", "plain", "x, \"y\""])
        #expect(d.labels == [2, 0, 1])
    }

    @Test func quotedTextKeepsItsSpacesUnquotedTextIsTrimmed() throws {
        let d = try read("x,y\n1, b \n2,\" a\"\n", target: "y")
        #expect(d.classNames == [" a", "b"])
        #expect(d.labels == [1, 0])
    }

    @Test(arguments: ["", "NA", "NaN", "nan", "?", " NA "])
    func missingTokensReadAsNaN(token: String) throws {
        let d = try read("1,\(token),3\n4,5,6\n", CSVOptions(header: .absent))
        #expect(d.features.elements[1].isNaN)
        #expect(d.features.elements[0] == 1 && d.features.elements[5] == 6)
    }

    @Test func raggedRowNamesLineAndCounts() throws {
        let text = "a,b,c\n1,2,3\n4,5\n"
        #expect(throws: DataError.raggedRow(source: "t.csv", line: 3, fields: 2, expected: 3)) { try read(text) }
        let error = #expect(throws: DataError.self) { try read(text) }
        #expect(error?.description == "t.csv, line 3: 2 fields, expected 3 like the first row")
    }

    @Test func nonNumericCellNamesLineAndColumn() throws {
        // The quoted newline in line 2 makes the bad record start on line 4.
        let text = "a,b,c\n1,2,\"x\ny\"\n4,5,z\n7,x8,z\n"
        let error = #expect(throws: DataError.self) { try read(text, CSVOptions(header: .present), target: "c") }
        #expect(error == .notANumber(source: "t.csv", line: 5, column: 2, text: "x8"))
        #expect(error?.description == "t.csv, line 5, column 2: \"x8\" is not a number")
    }

    @Test func quotedNumberCellIsParsedAndQuoteErrorsAreMalformed() throws {
        let d = try read("\"1.5\",2\n3,4\n", CSVOptions(header: .absent))
        #expect(d.features.elements == [1.5, 2, 3, 4])
        #expect(throws: DataError.self) { try read("1,\"open\n2,3\n") }
        #expect(throws: DataError.self) { try read("1,\"a\"b,3\n") }
    }

    @Test(arguments: [
        ("x,y\n1,2\n3,4\n", true),
        ("1,2\n3,4\n", false),
        ("1,g\n2,h\n", false),  // a text column over text is a label column, not a header
        ("a,label\n1,g\n2,h\n", true),
        ("x,y\n", true),
        ("NA,2\n3,4\n", false),
    ])
    func headerDetection(text: String, expected: Bool) throws {
        #expect(try CSVReader.hasHeader(Data(text.utf8)) == expected)
    }

    @Test func targetByNegativeIndexIntegerLabelsAndDroppedColumns() throws {
        let text = "# comment\nid,f1,f2,y\n10,0.5,1e3,3\n11,-2,2.5,-1\n12,7,8,3.0\n"
        var options = CSVOptions(header: .detect)
        options.commentPrefix = "#"
        let d = try read(text, options, target: -1, dropping: ["id"])
        #expect(d.featureNames == ["f1", "f2"])
        #expect(d.features.elements == [0.5, 1000, -2, 2.5, 7, 8])
        #expect(d.labels == [3, -1, 3])
        #expect(d.classNames.isEmpty)
    }

    @Test func unknownColumnsAndMissingLabelsAreErrors() throws {
        #expect(throws: DataError.self) { try read("a,b\n1,2\n", target: "c") }
        #expect(throws: DataError.self) { try read("1,2\n3,4\n", target: 5) }
        #expect(throws: DataError.missingValue(source: "t.csv", line: 3, column: 2)) {
            try read("a,b\n1,2\n3,NA\n", target: "b")
        }
    }

    @Test func tabsSemicolonsAndNoTrailingNewline() throws {
        #expect(try read("1\t2\n3\t4", .tsv).features.elements == [1, 2, 3, 4])
        let d = try read("a;b\n1.5;\"2;x\"\n", CSVOptions(delimiter: ";"), target: "b")
        #expect(d.features.elements == [1.5])
        #expect(d.classNames == ["2;x"])
        // A decimal comma is not a number.
        #expect(throws: DataError.notANumber(source: "t.csv", line: 2, column: 1, text: "1,5")) {
            try read("a;b\n1,5;2\n", CSVOptions(delimiter: ";"))
        }
    }

    @Test func magicGammaTelescope() throws {
        let url = Reference.url("datasets/magic-gamma/magic04.data")
        let clock = ContinuousClock()
        var magic: Dataset?
        let elapsed = try clock.measure { magic = try CSVReader.read(from: url, target: -1) }
        let d = try #require(magic)
        #expect(d.count == 19020 && d.featureCount == 10)
        #expect(d.classNames == ["g", "h"])
        #expect(d.labels?.filter { $0 == 0 }.count == 12332)
        #expect(d.labels?.filter { $0 == 1 }.count == 6688)
        #expect(d.features.row(0).first == 28.7967)
        #expect(d.features.row(0).last == 81.8828)
        #expect(elapsed < .seconds(5))  // debug build; well under a second in release
    }

    @Test func gzippedCSVReadsLikePlain() throws {
        let text = Data("a,b\n1,2\n3,4\n".utf8)
        let plain = try CSVReader.read(text)
        let packed = try CSVReader.read(Gzip.compress(text))
        #expect(plain.features == packed.features && plain.featureNames == packed.featureNames)
    }
}

import AlmagestCore
@testable import AlmagestServe
import Foundation
import Testing

/// The JSON and CSV row readers on their own: values, column order, and the exact errors.
@Suite struct RowReaderTests {
    static let columns = FeatureColumns(names: ["a", "b", "c"], acceptsMissingValues: false)
    static let imputing = FeatureColumns(names: ["a", "b", "c"], acceptsMissingValues: true)

    @Test("numbers read as the correctly rounded Double of their text, in the pipeline's column order",
          arguments: ["0.1", "-0", "1e-310", "2.2250738585072014e-308", "1.7976931348623157e308", "123456789012345678901234567890",
                      "0.30000000000000004", "28.7967", "-3.1E+05", "5e-324", "9007199254740993"])
    func numbers(_ text: String) throws {
        let x = try JSONRowReader(columns: Self.columns).read(Array(#"[{"c": 1, "b": \#(text), "a": -2.5}]"#.utf8))
        #expect(x.rows == 1 && x.columns == 3)
        #expect(x[0, 0] == -2.5 && x[0, 2] == 1)
        let expected = try #require(Double(text))
        #expect(x[0, 1].bitPattern == expected.bitPattern, "\(text): \(x[0, 1]) vs \(expected)")
    }

    @Test("an array of objects is one matrix; escaped keys and white space are read")
    func arrays() throws {
        let body = " [ {\"a\":1,\"b\":2,\"c\":3} ,\n{\"\\u0061\": 4, \"b\" : 5 , \"c\":6}]\r\n"
        let x = try JSONRowReader(columns: Self.columns).read(Array(body.utf8))
        #expect(x == (try Matrix<Double>([[1, 2, 3], [4, 5, 6]])))
    }

    @Test("each bad input gets its error", arguments: [
        (#"{"a": 1, "b": 2, "c": 3"#, ServeError.malformedJSON(offset: 23, reason: "expected ',' or '}' in row 0")),
        (#"{"a": 1, "b": 2, "c": 3} x"#, .malformedJSON(offset: 25, reason: "unexpected text after the rows")),
        (#"{"a": .5, "b": 2, "c": 3}"#, .malformedJSON(offset: 6, reason: "expected a value for \"a\"")),
        (#"{"a": 1., "b": 2, "c": 3}"#, .malformedJSON(offset: 8, reason: "expected a digit after the decimal point")),
        (#"{"a": NaN, "b": 2, "c": 3}"#, .malformedJSON(offset: 6, reason: "expected a value for \"a\"")),
        (#"{a: 1}"#, .malformedJSON(offset: 1, reason: "expected a feature name in double quotes")),
        (#"[{"a": 1, "b": 2, "c": 3}, {"a": 1, "b": 2}]"#, .badRow(row: 1, feature: "c", reason: "missing feature; expected a number for every feature")),
        (#"[{"a": 1, "b": 2, "c": 3, "d": 4}]"#, .badRow(row: 0, feature: "d", reason: "unknown feature; expected one of a, b, c")),
        (#"{"a": 1, "a": 2}"#, .badRow(row: 0, feature: "a", reason: "feature given twice; expected it once")),
        (#"{"a": "1", "b": 2, "c": 3}"#, .badRow(row: 0, feature: "a", reason: "non-numeric value \"1\"; expected a number")),
        (#"{"a": [1], "b": 2, "c": 3}"#, .badRow(row: 0, feature: "a", reason: "non-numeric value (a nested array); expected a number")),
        (#"{"a": 1, "b": 2, "c": 1e400}"#, .badRow(row: 0, feature: "c", reason: "1e400 is out of the range of a Double; expected a finite number")),
        (#"{"a": 1, "b": null, "c": 3}"#, .badRow(row: 0, feature: "b", reason: "missing value (null), but the pipeline does not start with an imputer; expected a number")),
        (#"[1, 2]"#, .badBody(reason: "row 0 is not an object; expected an object of feature names and numbers")),
        ("  ", .badBody(reason: "the body is empty; expected an object or an array of objects")),
    ])
    func errors(_ body: String, _ expected: ServeError) {
        #expect(throws: expected) { try JSONRowReader(columns: Self.columns).read(Array(body.utf8)) }
    }

    @Test("null is NaN for an imputing pipeline; an absent feature is still an error")
    func nullWithImputer() throws {
        let x = try JSONRowReader(columns: Self.imputing).read(Array(#"{"a": 1, "b": null, "c": 3}"#.utf8))
        #expect(x[0, 0] == 1 && x[0, 1].isNaN && x[0, 2] == 3)
        #expect(throws: ServeError.badRow(row: 0, feature: "c",
                                          reason: "missing feature; expected a number, or null for a missing value the pipeline's imputer fills")) {
            try JSONRowReader(columns: Self.imputing).read(Array(#"{"a": 1, "b": 2}"#.utf8))
        }
    }

    @Test("CSV: columns by header name in any order; bad cells name the row and the feature")
    func csv() throws {
        let reader = CSVRowReader(columns: Self.columns)
        #expect(try reader.read(Array("c,a,b\n3,1,2\n6,4,5\n".utf8)) == (try Matrix<Double>([[1, 2, 3], [4, 5, 6]])))
        #expect(throws: ServeError.badRow(row: 1, feature: "b", reason: "non-numeric value \"x\"; expected a number")) {
            try reader.read(Array("a,b,c\n1,2,3\n4,x,6\n".utf8))
        }
        #expect(throws: ServeError.badRow(row: 1, feature: "a",
                                          reason: "missing value (an empty or NA cell), but the pipeline does not start with an imputer; expected a number")) {
            try reader.read(Array("a,b,c\n1,2,3\nNA,5,6\n".utf8))
        }
        let imputed = try CSVRowReader(columns: Self.imputing).read(Array("a,b,c\n1,,3\n".utf8))
        #expect(imputed[0, 1].isNaN)
        #expect(throws: ServeError.self) { try reader.read(Array("a,b\n1,2\n".utf8)) }
        #expect(throws: ServeError.self) { try reader.read(Array("a,b,c\n".utf8)) }
        #expect(throws: ServeError.self) { try reader.read([0x1F, 0x8B, 8, 0]) }
    }
}

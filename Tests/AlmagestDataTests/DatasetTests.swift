import AlmagestCore
import AlmagestData
import AlmagestTestSupport
import Foundation
import Testing

@Suite struct DatasetTests {
    private let x = try! Matrix<Double>([[1, 2], [3, 4], [5, 6]])

    @Test func validationRejectsMismatchedParts() throws {
        #expect(throws: DataError.invalidDataset(reason: "2 labels for 3 rows; expected one label per row")) {
            try Dataset(features: x, labels: [0, 1])
        }
        #expect(throws: DataError.self) { try Dataset(features: x, featureNames: ["only one"]) }
        #expect(throws: DataError.self) { try Dataset(features: x, labels: [0, 1, 2], classNames: ["a", "b"]) }
        let d = try Dataset(features: x, labels: [0, 1, 7])
        #expect(d.featureNames == ["column_1", "column_2"])
        #expect(d.className(of: 7) == "7")
    }

    @Test func subsetKeepsRowsLabelsAndNames() throws {
        let d = try Dataset(features: x, labels: [0, 1, 0], featureNames: ["a", "b"], classNames: ["p", "q"])
        let s = try d.subset([2, 0, 2])
        #expect(s.features.rowArrays == [[5, 6], [1, 2], [5, 6]])
        #expect(s.labels == [0, 0, 0])
        #expect(s.featureNames == ["a", "b"] && s.classNames == ["p", "q"])
        #expect(throws: DataError.self) { try d.subset([3]) }
    }

    @Test func codableRoundTripAndValidatedDecoding() throws {
        let d = try Dataset(
            features: x, labels: [1, 0, 1], featureNames: ["a", "b"], classNames: ["no", "yes"],
            provenance: .init(source: "test", citation: "me (2026)"))
        let json = try JSONEncoder().encode(d)
        #expect(try JSONDecoder().decode(Dataset.self, from: json) == d)
        var object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        object["labels"] = [1, 0]
        let bad = try JSONSerialization.data(withJSONObject: object)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Dataset.self, from: bad) }
    }

    @Test func embeddedDigitsEqualTheSharedFile() throws {
        let digits = try EmbeddedDatasets.digits()
        #expect(digits.count == 1797 && digits.featureCount == 64)
        #expect(digits.featureNames.first == "pixel_0_0" && digits.featureNames.last == "pixel_7_7")
        #expect(digits.classNames == (0...9).map(String.init))
        #expect(digits.features.elements.allSatisfy { $0 >= 0 && $0 <= 16 && $0 == $0.rounded() })
        #expect(Set(digits.labels ?? []) == Set(0...9))
        #expect(digits.provenance.citation?.contains("doi:10.24432/C50P49") == true)
        #expect(digits.provenance.citation?.contains("CC BY 4.0") == true)
        let shared = try CSVReader.read(from: Reference.url("datasets/digits/digits.csv.gz"), target: -1)
        #expect(shared.features == digits.features)
        #expect(shared.labels == digits.labels)
    }
}

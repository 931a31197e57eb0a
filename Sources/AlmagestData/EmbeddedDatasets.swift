import AlmagestCore
import Foundation

/// Data sets that ship inside the package as resources, so that the demo runs without files.
///
/// `digits()`: the UCI Optical Recognition of Handwritten Digits, 8x8 version (the one
/// scikit-learn's `load_digits` returns): 1797 images of 64 pixels with values 0...16, labels
/// 0...9. Reference: E. Alpaydin and C. Kaynak (1998), UCI Machine Learning Repository,
/// doi:10.24432/C50P49, CC BY 4.0 (see `Resources/DIGITS-CITATION.md`).
/// Cost: inflating and parsing about 270 kB, a few milliseconds.
///
/// ```swift
/// let digits = try EmbeddedDatasets.digits()
/// digits.features.shape        // [1797, 64]
/// digits.featureNames[9]       // "pixel_1_1"
/// ```
public enum EmbeddedDatasets {
    /// The 8x8 digits: features named `pixel_<row>_<column>`, class names "0"..."9", provenance
    /// with the citation and licence.
    public static func digits() throws -> Dataset {
        let url = try resource("digits.csv", extension: "gz")
        let table = try CSVReader.read(from: url, options: CSVOptions(header: .absent), target: .index(-1))
        guard table.featureCount == 64, table.count == 1797 else {
            throw DataError.malformed(
                source: url.path, reason: "expected 1797 rows of 64 pixels and a label, got \(table.count) x \(table.featureCount)")
        }
        let names = (0..<8).flatMap { r in (0..<8).map { c in "pixel_\(r)_\(c)" } }
        return try Dataset(
            features: table.features, labels: table.labels, featureNames: names, classNames: (0...9).map(String.init),
            provenance: Dataset.Provenance(source: "digits (embedded: UCI optdigits 8x8)", citation: try digitsCitation()))
    }

    /// The citation and licence line of the digits data set, from `DIGITS-CITATION.md`.
    public static func digitsCitation() throws -> String {
        let url = try resource("DIGITS-CITATION", extension: "md")
        let text = try String(contentsOf: url, encoding: .utf8)
        // The paragraph that starts with "Licence:", joined onto one line.
        let paragraphs = text.components(separatedBy: "\n\n")
        let licence = paragraphs.first { $0.hasPrefix("Licence:") } ?? text
        return licence.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .joined(separator: " ")
    }

    // MARK: - Private

    private static func resource(_ name: String, extension ext: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: ext) else {
            throw DataError.io(path: "\(name).\(ext)", reason: "the package resource is missing from the AlmagestData bundle")
        }
        return url
    }
}

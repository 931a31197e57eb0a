import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestTestSupport
import Foundation

/// The 1797 digits of `shared/datasets/digits/digits.csv.gz` (64 pixels + label per line) and
/// their fixture HOG features, loaded once for the feature and preprocessing tests.
///
/// TEMPORARY: a minimal test-local CSV parser (integers, comma-separated, no header) until the
/// real CSV reader lands in AlmagestData; replace `parse` by it then.
enum FeatureTestDigits {
    struct Digits: Sendable {
        let pixels: Matrix<Double>
        let labels: [Int]
    }

    static let loaded: Result<Digits, any Error> = Result { try load() }

    /// All images (1797 x 64, values 0...16) and labels.
    static func digits() throws -> Digits { try loaded.get() }

    /// HOG features of all images with the fixture's parameters (9, 4 x 4, 2 x 2, L2-Hys) and
    /// scikit-image's single-precision cell sums, as the fixture's scaler and PCA were fitted on.
    static func hogFeatures() throws -> Matrix<Double> {
        let hog = try HOGFixtureParameters.hog(cellSums: .single)
        return try hog.features(of: digits().pixels, height: 8, width: 8)
    }

    private static func load() throws -> Digits {
        let data = try Gzip.decompress(Data(contentsOf: Reference.url("datasets/digits/digits.csv.gz")))
        return try parse(String(decoding: data, as: UTF8.self))
    }

    /// TEMPORARY parser: every line is 65 integers; the last is the label.
    private static func parse(_ text: String) throws -> Digits {
        var pixels = [Double](), labels = [Int]()
        for (number, line) in text.split(separator: "\n").enumerated() {
            let fields = line.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard fields.count == 65, fields.allSatisfy({ $0 != nil }) else {
                throw ShapeError.invalid(shape: [number, fields.count], reason: "digits line \(number + 1) is not 65 integers")
            }
            pixels.append(contentsOf: fields[0..<64].map { Double($0!) })
            labels.append(fields[64]!)
        }
        return Digits(pixels: try Matrix(rows: labels.count, columns: 64, elements: pixels), labels: labels)
    }
}

enum HOGFixtureParameters {
    static func hog(cellSums: HOG.CellSumPrecision = .double) throws -> HOG {
        try HOG(orientations: 9, pixelsPerCell: .init(4), cellsPerBlock: .init(2), blockNorm: .l2Hys, cellSums: cellSums)
    }
}

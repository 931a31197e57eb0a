import AlmagestCore
import AlmagestData
import AlmagestLearn
import Foundation

/// The 1797 embedded digits (`EmbeddedDatasets.digits()`, the same file as
/// `shared/datasets/digits/digits.csv.gz`) and their fixture HOG features, loaded once for the
/// feature and preprocessing tests.
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
        let digits = try EmbeddedDatasets.digits()
        guard let labels = digits.labels else { throw DataError.invalidDataset(reason: "the embedded digits have no labels") }
        return Digits(pixels: digits.features, labels: labels)
    }
}

enum HOGFixtureParameters {
    static func hog(cellSums: HOG.CellSumPrecision = .double) throws -> HOG {
        try HOG(orientations: 9, pixelsPerCell: .init(4), cellsPerBlock: .init(2), blockNorm: .l2Hys, cellSums: cellSums)
    }
}

import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestTestSupport
import Foundation

/// MAGIC gamma telescope (`shared/datasets/magic-gamma/magic04.data`: 19,020 rows, 10 features,
/// classes g/h), loaded once for the preprocessing golden tests and the classifier quality bars,
/// and its standardised stratified 80/20 split (seed 0, the scaler fitted on the training part).
enum MagicGamma {
    struct Split: Sendable {
        let xTrain: Matrix<Double>, yTrain: [Int], xTest: Matrix<Double>, yTest: [Int]
    }

    static let loaded: Result<Dataset, any Error> = Result {
        try CSVReader.read(from: Reference.url("datasets/magic-gamma/magic04.data"), options: CSVOptions(header: .absent),
                           target: -1)
    }
    static let split: Result<Split, any Error> = Result { try makeSplit() }

    static func dataset() throws -> Dataset { try loaded.get() }
    static func standardisedSplit() throws -> Split { try split.get() }

    /// A stratified sample of `rows` raw (unscaled) rows, split 80/20 (stratified, seed 0): for
    /// tests of pipelines that scale by themselves.
    static func rawSample(rows: Int) throws -> Split {
        let magic = try dataset()
        let picked = StratifiedSample.rows(labels: magic.labels!, size: rows, seed: 0)
        let x = magic.features.rows(at: picked), y = picked.map { magic.labels![$0] }
        let parts = try StratifiedSplit(testFraction: 0.2, seed: 0).split(labels: y)
        return Split(xTrain: x.rows(at: parts.train), yTrain: parts.trainLabels(y), xTest: x.rows(at: parts.test),
                     yTest: parts.testLabels(y))
    }

    /// Fraction of equal entries.
    static func accuracy(_ predicted: [Int], _ truth: [Int]) -> Double {
        Double(zip(predicted, truth).filter { $0 == $1 }.count) / Double(truth.count)
    }

    private static func makeSplit() throws -> Split {
        let magic = try dataset()
        let y = magic.labels!
        let parts = try StratifiedSplit(testFraction: 0.2, seed: 0).split(labels: y)
        let train = magic.features.rows(at: parts.train), test = magic.features.rows(at: parts.test)
        let scaler = try StandardScaler().fit(train)
        return Split(xTrain: try scaler.transform(train), yTrain: parts.trainLabels(y), xTest: try scaler.transform(test),
                     yTest: parts.testLabels(y))
    }
}

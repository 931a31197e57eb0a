/// Cross-validated scores along one parameter: the training-set size of a learning curve, or an
/// option's values of a validation curve. For each point, the score on the training rows and on
/// the held-out rows of every fold, and the mean seconds of a fit.
///
/// ```swift
/// let curve = try LearningCurve(fractions: [0.25, 0.5, 1]).run(pipeline, x, labels: y)
/// curve.testMeans; curve.trainMeans
/// ```
public struct ScoreCurve: Codable, Sendable, Equatable {
    /// What varies: "training rows", or the option's key (`C`, `standard-scaler.with_std`).
    public let parameter: String
    /// The score measured, e.g. "accuracy".
    public let score: String
    /// Each point's value as a number (row counts, numeric option values; positions for text values).
    public let values: [Double]
    /// Each point's value as written (`0.01`, `adam`).
    public let labels: [String]
    /// Per point, the training score of each fold.
    public let train: [[Double]]
    /// Per point, the held-out score of each fold.
    public let test: [[Double]]
    /// Per point, the mean seconds of one fit.
    public let fitSeconds: [Double]

    public init(parameter: String, score: String, values: [Double], labels: [String], train: [[Double]], test: [[Double]],
                fitSeconds: [Double]) {
        self.parameter = parameter
        self.score = score
        self.values = values
        self.labels = labels
        self.train = train
        self.test = test
        self.fitSeconds = fitSeconds
    }

    public var trainMeans: [Double] { train.map(Self.mean) }
    public var testMeans: [Double] { test.map(Self.mean) }
    /// Population standard deviations over the folds.
    public var trainDeviations: [Double] { train.map(Self.deviation) }
    public var testDeviations: [Double] { test.map(Self.deviation) }

    static func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(Swift.max(v.count, 1)) }
    static func deviation(_ v: [Double]) -> Double {
        let m = mean(v)
        return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(Swift.max(v.count, 1))).squareRoot()
    }
}

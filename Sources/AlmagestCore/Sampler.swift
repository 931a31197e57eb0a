/// A configuration that changes the labelled rows a model is trained on — adds synthetic rows of
/// small classes (SMOTE), drops outlying rows (IQR fences, z-scores) — rather than the columns.
/// A `Pipeline` applies its samplers while fitting only, to the rows it is fitting on (inside
/// cross-validation: the training folds), never to rows it predicts: test scores then stay those
/// of untouched data (no leakage by construction).
///
/// A sampler has no fitted model: each call resamples the rows it is given. It is seeded by its
/// own configuration, so the same rows give the same result.
///
/// ```swift
/// let balanced = try SMOTE(neighbors: 5, seed: 0).resample(x, labels: y)
/// balanced.x.rows; balanced.report["rows_added"]
/// ```
public protocol Sampler<Input>: Codable, Sendable {
    associatedtype Input: EstimatorInput = Matrix<Double>
    /// The rows to train on instead of `x`, with their labels and a report (counts of rows added
    /// or removed). Throws `FitError` for bad input or a class too small for the method.
    func resample(_ x: Input, labels: [Int]) throws -> Resampled<Input>
}

/// Rows and labels out of a `Sampler`, and what it did: numbers by name (`rows_in`, `rows_out`,
/// `rows_added`, `rows_removed`, per-method counts).
public struct Resampled<Input: EstimatorInput>: Sendable {
    public let x: Input
    public let labels: [Int]
    public let report: [String: Double]

    public init(x: Input, labels: [Int], report: [String: Double]) {
        self.x = x
        self.labels = labels
        self.report = report
    }
}

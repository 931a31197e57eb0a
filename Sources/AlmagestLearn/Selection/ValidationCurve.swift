import AlmagestCore
import Foundation

/// A validation curve (scikit-learn's `validation_curve`): one option of a pipeline — of the
/// final estimator, or `step-name.option` of a step — set to each of `values` in turn, the
/// pipeline cross-validated (refitted on every fold's training rows) and scored by accuracy on
/// the training rows and on the held-out rows. Over-fitting shows as a training score that keeps
/// rising while the held-out score falls. Values × folds fits run in parallel in a fixed order.
///
/// Cost: values × folds fits.
///
/// ```swift
/// let curve = try ValidationCurve(option: "max_depth", values: [2, 4, 8, 16], plan: FoldPlan(folds: 5))
///     .run(steps: [EstimatorSpec("standard-scaler")], model: EstimatorSpec("decision-tree"), x, labels: y)
/// ```
public struct ValidationCurve: Codable, Sendable, Equatable {
    /// The option's key: the final estimator's, or `step-name.option`.
    public var option: String
    public var values: [ParameterValue]
    public var plan: FoldPlan

    public init(option: String, values: [ParameterValue], plan: FoldPlan = FoldPlan()) {
        self.option = option
        self.values = values
        self.plan = plan
    }

    /// The curve of the pipeline of `steps` and `model` on `x`. Throws `FitError` or
    /// `RegistryError` for an unknown option or a bad value (before anything is fitted).
    public func run(steps: [EstimatorSpec], model: EstimatorSpec, _ x: Matrix<Double>, labels: [Int], groups: [Int]? = nil)
        throws -> ScoreCurve {
        try require(!values.isEmpty, "validation-curve values", "none", expected: "at least one value of \(option)")
        let search = ModelSearch(steps: steps, model: model, space: SearchSpace([:]))
        let pipelines = try values.map { try search.pipeline([option: $0]) }
        let folds = try plan.split(labels: labels, groups: groups)
        let tasks = Parallel.map(values.count * folds.count) { task -> Result<(Double, Double, Double), Error> in
            let (v, f) = (task / folds.count, task % folds.count)
            let fold = folds[f]
            return Result {
                let start = DispatchTime.now().uptimeNanoseconds
                let fitted = try pipelines[v].fit(x.rows(at: fold.train), labels: fold.trainLabels(labels))
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let train = try FoldScores.of(fitted, x.rows(at: fold.train), truth: fold.trainLabels(labels))["accuracy"]!
                let test = try FoldScores.of(fitted, x.rows(at: fold.test), truth: fold.testLabels(labels))["accuracy"]!
                return (train, test, seconds)
            }
        }
        let scores = try tasks.map { try $0.get() }
        let at = { (v: Int) in scores[(v * folds.count)..<((v + 1) * folds.count)] }
        let numbers = values.map(\.doubleValue)
        return ScoreCurve(
            parameter: option, score: "accuracy",
            values: numbers.allSatisfy { $0 != nil } ? numbers.map { $0! } : values.indices.map(Double.init),
            labels: values.map(\.description),
            train: values.indices.map { at($0).map(\.0) }, test: values.indices.map { at($0).map(\.1) },
            fitSeconds: values.indices.map { v in at(v).map(\.2).reduce(0, +) / Double(folds.count) })
    }
}

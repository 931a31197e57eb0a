import AlmagestCore
import Foundation

/// A learning curve (scikit-learn's `learning_curve`): for each fraction of a fold's training
/// rows, the classifier (a `Pipeline` refits every step) is fitted on that many of them — a
/// stratified, seeded subset, the same for every fraction's fold — and scored by accuracy on those
/// rows and on the fold's held-out rows. Whether more data would help (the held-out score still
/// rising) or the model is too simple (both scores low and close) reads off it. Fractions × folds
/// fits run in parallel in a fixed order, so the curve does not depend on the thread count.
///
/// Cost: fractions × folds fits.
///
/// ```swift
/// let curve = try LearningCurve(fractions: [0.1, 0.325, 0.55, 0.775, 1], plan: FoldPlan(folds: 5))
///     .run(pipeline, x, labels: y)
/// ```
public struct LearningCurve: Codable, Sendable, Equatable {
    /// Shares of each fold's training rows, ascending, in (0, 1].
    public var fractions: [Double]
    public var plan: FoldPlan

    public init(fractions: [Double] = [0.1, 0.325, 0.55, 0.775, 1], plan: FoldPlan = FoldPlan()) {
        self.fractions = fractions
        self.plan = plan
    }

    /// Throws `FitError.invalidParameter` for an empty list or a fraction outside (0, 1].
    public func validate() throws {
        try require(!fractions.isEmpty && fractions.allSatisfy { $0 > 0 && $0 <= 1 }, "learning-curve fractions", fractions,
                    expected: "shares in (0, 1], like 0.1,0.55,1")
    }

    /// The curve of `classifier` on `x`; `groups` (one id per row) make the folds group folds.
    /// Throws `FitError` for a bad setting or a fit that fails (a subset too small for the model,
    /// naming the fraction).
    public func run<C: Classifier>(_ classifier: C, _ x: Matrix<Double>, labels: [Int], groups: [Int]? = nil) throws -> ScoreCurve
    where C.Input == Matrix<Double> {
        try validate()
        let folds = try plan.split(labels: labels, groups: groups)
        let sizes = fractions.map { f in folds.map { max(2, Int((f * Double($0.train.count)).rounded())) } }
        let tasks = Parallel.map(fractions.count * folds.count) { task -> Result<(Double, Double, Double), Error> in
            let (p, f) = (task / folds.count, task % folds.count)
            let fold = folds[f]
            return Result {
                let trainLabels = fold.trainLabels(labels)
                let picked = sizes[p][f] >= fold.train.count
                    ? Array(fold.train.indices)
                    : StratifiedSample.rows(labels: trainLabels, size: sizes[p][f], seed: plan.seed &+ f)
                let rows = picked.map { fold.train[$0] }
                let start = DispatchTime.now().uptimeNanoseconds
                let model = try classifier.fit(x.rows(at: rows), labels: rows.map { labels[$0] })
                let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
                let train = try FoldScores.of(model, x.rows(at: rows), truth: rows.map { labels[$0] })["accuracy"]!
                let test = try FoldScores.of(model, x.rows(at: fold.test), truth: fold.testLabels(labels))["accuracy"]!
                return (train, test, seconds)
            }
        }
        let scores = try tasks.map { try $0.get() }
        let at = { (p: Int) in scores[(p * folds.count)..<((p + 1) * folds.count)] }
        let meanRows = sizes.map { Double($0.reduce(0, +)) / Double($0.count) }
        return ScoreCurve(
            parameter: "training rows", score: "accuracy", values: meanRows, labels: meanRows.map { String(Int($0.rounded())) },
            train: fractions.indices.map { at($0).map(\.0) }, test: fractions.indices.map { at($0).map(\.1) },
            fitSeconds: fractions.indices.map { p in at(p).map(\.2).reduce(0, +) / Double(folds.count) })
    }
}

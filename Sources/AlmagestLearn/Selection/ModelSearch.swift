import AlmagestCore
import Foundation

/// Grid and random search with cross-validation over a pipeline of registered estimators
/// (scikit-learn's `GridSearchCV` / `RandomizedSearchCV` with a `Pipeline`): every candidate —
/// options of the final estimator, or `step-name.option` for a preprocessing step — is fitted on
/// each fold's training rows only (the whole pipeline, samplers included, refitted per fold) and
/// scored on the fold's test rows (`FoldScores`: accuracy, macro F1, ROC AUC); the best mean
/// accuracy (the first on ties) is refitted on every row. Folds are stratified, repeated
/// `repeats` times, or by group when `run` is given group ids (`FoldPlan`).
/// Candidates × folds run in parallel (`Parallel`, in a fixed order), and the folds and random
/// draws come from the seed, so a search gives the same table at any thread count.
///
/// Cost: candidates × folds fits of the pipeline, plus one refit.
///
/// ```swift
/// let search = ModelSearch(steps: [EstimatorSpec("standard-scaler")], model: EstimatorSpec("mlp"),
///                          space: try SearchSpace.load(from: url), strategy: .random(candidates: 20), folds: 5)
/// let result = try search.run(x, labels: y)
/// result.best.options; result.model           // the winner refitted on all rows
/// ```
public struct ModelSearch: Sendable {
    public enum Strategy: Sendable, Equatable {
        case grid
        case random(candidates: Int)
    }

    public var steps: [EstimatorSpec]
    public var model: EstimatorSpec
    public var space: SearchSpace
    public var strategy: Strategy
    public var folds: Int
    /// Times the stratified folds are drawn anew (1: plain k-fold; must be 1 with groups).
    public var repeats: Int
    public var seed: Int

    public init(steps: [EstimatorSpec] = [], model: EstimatorSpec, space: SearchSpace, strategy: Strategy = .grid,
                folds: Int = 5, repeats: Int = 1, seed: Int = 0) {
        self.steps = steps
        self.model = model
        self.space = space
        self.strategy = strategy
        self.folds = folds
        self.repeats = repeats
        self.seed = seed
    }

    /// The option sets tried, in order; each is checked by building its pipeline, so an unknown
    /// option or a bad value fails here, before anything is fitted.
    public func candidates() throws -> [[String: ParameterValue]] {
        let sets: [[String: ParameterValue]]
        switch strategy {
        case .grid: sets = try space.grid()
        case let .random(count): sets = try space.random(count: count, seed: seed)
        }
        for set in sets { _ = try pipeline(set) }
        return sets
    }

    /// The pipeline of one candidate: `step.option` keys go to the step of that name, the others
    /// to the final estimator.
    public func pipeline(_ candidate: [String: ParameterValue]) throws -> Pipeline {
        var steps = self.steps, model = self.model
        for (key, value) in candidate {
            if let dot = key.firstIndex(of: "."), let s = steps.firstIndex(where: { $0.name == key[..<dot] }) {
                steps[s].options[String(key[key.index(after: dot)...])] = value
            } else {
                model.options[key] = value
            }
        }
        return try Pipeline(steps: steps, final: model)
    }

    /// Cross-validates every candidate and refits the best on all of `x`. With `groups` (one id
    /// per row) the folds are group folds.
    public func run(_ x: Matrix<Double>, labels: [Int], groups: [Int]? = nil) throws -> ModelSearchResult {
        let sets = try candidates()
        let splits = try FoldPlan(folds: folds, repeats: repeats, seed: seed).split(labels: labels, groups: groups)
        let pipelines = try sets.map(pipeline)
        let tasks = Parallel.map(sets.count * splits.count) { task -> Result<([String: Double], Double, Double), Error> in
            let (c, f) = (task / splits.count, task % splits.count)
            let fold = splits[f]
            return Result {
                let start = DispatchTime.now().uptimeNanoseconds
                let fitted = try pipelines[c].fit(x.rows(at: fold.train), labels: fold.trainLabels(labels))
                let fittedAt = DispatchTime.now().uptimeNanoseconds
                let scores = try FoldScores.of(fitted, x.rows(at: fold.test), truth: fold.testLabels(labels))
                let end = DispatchTime.now().uptimeNanoseconds
                return (scores, Double(fittedAt - start) / 1e9, Double(end - fittedAt) / 1e9)
            }
        }
        var results = [ModelSearchCandidate]()
        for (c, options) in sets.enumerated() {
            let scores = try (0..<splits.count).map { try tasks[c * splits.count + $0].get() }
            var byName = [String: [Double]]()
            for name in FoldScores.names where scores.allSatisfy({ $0.0[name] != nil }) { byName[name] = scores.map { $0.0[name]! } }
            results.append(ModelSearchCandidate(
                index: c, options: options, foldAccuracies: scores.map { $0.0["accuracy"]! }, foldScores: byName,
                fitSeconds: scores.map(\.1).reduce(0, +) / Double(scores.count),
                scoreSeconds: scores.map(\.2).reduce(0, +) / Double(scores.count)))
        }
        var best = results[0]
        for candidate in results.dropFirst() where candidate.meanAccuracy > best.meanAccuracy { best = candidate }
        let model = try pipelines[best.index].fit(x, labels: labels)
        return ModelSearchResult(candidates: results, best: best, model: model)
    }
}

/// One candidate of a search: its options and its cross-validated scores.
public struct ModelSearchCandidate: Codable, Sendable, Equatable {
    /// Position in the search's candidate list.
    public let index: Int
    public let options: [String: ParameterValue]
    /// Test accuracy of each fold.
    public let foldAccuracies: [Double]
    /// Each `FoldScores` name's score of each fold (a name missing where some fold lacked it).
    public let foldScores: [String: [Double]]
    /// Mean seconds to fit and to score one fold (wall clock; not part of the result's identity).
    public let fitSeconds: Double
    public let scoreSeconds: Double

    public init(index: Int, options: [String: ParameterValue], foldAccuracies: [Double], foldScores: [String: [Double]] = [:],
                fitSeconds: Double, scoreSeconds: Double) {
        self.index = index
        self.options = options
        self.foldAccuracies = foldAccuracies
        self.foldScores = foldScores.isEmpty ? ["accuracy": foldAccuracies] : foldScores
        self.fitSeconds = fitSeconds
        self.scoreSeconds = scoreSeconds
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        index = try c.decode(Int.self, forKey: .index)
        options = try c.decode([String: ParameterValue].self, forKey: .options)
        foldAccuracies = try c.decode([Double].self, forKey: .foldAccuracies)
        // Tables written before the other scores have accuracy only.
        foldScores = try c.decodeIfPresent([String: [Double]].self, forKey: .foldScores) ?? ["accuracy": foldAccuracies]
        fitSeconds = try c.decode(Double.self, forKey: .fitSeconds)
        scoreSeconds = try c.decode(Double.self, forKey: .scoreSeconds)
    }

    public var meanAccuracy: Double { Self.mean(foldAccuracies) }

    /// Population standard deviation of the fold accuracies.
    public var accuracyDeviation: Double { Self.deviation(foldAccuracies) }

    /// Mean and population standard deviation of a score over the folds; nil when not scored.
    public func summary(of score: String) -> (mean: Double, deviation: Double)? {
        foldScores[score].map { (Self.mean($0), Self.deviation($0)) }
    }

    static func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(max(v.count, 1)) }

    static func deviation(_ v: [Double]) -> Double {
        let m = mean(v)
        return (v.map { ($0 - m) * ($0 - m) }.reduce(0, +) / Double(max(v.count, 1))).squareRoot()
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.index == b.index && a.options == b.options && a.foldAccuracies == b.foldAccuracies
    }
}

/// What a search found: every candidate, the best, and the best refitted on every row.
public struct ModelSearchResult: Sendable {
    public let candidates: [ModelSearchCandidate]
    public let best: ModelSearchCandidate
    public let model: PipelineModel
}

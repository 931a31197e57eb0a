import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestTracking
import Foundation

/// How the classification experiment searches before its final fit: a grid or a random search
/// over `space`, cross-validated with `folds` folds of the training part (stratified, drawn
/// `repeats` times; by group when the experiment has a group column).
///
/// ```swift
/// let search = SearchSettings(kind: .random, space: space, folds: 5, candidates: 20)
/// let result = try ClassificationExperiment(model: EstimatorSpec("mlp"), search: search).run(on: data, store: store)
/// ```
public struct SearchSettings: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable, CaseIterable { case grid, random }

    public var kind: Kind
    public var space: SearchSpace
    public var folds: Int
    /// Draws of a random search (a grid takes every combination).
    public var candidates: Int
    /// Times the stratified folds are drawn anew (repeated k-fold); 1 with groups.
    public var repeats: Int

    public init(kind: Kind, space: SearchSpace, folds: Int = 5, candidates: Int = 10, repeats: Int = 1) {
        self.kind = kind
        self.space = space
        self.folds = folds
        self.candidates = candidates
        self.repeats = repeats
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        kind = try c.decode(Kind.self, forKey: .kind)
        space = try c.decode(SearchSpace.self, forKey: .space)
        folds = try c.decodeIfPresent(Int.self, forKey: .folds) ?? 5
        candidates = try c.decodeIfPresent(Int.self, forKey: .candidates) ?? 10
        repeats = try c.decodeIfPresent(Int.self, forKey: .repeats) ?? 1
    }

    /// The search these settings describe over the pipeline of `steps` and `model`.
    public func modelSearch(steps: [EstimatorSpec], model: EstimatorSpec, seed: Int) -> ModelSearch {
        ModelSearch(steps: steps, model: model, space: space, strategy: kind == .grid ? .grid : .random(candidates: candidates),
                    folds: folds, repeats: repeats, seed: seed)
    }
}

extension ClassificationExperiment {
    /// Searches on the training part, logs every candidate as a run (its options as parameters,
    /// `candidate` its index; metrics: mean and deviation of the fold accuracies, seconds per fold),
    /// and returns the best candidate's pipeline with the whole table. The sweep page plots these
    /// runs against any option.
    func searched(
        _ settings: SearchSettings, dataset: Dataset, names: [String], y: [Int], groups: [Int]?, split: TrainTestIndices,
        store: RunStore?, progress: ProgressLog
    ) throws -> (pipeline: Pipeline, candidates: [ModelSearchCandidate]) {
        let search = settings.modelSearch(steps: preprocessing, model: model, seed: seed)
        let count = try search.candidates().count
        let plan = FoldPlan(folds: settings.folds, repeats: settings.repeats, seed: seed)
        let result = try progress.phase("\(settings.kind.rawValue) search: \(count) candidates x \(plan.label(grouped: groups != nil))") {
            try search.run(dataset.features.rows(at: split.train), labels: split.trainLabels(y), groups: groups.map(split.trainLabels))
        }
        for candidate in result.candidates {
            var parameters = try self.parameters(of: try search.pipeline(candidate.options), dataset: dataset, names: names)
            parameters.merge(["search": .string(settings.kind.rawValue), "candidate": .int(candidate.index),
                              "folds": .int(settings.folds), "repeats": .int(settings.repeats)]) { $1 }
            var metrics = ["cv_fit_seconds": candidate.fitSeconds, "cv_score_seconds": candidate.scoreSeconds]
            for score in FoldScores.names {
                guard let (mean, deviation) = candidate.summary(of: score) else { continue }
                metrics["cv_\(score)_mean"] = mean
                metrics["cv_\(score)_std"] = deviation
            }
            _ = try RunStore.track(in: store, experiment: experiment, algorithm: model.name, parameters: parameters) { run in
                try run?.writeJSON("metrics.json", metrics)
                return RunOutcome((), metrics: metrics, specs: MetricCatalog.specs(for: metrics.keys), timings: [:])
            }
        }
        return (try search.pipeline(result.best.options), result.candidates)
    }

    /// One line per candidate: its options, mean ± deviation of each fold score (accuracy, macro
    /// F1, ROC AUC), fit and score seconds per fold; the best accuracy marked with *.
    public static func searchTable(_ candidates: [ModelSearchCandidate]) -> String {
        let keys = Array(Set(candidates.flatMap(\.options.keys))).sorted()
        let scores = FoldScores.names.filter { name in candidates.contains { $0.foldScores[name] != nil } }
        let best = candidates.map(\.meanAccuracy).max()
        var table = TextTable(header: ["#"] + keys + scores.map { "cv \($0.replacingOccurrences(of: "_", with: " "))" }
            + ["fit s", "score s"])
        for c in candidates {
            let cells = scores.map { name -> String in
                guard let (mean, deviation) = c.summary(of: name) else { return "" }
                return String(format: "%.4f ± %.4f", mean, deviation) + (name == "accuracy" && mean == best ? "*" : "")
            }
            table.append(["\(c.index)"] + keys.map { c.options[$0]?.description ?? "" } + cells
                + [String(format: "%.3f", c.fitSeconds), String(format: "%.3f", c.scoreSeconds)])
        }
        return table.rendered
    }
}

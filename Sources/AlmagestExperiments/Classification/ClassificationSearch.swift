import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestTracking
import Foundation

/// How the classification experiment searches before its final fit: a grid or a random search
/// over `space`, cross-validated with `folds` stratified folds of the training part.
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

    public init(kind: Kind, space: SearchSpace, folds: Int = 5, candidates: Int = 10) {
        self.kind = kind
        self.space = space
        self.folds = folds
        self.candidates = candidates
    }
}

extension ClassificationExperiment {
    /// Searches on the training part, logs every candidate as a run (its options as parameters,
    /// `candidate` its index; metrics: mean and deviation of the fold accuracies, seconds per fold),
    /// and returns the best candidate's pipeline with the whole table. The sweep page plots these
    /// runs against any option.
    func searched(
        _ settings: SearchSettings, dataset: Dataset, names: [String], y: [Int], split: TrainTestIndices, store: RunStore?,
        progress: ProgressLog
    ) throws -> (pipeline: Pipeline, candidates: [ModelSearchCandidate]) {
        let search = ModelSearch(
            steps: preprocessing, model: model, space: settings.space,
            strategy: settings.kind == .grid ? .grid : .random(candidates: settings.candidates), folds: settings.folds, seed: seed)
        let count = try search.candidates().count
        let result = try progress.phase("\(settings.kind.rawValue) search: \(count) candidates x \(settings.folds) folds") {
            try search.run(dataset.features.rows(at: split.train), labels: split.trainLabels(y))
        }
        for candidate in result.candidates {
            var parameters = try self.parameters(of: try search.pipeline(candidate.options), dataset: dataset, names: names)
            parameters.merge(["search": .string(settings.kind.rawValue), "candidate": .int(candidate.index),
                              "folds": .int(settings.folds)]) { $1 }
            let metrics = [
                "cv_accuracy_mean": candidate.meanAccuracy, "cv_accuracy_std": candidate.accuracyDeviation,
                "cv_fit_seconds": candidate.fitSeconds, "cv_score_seconds": candidate.scoreSeconds,
            ]
            _ = try RunStore.track(in: store, experiment: experiment, algorithm: model.name, parameters: parameters) { run in
                try run?.writeJSON("metrics.json", metrics)
                return RunOutcome((), metrics: metrics, specs: MetricCatalog.specs(for: metrics.keys), timings: [:])
            }
        }
        return (try search.pipeline(result.best.options), result.candidates)
    }

    /// One line per candidate: its options, mean and deviation of the fold accuracies, fit seconds;
    /// the best marked with *.
    public static func searchTable(_ candidates: [ModelSearchCandidate]) -> String {
        let keys = Array(Set(candidates.flatMap(\.options.keys))).sorted()
        let best = candidates.map(\.meanAccuracy).max()
        var table = TextTable(header: ["#"] + keys + ["cv accuracy", "std", "fit s"])
        for c in candidates {
            table.append(["\(c.index)"] + keys.map { c.options[$0]?.description ?? "" }
                + [String(format: "%.4f", c.meanAccuracy) + (c.meanAccuracy == best ? "*" : ""),
                   String(format: "%.4f", c.accuracyDeviation), String(format: "%.3f", c.fitSeconds)])
        }
        return table.rendered
    }
}

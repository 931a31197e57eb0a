import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestPlot
import AlmagestTracking
import Foundation

/// The NMF low-rank-bias experiment: factorise a data matrix with each `FactorizationSpec`,
/// track the errors and the spectrum of W·H during training, and log every run with its files.
///
/// Each run directory holds `parameters.json`, `metrics.json` (final relative and absolute errors,
/// effective rank, nuclear ratio, σ1, σ2, iterations, plateaus found, fit seconds), `summary.json`
/// (the same plus the stop reason and the plateaus), `history.csv` and `history.json`, the factors
/// `w.npy`, `h.npy` (and `layer_k.npy` for deep NMF), and the figures of `FactorizationPlots` as
/// `.svg` and `.png`. Cost: the fits, O(n m r) per iteration, plus the figures.
///
/// ```swift
/// let experiment = FactorizationExperiment(experiment: "nmf")
/// let results = try experiment.run([FactorizationSpec(method: .mu, rank: 10)], on: data, store: store)
/// print(FactorizationExperiment.table(results))
/// ```
public struct FactorizationExperiment: Sendable {
    /// Experiment name (the folder under the run store).
    public var experiment: String
    /// Figure formats written: "svg", "png".
    public var plotFormats: [String]

    public init(experiment: String = "nmf", plotFormats: [String] = ["svg", "png"]) {
        self.experiment = experiment
        self.plotFormats = plotFormats
    }

    /// Runs every spec on `data`; logs each run in `store` when one is given. A run that fails is
    /// logged as failed and the error is rethrown.
    public func run(_ specs: [FactorizationSpec], on data: FactorizationData, store: RunStore?) throws -> [FactorizationResult] {
        for format in plotFormats {
            try require(format == "svg" || format == "png", "plot format", format, expected: "svg or png")
        }
        try data.matrix.validateForFit("factorisation input")
        return try specs.map { try runOne($0, data: data, store: store) }
    }

    /// One line per run: label, relative error, effective rank, iterations, stop reason, seconds.
    public static func table(_ results: [FactorizationResult]) -> String {
        var lines = ["run".padding(toLength: 30, withPad: " ", startingAt: 0)
            + ["rel. error", "eff. rank", "iterations", "stop", "seconds"].map { $0.leftPadded(to: 13) }.joined()]
        for r in results {
            let cells = [
                String(format: "%.6f", r.model.relativeError), String(format: "%.3f", r.metrics["effective_rank"] ?? .nan),
                "\(r.model.iterations)", r.model.stopReason.rawValue, String(format: "%.3f", r.metrics["fit_seconds"] ?? 0),
            ]
            lines.append(r.spec.label.padding(toLength: 30, withPad: " ", startingAt: 0) + cells.map { $0.leftPadded(to: 13) }.joined())
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - Private

    private func runOne(_ spec: FactorizationSpec, data: FactorizationData, store: RunStore?) throws -> FactorizationResult {
        var parameters = spec.parameters
        parameters["source"] = .string(data.source)
        parameters["samples"] = .int(data.matrix.rows)
        parameters["features"] = .int(data.matrix.columns)
        let run = try store?.start(experiment: experiment, algorithm: "nmf-\(spec.method.rawValue)", parameters: parameters)
        do {
            let result = try compute(spec, data: data, run: run)
            let record = try run?.finish(metrics: result.metrics, timings: result.timings)
            return FactorizationResult(spec: spec, model: result.model, metrics: result.metrics, timings: result.timings,
                                       plateaus: result.plateaus, runID: record?.id, directory: run?.directory)
        } catch {
            _ = try? run?.fail(error)
            throw error
        }
    }

    private func compute(_ spec: FactorizationSpec, data: FactorizationData, run: ActiveRun?) throws -> FactorizationResult {
        var clock = Stopwatch()
        let model = try spec.nmf().fit(data.matrix)
        var timings = ["fit": clock.lap()]
        let spectrum = SpectrumSummary(singularValues: try SpectrumTracker.singularValuesOfProduct(model.w, model.h))
        let plots = FactorizationPlots(model: model, data: data, plateau: spec.plateauDetector, title: spec.label)
        let plateaus = plots.plateauIntervals
        let squaredNorm = data.matrix.squaredNorm()
        let metrics: [String: Double] = [
            "relative_error": model.relativeError, "absolute_error": (model.relativeError * squaredNorm).squareRoot(),
            "effective_rank": spectrum.effectiveRank, "nuclear_over_operator": spectrum.nuclearOverOperator,
            "sigma1": spectrum.sigma1, "sigma2": spectrum.sigma2, "iterations": Double(model.iterations),
            "plateaus": Double(plateaus.count), "stopped_on_plateau": model.stopReason == .plateau ? 1 : 0,
            "fit_seconds": timings["fit"]!,
        ]
        if let run {
            try run.writeJSON("metrics.json", metrics)
            try run.writeJSON("summary.json", FactorizationSummary(
                label: spec.label, stopReason: model.stopReason.rawValue, metrics: metrics,
                plateaus: plateaus.map { [$0.from, $0.to] }))
            try run.writeArtifact("history.csv", contents: Data(model.history.csv().utf8))
            try run.writeJSON("history.json", model.history)
            try run.writeArtifact("w.npy", contents: NPY.encode(model.w))
            try run.writeArtifact("h.npy", contents: NPY.encode(model.h))
            for (k, layer) in model.layers.enumerated() {
                try run.writeArtifact("layer_\(k + 1).npy", contents: NPY.encode(layer))
            }
            timings["artifacts"] = clock.lap()
            for (name, chart) in plots.figures() {
                for format in plotFormats {
                    let bytes = format == "svg" ? Data(try chart.svg().utf8) : try chart.png()
                    try run.writeArtifact("\(name).\(format)", contents: bytes)
                }
            }
            timings["plots"] = clock.lap()
        }
        timings["total"] = clock.total
        return FactorizationResult(spec: spec, model: model, metrics: metrics, timings: timings, plateaus: plateaus,
                                   runID: nil, directory: nil)
    }
}

/// What one factorisation run produced.
public struct FactorizationResult: Sendable {
    public let spec: FactorizationSpec
    public let model: NMFModel<Double>
    public let metrics: [String: Double]
    /// Seconds: fit, artifacts, plots, total.
    public let timings: [String: Double]
    /// Effective-rank plateaus (iteration intervals).
    public let plateaus: [MarkedInterval]
    public let runID: String?
    public let directory: URL?
}

/// The `summary.json` of a run.
struct FactorizationSummary: Codable {
    let label: String
    let stopReason: String
    let metrics: [String: Double]
    let plateaus: [[Double]]
}

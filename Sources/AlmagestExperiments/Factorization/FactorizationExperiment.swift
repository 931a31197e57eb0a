import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestPlot
import AlmagestTracking
import Foundation

/// The NMF low-rank-bias experiment: factorise a data matrix with each registered factorizer
/// (`FactorizationSpec`, registered as `nmf`, or any other whose model is a
/// `TrackedFactorization`), track the errors and the spectrum of W·H during training, and log
/// every run with its files. The run parameters are the factorizer's options, flattened.
///
/// Each run directory holds `parameters.json`, `metrics.json` (final relative and absolute errors,
/// effective rank, nuclear ratio, σ1, σ2, iterations, plateaus found, fit seconds), `summary.json`
/// (`FactorizationSummary`: the same plus the stop reason and the plateaus), `history.csv` and `history.json`, the factors
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
    public func run(
        _ specs: [FactorizationSpec], on data: FactorizationData, store: RunStore?, progress: ProgressLog = .silent
    ) throws -> [FactorizationResult] {
        try run(factorizers: specs.map { try EstimatorRegistry.shared.erase($0).factorizer! }, on: data, store: store, progress: progress)
    }

    /// Runs every registered factorizer on `data`; logs each run in `store` when one is given.
    /// Throws `FitError.invalidParameter` for a factorizer whose model does not record its
    /// training (`TrackedFactorization`).
    public func run(
        factorizers: [AnyFactorizer], on data: FactorizationData, store: RunStore?, progress: ProgressLog = .silent
    ) throws -> [FactorizationResult] {
        for format in plotFormats {
            try require(format == "svg" || format == "png", "plot format", format, expected: "svg or png")
        }
        try data.matrix.validateForFit("factorisation input")
        return try factorizers.map { try runOne($0, data: data, store: store, progress: progress) }
    }

    /// One line per run: label, relative error, effective rank, iterations, stop reason, seconds.
    public static func table(_ results: [FactorizationResult]) -> String {
        var table = TextTable(header: ["run", "rel. error", "eff. rank", "iterations", "stop", "seconds"])
        for r in results {
            table.append([
                r.label, String(format: "%.6f", r.model.relativeError), String(format: "%.3f", r.metrics["effective_rank"] ?? .nan),
                "\(r.model.iterations)", r.model.history.stopReason.rawValue, String(format: "%.3f", r.metrics["fit_seconds"] ?? 0),
            ])
        }
        return table.rendered
    }

    // MARK: - Private

    private func runOne(
        _ factorizer: AnyFactorizer, data: FactorizationData, store: RunStore?, progress: ProgressLog
    ) throws -> FactorizationResult {
        var parameters = try factorizer.configuration.parameters
        parameters["source"] = .string(data.source)
        parameters["samples"] = .int(data.matrix.rows)
        parameters["features"] = .int(data.matrix.columns)
        let tracked = try RunStore.track(
            in: store, experiment: experiment, algorithm: factorizer.configuration.algorithmName, parameters: parameters
        ) { run in
            try compute(factorizer, parameters: parameters, data: data, run: run, progress: progress)
        }
        let r = tracked.value
        return FactorizationResult(factorizer: factorizer, label: r.label, model: r.model, metrics: r.metrics, timings: r.timings,
                                   plateaus: r.plateaus, runID: tracked.record?.id, directory: tracked.directory)
    }

    private func compute(
        _ factorizer: AnyFactorizer, parameters: [String: ParameterValue], data: FactorizationData, run: ActiveRun?,
        progress: ProgressLog
    ) throws -> RunOutcome<FactorizationResult> {
        var clock = Stopwatch()
        let label = factorizer.configuration.label
        let fitted = try progress.phase("\(label): fit") { try factorizer.fit(data.matrix) }
        var timings = ["fit": clock.lap()]
        guard let model = fitted.base as? any TrackedFactorization else {
            throw FitError.invalidParameter(
                name: "factorizer", value: factorizer.name,
                expected: "a factorisation whose model records its training (TrackedFactorization), such as nmf")
        }
        let spectrum = SpectrumSummary(singularValues: try SpectrumTracker.singularValuesOfProduct(model.w, model.h))
        let plots = FactorizationPlots(model: model, data: data, plateau: Self.plateauDetector(parameters), title: label)
        let plateaus = plots.plateauIntervals
        let squaredNorm = data.matrix.squaredNorm()
        let metrics: [String: Double] = [
            "relative_error": model.relativeError, "absolute_error": (model.relativeError * squaredNorm).squareRoot(),
            "effective_rank": spectrum.effectiveRank, "nuclear_over_operator": spectrum.nuclearOverOperator,
            "sigma1": spectrum.sigma1, "sigma2": spectrum.sigma2, "iterations": Double(model.iterations),
            "plateaus": Double(plateaus.count), "stopped_on_plateau": model.history.stopReason == .plateau ? 1 : 0,
            "fit_seconds": timings["fit"]!,
        ]
        if let run {
            try run.writeJSON("metrics.json", metrics)
            try run.write(FactorizationSummary(
                label: label, stopReason: model.history.stopReason.rawValue, metrics: metrics,
                plateaus: plateaus.map { [$0.from, $0.to] }))
            try run.writeArtifact("history.csv", contents: Data(model.history.csv().utf8))
            try run.writeJSON("history.json", model.history)
            try run.writeArtifact("w.npy", contents: NPY.encode(model.w))
            try run.writeArtifact("h.npy", contents: NPY.encode(model.h))
            for (k, layer) in model.layers.enumerated() {
                try run.writeArtifact("layer_\(k + 1).npy", contents: NPY.encode(layer))
            }
            timings["artifacts"] = clock.lap()
            try progress.phase("\(label): figures") {
                for (name, chart) in plots.figures() {
                    for format in plotFormats {
                        let bytes = format == "svg" ? Data(try chart.svg().utf8) : try chart.png()
                        try run.writeArtifact("\(name).\(format)", contents: bytes)
                    }
                }
            }
            timings["plots"] = clock.lap()
        }
        timings["total"] = clock.total
        let result = FactorizationResult(factorizer: factorizer, label: label, model: model, metrics: metrics, timings: timings,
                                         plateaus: plateaus, runID: nil, directory: nil)
        return RunOutcome(result, metrics: metrics, specs: MetricCatalog.specs(for: metrics.keys), timings: timings)
    }

    /// The plateau detector of the factorizer's options (`plateau_window`, `plateau_tolerance`),
    /// or the default one.
    private static func plateauDetector(_ parameters: [String: ParameterValue]) -> PlateauDetector {
        let defaults = PlateauDetector()
        let window = parameters["plateau_window"].flatMap { if case let .int(v) = $0 { return v } else { return nil } }
        let tolerance = parameters["plateau_tolerance"].flatMap { value -> Double? in
            switch value {
            case let .double(v): return v
            case let .int(v): return Double(v)
            default: return nil
            }
        }
        return PlateauDetector(window: window ?? defaults.window, tolerance: tolerance ?? defaults.tolerance)
    }
}

/// What one factorisation run produced.
public struct FactorizationResult: Sendable {
    /// The registered factorizer that ran.
    public let factorizer: AnyFactorizer
    /// Its short label ("mu r10").
    public let label: String
    public let model: any TrackedFactorization
    public let metrics: [String: Double]
    /// Seconds: fit, artifacts, plots, total.
    public let timings: [String: Double]
    /// Effective-rank plateaus (iteration intervals).
    public let plateaus: [MarkedInterval]
    public let runID: String?
    public let directory: URL?
}

import AlmagestCore
import Foundation

/// What a tracked piece of work returns: its value, its metrics with what each means, and the
/// seconds per phase.
public struct RunOutcome<Value> {
    public var value: Value
    public var metrics: [String: Double]
    public var specs: [MetricSpec]
    public var timings: [String: Double]

    public init(_ value: Value, metrics: [String: Double], specs: [MetricSpec], timings: [String: Double]) {
        self.value = value
        self.metrics = metrics
        self.specs = specs
        self.timings = timings
    }
}

/// A tracked piece of work that ended: its value and, when a store was given, its final record
/// and directory.
public struct TrackedRun<Value> {
    public let value: Value
    public let record: RunRecord?
    public let directory: URL?
}

extension RunStore {
    /// The one run lifecycle: starts a run in `store` (when there is one), gives it to `body` to
    /// write its artifacts, then ends it as finished with the outcome's metrics and timings — or,
    /// when `body` (or the end itself) throws, as failed with the error, which is then rethrown.
    /// With no store, `body` runs with no run and nothing is logged.
    ///
    /// ```swift
    /// let tracked = try RunStore.track(in: store, experiment: "digits", algorithm: "kmeans", parameters: p) { run in
    ///     let model = try KMeans(clusters: 10).fit(x)
    ///     try run?.writeJSON("model.json", model)
    ///     return RunOutcome(model, metrics: ["inertia": model.inertia], specs: [.loss("inertia")], timings: [:])
    /// }
    /// ```
    public static func track<Value>(
        in store: RunStore?, experiment: String, algorithm: String, parameters: [String: ParameterValue],
        _ body: (ActiveRun?) throws -> RunOutcome<Value>
    ) throws -> TrackedRun<Value> {
        let run = try store?.start(experiment: experiment, algorithm: algorithm, parameters: parameters)
        do {
            let outcome = try body(run)
            let record = try run?.finish(metrics: outcome.metrics, specs: outcome.specs, timings: outcome.timings)
            return TrackedRun(value: outcome.value, record: record, directory: run?.directory)
        } catch {
            _ = try? run?.fail(error)
            throw error
        }
    }
}

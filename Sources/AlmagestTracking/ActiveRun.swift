import AlmagestData
import Foundation

/// A run in progress: writes artifacts into its directory, then ends as finished or failed.
///
/// ```swift
/// let run = try store.start(experiment: "digits", algorithm: "kmeans", parameters: [:])
/// try run.writeJSON("metrics.json", metrics)
/// try run.finish(metrics: metrics, timings: ["total": 1.2])
/// ```
public final class ActiveRun: @unchecked Sendable {
    /// The run directory.
    public let directory: URL
    private let store: RunStore
    private var record: RunRecord
    private let lock = NSLock()

    init(store: RunStore, record: RunRecord, directory: URL) {
        self.store = store
        self.record = record
        self.directory = directory
        self.record.artifacts = ["parameters.json"]
    }

    /// The run id.
    public var id: String { record.id }

    /// Writes a file of the run atomically; refuses to replace an existing one.
    @discardableResult
    public func writeArtifact(_ name: String, contents: Data) throws -> URL {
        let url = try artifactURL(name)
        do {
            try AtomicFile.write(contents, to: url)
        } catch DataError.wouldOverwrite(let path) {
            throw TrackingError.artifactExists(path: path)
        }
        lock.withLock { record.artifacts.append(name) }
        return url
    }

    /// Writes an `Encodable` value as pretty, key-sorted JSON.
    @discardableResult
    public func writeJSON<T: Encodable>(_ name: String, _ value: T) throws -> URL {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try writeArtifact(name, contents: try encoder.encode(value))
    }

    /// Ends the run as finished with its scores, what each score means, and timings; returns the
    /// final record. Throws `TrackingError.unspecifiedMetric` for a metric without a spec, so that
    /// nothing downstream has to guess whether it is better high or low.
    @discardableResult
    public func finish(metrics: [String: Double], specs: [MetricSpec], timings: [String: Double]) throws -> RunRecord {
        let named = Dictionary(specs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        if let missing = metrics.keys.sorted().first(where: { named[$0] == nil }) {
            throw TrackingError.unspecifiedMetric(name: missing, run: record.id)
        }
        let final: RunRecord = try lock.withLock {
            guard record.status == .running else { throw TrackingError.alreadyEnded(id: record.id) }
            record.metrics = metrics
            record.metricSpecs = metrics.keys.sorted().map { named[$0]! }
            record.timings = timings
            record.status = .finished
            record.endedAt = Date()
            return record
        }
        try store.append(final)
        return final
    }

    /// Ends the run as failed with the error's message.
    @discardableResult
    public func fail(_ error: Error) throws -> RunRecord {
        let final: RunRecord = try lock.withLock {
            guard record.status == .running else { throw TrackingError.alreadyEnded(id: record.id) }
            record.status = .failed
            record.error = "\(error)"
            record.endedAt = Date()
            return record
        }
        try store.append(final)
        return final
    }

    // MARK: - Private

    private func artifactURL(_ name: String) throws -> URL {
        let parts = name.split(separator: "/")
        guard !name.isEmpty, !name.hasPrefix("/"), !parts.contains(".."), !parts.contains(".") else {
            throw TrackingError.invalidName(what: "artifact", name: name)
        }
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        return url
    }
}

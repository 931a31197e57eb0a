import AlmagestCore
import AlmagestData
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The run store: a folder holding one directory per run (`<experiment>/<run-id>/`) and the
/// append-only log `runs.jsonl`, one JSON record per line, which is the source of truth.
///
/// Appends take an exclusive `flock` on the log and write each record with one `write` call, so
/// concurrent writers (a parallel sweep, two processes) never interleave lines. Artifacts are
/// written atomically (temporary file, then rename) and never replace an existing file.
///
/// ```swift
/// let store = try RunStore(root: URL(fileURLWithPath: "runs"))
/// let run = try store.start(experiment: "digits", algorithm: "kmeans", parameters: ["clusters": 10])
/// try run.writeArtifact("labels.csv", contents: Data(...))
/// let record = try run.finish(metrics: ["ami": 0.61], timings: ["fit": 0.02])
/// let all = try store.runs()          // newest state of every run
/// ```
public final class RunStore: Sendable {
    /// The store folder.
    public let root: URL
    /// `root/runs.jsonl`.
    public var logURL: URL { root.appendingPathComponent("runs.jsonl") }
    /// The SQLite index of the log (`root/runs.sqlite`), updated after every append.
    public let index: RunIndex

    /// Opens (and creates) a store. Runs left `.running` by a process that died are marked failed.
    public init(root: URL) throws {
        self.root = root
        self.index = RunIndex(
            logURL: root.appendingPathComponent("runs.jsonl"), databaseURL: root.appendingPathComponent("runs.sqlite"))
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw TrackingError.io(path: root.path, reason: "\(error.localizedDescription)")
        }
        try markInterruptedRuns()
    }

    /// Starts a run: creates its directory and logs it as running.
    public func start(experiment: String, algorithm: String, parameters: [String: ParameterValue]) throws -> ActiveRun {
        try Self.checkName(experiment, what: "experiment")
        let started = Date()
        let id = Self.makeID(experiment: experiment, algorithm: algorithm, at: started)
        let relative = experiment + "/" + id
        let directory = root.appendingPathComponent(relative, isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw TrackingError.io(path: directory.path, reason: "\(error.localizedDescription)")
        }
        var record = RunRecord(
            id: id, experiment: experiment, algorithm: algorithm, parameters: parameters, startedAt: started,
            version: Almagest.version, directory: relative, writer: RunWriter.current)
        let environment = ProcessInfo.processInfo.environment
        record.sweep = environment["ALMAGEST_SWEEP"]
        record.sweepKey = environment["ALMAGEST_SWEEP_KEY"]
        try append(record)
        try AtomicFile.write(try Self.encoder.encode(parameters), to: directory.appendingPathComponent("parameters.json"))
        return ActiveRun(store: self, record: record, directory: directory)
    }

    /// The newest record of every run, in the order the runs started.
    public func runs() throws -> [RunRecord] {
        let all = try records()
        var latest = [String: RunRecord]()
        var order = [String]()
        for record in all {
            if latest[record.id] == nil { order.append(record.id) }
            latest[record.id] = record
        }
        return order.compactMap { latest[$0] }
    }

    /// Every record in the log, oldest first. Lines that do not parse (a torn last line after a
    /// crash) are skipped; the rest of the log stays readable.
    public func records() throws -> [RunRecord] {
        guard FileManager.default.fileExists(atPath: logURL.path) else { return [] }
        let data: Data
        do { data = try Data(contentsOf: logURL) } catch {
            throw TrackingError.io(path: logURL.path, reason: "\(error.localizedDescription)")
        }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? Self.decoder.decode(RunRecord.self, from: Data($0)) }
    }

    /// Appends one record to the log under an exclusive lock.
    func append(_ record: RunRecord) throws {
        var line = try Self.encoder.encode(record)
        line.append(UInt8(ascii: "\n"))
        let fd = open(logURL.path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard fd >= 0 else { throw TrackingError.io(path: logURL.path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        flock(fd, LOCK_EX)
        defer { flock(fd, LOCK_UN) }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else {
            throw TrackingError.io(path: logURL.path, reason: "short write (\(written) of \(line.count) bytes)")
        }
        fsync(fd)
        try? index.update()  // the log is the truth; a failed index update is redone at the next query
    }

    // MARK: - Private

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.dateEncodingStrategy = .iso8601
        return e
    }()
    static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()

    /// Marks failed the runs still `running` whose writing process is gone. Runs of live processes
    /// (this one included, e.g. a dashboard opened during a sweep) and runs written on another host
    /// are left alone.
    private func markInterruptedRuns() throws {
        for var record in try runs() where record.status == .running && RunWriter.isGone(record.writer) {
            record.status = .failed
            record.error = "interrupted: the process ended before the run finished"
            record.endedAt = Date()
            try append(record)
        }
    }

    private static func makeID(experiment: String, algorithm: String, at date: Date) -> String {
        let suffix = UUID().uuidString.prefix(6).lowercased()
        let safe = algorithm.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "-" }
        return "\(UTCTimestamp.compact(date))-\(String(safe))-\(suffix)"
    }

    static func checkName(_ name: String, what: String) throws {
        let allowed = name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }
        guard !name.isEmpty, allowed else {
            throw TrackingError.invalidName(what: what, name: name)
        }
    }
}

/// Errors of the run store.
public enum TrackingError: Error, Equatable, Sendable, CustomStringConvertible {
    case io(path: String, reason: String)
    case invalidName(what: String, name: String)
    case artifactExists(path: String)
    case alreadyEnded(id: String)
    case unspecifiedMetric(name: String, run: String)

    public var description: String {
        switch self {
        case let .io(path, reason): return "cannot write \(path): \(reason)"
        case let .invalidName(what, name):
            return "invalid \(what) name \"\(name)\": expected letters, digits, '-' or '_' only"
        case let .artifactExists(path): return "\(path) already exists; a run never overwrites its artifacts"
        case let .alreadyEnded(id): return "run \(id) has already ended"
        case let .unspecifiedMetric(name, run):
            return "run \(run) logs the metric \(name) without a MetricSpec; expected one spec per metric (better higher or lower)"
        }
    }
}

/// Who writes a run: `host:pid`, and whether that process still exists.
enum RunWriter {
    static let current: String = "\(ProcessInfo.processInfo.hostName):\(getpid())"

    /// True when `writer` names a process on this host that no longer exists, or is unknown (a
    /// record from before writers were logged).
    static func isGone(_ writer: String?) -> Bool {
        guard let writer, let colon = writer.lastIndex(of: ":"), let pid = Int32(writer[writer.index(after: colon)...]) else {
            return true
        }
        guard writer[..<colon] == ProcessInfo.processInfo.hostName[...] else { return false }
        if pid == getpid() { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}

import AlmagestData
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The log of one sweep, `<store>/sweeps/<name>/sweep.jsonl`: one JSON event per line (a Slurm
/// job submitted, a run started, finished, failed or interrupted), appended under an exclusive
/// `flock` with one `write` call per line, like the run store's log, so the driver and every
/// Slurm array task append to it at once without losing or tearing a line. The newest event of a
/// run key is the run's state; `--resume` skips the keys whose state is finished.
///
/// ```swift
/// let log = try SweepLog(store: URL(fileURLWithPath: "runs"), name: "kmeans-k")
/// try log.append(SweepEvent(.finished, key: c.key, index: c.index, seconds: 1.2))
/// let finished = try log.states().filter { $0.value.event == .finished }
/// ```
public struct SweepLog: Sendable {
    /// `<store>/sweeps/<name>/`: the log, the Slurm scripts and outputs, one output file per run.
    public let folder: URL
    public var url: URL { folder.appendingPathComponent("sweep.jsonl") }
    /// The combined standard output and error of run `key`.
    public func outputURL(key: String) -> URL { folder.appendingPathComponent("output/\(key).log") }

    public init(store: URL, name: String) throws {
        folder = store.appendingPathComponent("sweeps/\(name)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: folder.appendingPathComponent("output"), withIntermediateDirectories: true)
        } catch {
            throw DataError.io(path: folder.path, reason: error.localizedDescription)
        }
    }

    /// Appends one event under the lock.
    public func append(_ event: SweepEvent) throws {
        var line = try Self.encoder.encode(event)
        line.append(UInt8(ascii: "\n"))
        let fd = open(url.path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
        guard fd >= 0 else { throw DataError.io(path: url.path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        flock(fd, LOCK_EX)
        defer { flock(fd, LOCK_UN) }
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else { throw DataError.io(path: url.path, reason: "short write") }
        fsync(fd)
    }

    /// Every event, oldest first (a torn line is skipped).
    public func events() throws -> [SweepEvent] {
        guard FileManager.default.fileExists(atPath: url.path) else { return [] }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw DataError.io(path: url.path, reason: error.localizedDescription) }
        return data.split(separator: UInt8(ascii: "\n")).compactMap { try? Self.decoder.decode(SweepEvent.self, from: Data($0)) }
    }

    /// The newest run event (started, finished, failed, interrupted) of every key.
    public func states() throws -> [String: SweepEvent] {
        var states = [String: SweepEvent]()
        for event in try events() where event.event != .submitted && event.event != .cancelled {
            if let key = event.key { states[key] = event }
        }
        return states
    }

    // MARK: - Private

    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        e.dateEncodingStrategy = .iso8601
        return e
    }()
    private static let decoder: JSONDecoder = {
        let d = JSONDecoder()
        d.dateDecodingStrategy = .iso8601
        return d
    }()
}

/// One line of a sweep's log.
public struct SweepEvent: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable {
        /// A Slurm job array was submitted (`job`, `tasks`: its task list file, `count`).
        case submitted
        /// `almagest sweep cancel` called scancel on `job`.
        case cancelled
        case started, finished, failed, interrupted
    }

    public var event: Kind
    public var key: String?
    public var index: Int?
    /// Slurm job id (the array's), and the array task id of a run.
    public var job: String?
    public var task: Int?
    /// Runs in a submitted job; the task list file.
    public var count: Int?
    public var tasks: String?
    public var error: String?
    public var seconds: Double?
    public var host: String
    public var at: Date

    public init(
        _ event: Kind, key: String? = nil, index: Int? = nil, job: String? = nil, task: Int? = nil, count: Int? = nil,
        tasks: String? = nil, error: String? = nil, seconds: Double? = nil
    ) {
        self.event = event
        self.key = key
        self.index = index
        self.job = job
        self.task = task
        self.count = count
        self.tasks = tasks
        self.error = error
        self.seconds = seconds
        self.host = ProcessInfo.processInfo.hostName
        self.at = Date()
    }
}

import AlmagestCore
import Foundation
import GRDB
import Synchronization

/// An SQLite index of the run log (`runs.sqlite` beside `runs.jsonl`), for fast queries: runs by
/// experiment, algorithm, parameter values and metric ranges, sorted by any metric; best run by a
/// metric; experiment summaries.
///
/// The JSONL log stays the source of truth. The index remembers how many bytes of the log it has
/// read (and the log's first line, to notice a replaced log), so bringing it up to date reads only
/// the lines appended since — by this process or by any other writer. The store calls `update()`
/// after every append, and every query calls it first. A missing, corrupt or unreadable index file
/// is deleted and rebuilt from the log; when the folder is not writable the index lives in memory.
/// Cost: an update is O(new lines); a query is one SQL statement plus decoding the returned runs.
///
/// ```swift
/// let store = try RunStore(root: URL(fileURLWithPath: "runs"))
/// let best = try store.index.best(by: "adjusted_mutual_information", goal: .maximize)
/// try store.index.rebuild()
/// ```
public final class RunIndex: Sendable {
    /// The log the index reads.
    public let logURL: URL
    /// The SQLite file (`runs.sqlite`).
    public let databaseURL: URL
    private let state: Mutex<OpenIndex?>

    /// Opens the index of `logURL`, creating or repairing it as needed.
    public init(logURL: URL, databaseURL: URL) {
        self.logURL = logURL
        self.databaseURL = databaseURL
        self.state = Mutex(nil)
    }

    /// Reads the lines appended to the log since the last update.
    public func update() throws {
        try withDatabase { _ in }
    }

    /// Forgets everything and reads the whole log again.
    public func rebuild() throws {
        try withDatabase { db in
            try db.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try Self.clear(db)
                    try Self.catchUp(db, logURL: self.logURL)
                    return .commit
                }
            }
        }
    }

    /// Runs `body` on an up-to-date database. An unusable file is replaced by a rebuilt one once.
    func withDatabase<T>(_ body: (DatabaseQueue) throws -> T) throws -> T {
        try state.withLock { queue in
            for attempt in 0..<2 {
                do {
                    let db = try current(&queue)
                    try db.writeWithoutTransaction { db in
                        try db.inTransaction(.immediate) {
                            try Self.catchUp(db, logURL: self.logURL)
                            return .commit
                        }
                    }
                    return try body(db)
                } catch is DatabaseError where attempt == 0 {
                    // Corrupt or foreign file: throw it away and rebuild from the log.
                    queue = nil
                    removeFiles()
                }
            }
            throw QueryError.index(path: databaseURL.path, reason: "it could not be rebuilt")
        }
    }

    // MARK: - Private

    private static let schemaVersion = 2

    /// An open database, and whether it lives in memory only.
    struct OpenIndex: Sendable {
        var queue: DatabaseQueue
        var inMemory: Bool
    }

    /// The open queue, reopened when the file was deleted under it.
    private func current(_ open: inout OpenIndex?) throws -> DatabaseQueue {
        if let index = open, index.inMemory || FileManager.default.fileExists(atPath: databaseURL.path) {
            return index.queue
        }
        var config = Configuration()
        config.busyMode = .timeout(10)
        // A 32 MB page cache (SQLite's default is 2 MB): the dashboard's queries over 10,000 runs
        // then stop re-reading the same pages from the file on every request.
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA cache_size = -32768") }
        var opened: OpenIndex
        do {
            opened = OpenIndex(queue: try DatabaseQueue(path: databaseURL.path, configuration: config), inMemory: false)
        } catch is DatabaseError where FileManager.default.fileExists(atPath: databaseURL.path) {
            removeFiles()  // not a database: replace it
            opened = OpenIndex(queue: try DatabaseQueue(path: databaseURL.path, configuration: config), inMemory: false)
        } catch {
            // A folder we cannot write to: keep the index in memory.
            opened = OpenIndex(queue: try DatabaseQueue(configuration: config), inMemory: true)
        }
        try opened.queue.write { db in try Self.createSchema(db) }
        open = opened
        return opened.queue
    }

    private func removeFiles() {
        for suffix in ["", "-wal", "-shm", "-journal"] {
            try? FileManager.default.removeItem(atPath: databaseURL.path + suffix)
        }
    }

    private static func createSchema(_ db: Database) throws {
        let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
        if version != schemaVersion {
            for table in ["runs", "parameters", "metrics", "meta"] { try db.execute(sql: "DROP TABLE IF EXISTS \(table)") }
        }
        try db.execute(
            sql: """
                CREATE TABLE IF NOT EXISTS runs (
                    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, experiment TEXT NOT NULL,
                    algorithm TEXT NOT NULL, status TEXT NOT NULL, started_at REAL NOT NULL, record TEXT NOT NULL);
                CREATE INDEX IF NOT EXISTS runs_experiment ON runs(experiment, algorithm);
                CREATE TABLE IF NOT EXISTS parameters (
                    run_id TEXT NOT NULL, name TEXT NOT NULL, text TEXT NOT NULL, number REAL);
                CREATE INDEX IF NOT EXISTS parameters_name ON parameters(name, text);
                CREATE INDEX IF NOT EXISTS parameters_run ON parameters(run_id);
                CREATE TABLE IF NOT EXISTS metrics (run_id TEXT NOT NULL, name TEXT NOT NULL, value REAL NOT NULL, goal TEXT);
                CREATE INDEX IF NOT EXISTS metrics_name ON metrics(name, value);
                CREATE UNIQUE INDEX IF NOT EXISTS metrics_run ON metrics(run_id, name);
                CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                PRAGMA user_version = \(schemaVersion);
                """)
    }

    private static func clear(_ db: Database) throws {
        for table in ["runs", "parameters", "metrics", "meta"] { try db.execute(sql: "DELETE FROM \(table)") }
    }

    /// Indexes the complete lines of the log after the remembered offset.
    private static func catchUp(_ db: Database, logURL: URL) throws {
        var offset = Int(try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'offset'") ?? "0") ?? 0
        let head = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'head'") ?? ""
        guard let handle = try? FileHandle(forReadingFrom: logURL) else {
            if offset > 0 { try clear(db) }
            return
        }
        defer { try? handle.close() }
        let size = Int(try handle.seekToEnd())
        if size == offset && offset > 0 { return }
        try handle.seek(toOffset: 0)
        let firstBytes = try handle.read(upToCount: 256) ?? Data()
        let currentHead = firstBytes.base64EncodedString()
        if offset > size || (offset > 0 && head != currentHead) {
            try clear(db)  // the log was replaced or truncated: start again
            offset = 0
        }
        guard size > offset else { return }
        try handle.seek(toOffset: UInt64(offset))
        let data = try handle.read(upToCount: size - offset) ?? Data()
        guard let lastNewline = data.lastIndex(of: UInt8(ascii: "\n")) else { return }
        let complete = data[data.startIndex...lastNewline]
        for line in complete.split(separator: UInt8(ascii: "\n")) {
            guard let record = try? RunStore.decoder.decode(RunRecord.self, from: Data(line)) else { continue }
            try upsert(record, json: Data(line), in: db)
        }
        offset += complete.count
        try db.execute(
            sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('offset', ?), ('head', ?)",
            arguments: [String(offset), currentHead])
    }

    private static func upsert(_ record: RunRecord, json: Data, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO runs(id, experiment, algorithm, status, started_at, record) VALUES (?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET experiment = excluded.experiment, algorithm = excluded.algorithm,
                    status = excluded.status, started_at = excluded.started_at, record = excluded.record
                """,
            arguments: [
                record.id, record.experiment, record.algorithm, record.status.rawValue,
                record.startedAt.timeIntervalSince1970, String(decoding: json, as: UTF8.self),
            ])
        try db.execute(sql: "DELETE FROM parameters WHERE run_id = ?", arguments: [record.id])
        try db.execute(sql: "DELETE FROM metrics WHERE run_id = ?", arguments: [record.id])
        for (name, value) in record.parameters {
            try db.execute(
                sql: "INSERT INTO parameters(run_id, name, text, number) VALUES (?, ?, ?, ?)",
                arguments: [record.id, name, value.description, value.number])
        }
        for (name, value) in record.metrics where value.isFinite {
            try db.execute(
                sql: "INSERT INTO metrics(run_id, name, value, goal) VALUES (?, ?, ?, ?)",
                arguments: [record.id, name, value, record.spec(of: name)?.goal.rawValue])
        }
    }
}

extension ParameterValue {
    /// The value as a number when it is one (integers, doubles; Booleans as 0/1).
    var number: Double? {
        switch self {
        case let .int(v): return Double(v)
        case let .double(v): return v.isFinite ? v : nil
        case let .bool(v): return v ? 1 : 0
        case .string, .list: return nil
        }
    }
}

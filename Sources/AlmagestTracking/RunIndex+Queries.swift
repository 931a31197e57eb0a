import Foundation
import GRDB

/// Queries of the run index: every one first brings the index up to date with the log, then asks
/// SQLite, and decodes only the runs it returns (so a page of 50 runs out of 10,000 decodes 50).
///
/// ```swift
/// let hog = try store.index.runs(matching: RunQuery(experiment: "digits", parameters: ["descriptor": "hog"]))
/// let best = try store.index.best(by: "inertia", goal: .minimize, matching: RunQuery(experiment: "digits"))
/// ```
extension RunIndex {
    /// The runs matching `query`, in its order.
    public func runs(matching query: RunQuery = RunQuery()) throws -> [RunRecord] {
        let (sql, arguments) = Self.select("runs.record", query: query, paged: true)
        let texts = try read { db in try String.fetchAll(db, sql: sql, arguments: arguments) }
        return texts.compactMap { try? RunStore.decoder.decode(RunRecord.self, from: Data($0.utf8)) }
    }

    /// How many runs match `query` (its limit and offset are ignored).
    public func count(matching query: RunQuery = RunQuery()) throws -> Int {
        let (sql, arguments) = Self.select("COUNT(*)", query: query, paged: false, sorted: false)
        return try read { db in try Int.fetchOne(db, sql: sql, arguments: arguments) ?? 0 }
    }

    /// The run with the highest (`.maximize`) or lowest (`.minimize`) value of `metric` among the
    /// runs matching `query`; nil when none has the metric.
    public func best(by metric: String, goal: MetricGoal, matching query: RunQuery = RunQuery()) throws -> RunRecord? {
        // Walks the (name, value) index from the best value down and stops at the first run that
        // matches: far cheaper than sorting every matching run.
        let (conditions, values) = Self.conditions(query)
        var sql = "SELECT runs.record FROM metrics best JOIN runs ON runs.id = best.run_id WHERE best.name = ?"
        for c in conditions { sql += " AND " + c }
        sql += " ORDER BY best.value\(goal == .maximize ? " DESC" : ""), runs.seq LIMIT 1"
        let arguments = StatementArguments([metric] + values)
        let text = try read { db in try String.fetchOne(db, sql: sql, arguments: arguments) }
        return text.flatMap { try? RunStore.decoder.decode(RunRecord.self, from: Data($0.utf8)) }
    }

    /// Whether `metric` is better high or low, as the runs matching `query` logged it (the newest
    /// run's spec); nil when no such run logged a spec for it.
    public func goal(of metric: String, matching query: RunQuery = RunQuery()) throws -> MetricGoal? {
        let (conditions, values) = Self.conditions(query)
        var sql = "SELECT spec.goal FROM metrics spec JOIN runs ON runs.id = spec.run_id WHERE spec.name = ? AND spec.goal IS NOT NULL"
        for c in conditions { sql += " AND " + c }
        sql += " ORDER BY runs.seq DESC LIMIT 1"
        let arguments = StatementArguments([metric] + values)
        let text = try read { db in try String.fetchOne(db, sql: sql, arguments: arguments) }
        return text.flatMap(MetricGoal.init(rawValue:))
    }

    /// The run with this id, or the only run whose id starts with `prefix`.
    public func run(id prefix: String) throws -> RunRecord? {
        let texts = try read { db in
            try String.fetchAll(
                db, sql: "SELECT record FROM runs WHERE id = ? OR substr(id, 1, length(?)) = ? ORDER BY id = ? DESC LIMIT 2",
                arguments: [prefix, prefix, prefix, prefix])
        }
        guard let first = texts.first else { return nil }
        let record = try? RunStore.decoder.decode(RunRecord.self, from: Data(first.utf8))
        if record?.id == prefix || texts.count == 1 { return record }
        return nil
    }

    /// The names of the metrics logged by the runs matching `query`, sorted.
    public func metricNames(matching query: RunQuery = RunQuery()) throws -> [String] {
        if Self.conditions(query).clauses.isEmpty {
            // Every run: the names straight from the (name, value) index.
            return try read { db in try String.fetchAll(db, sql: "SELECT name FROM metrics GROUP BY name ORDER BY name") }
        }
        var q = query
        q.limit = nil
        q.offset = 0
        let (inner, arguments) = Self.select("runs.id", query: q, paged: false, sorted: false)
        return try read { db in
            try String.fetchAll(
                db, sql: "SELECT DISTINCT name FROM metrics WHERE run_id IN (\(inner)) ORDER BY name", arguments: arguments)
        }
    }

    /// One summary per experiment, by name.
    public func experiments() throws -> [ExperimentSummary] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT experiment, COUNT(*) AS runs, SUM(status = 'finished') AS finished,
                           SUM(status = 'failed') AS failed, MAX(started_at) AS last,
                           GROUP_CONCAT(DISTINCT algorithm) AS algorithms
                    FROM runs GROUP BY experiment ORDER BY experiment
                    """)
            return rows.map { row in
                let algorithms = ((row["algorithms"] as String?) ?? "").split(separator: ",").map(String.init).sorted()
                return ExperimentSummary(
                    name: row["experiment"], runs: row["runs"], finished: row["finished"] ?? 0, failed: row["failed"] ?? 0,
                    algorithms: algorithms, lastStarted: (row["last"] as Double?).map { Date(timeIntervalSince1970: $0) })
            }
        }
    }

    // MARK: - Private

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try withDatabase { queue in try queue.read(body) }
    }

    /// `SELECT <columns> FROM runs ... WHERE ... ORDER BY ... LIMIT ...` for `query`.
    private static func select(
        _ columns: String, query: RunQuery, paged: Bool, sorted: Bool = true
    ) -> (String, StatementArguments) {
        var sql = "SELECT \(columns) FROM runs"
        var arguments = StatementArguments()
        var order = "runs.seq"
        if sorted {
            switch query.sort.key {
            case let .metric(name):
                sql += " LEFT JOIN metrics sort ON sort.run_id = runs.id AND sort.name = ?"
                _ = arguments.append(contentsOf: [name])
                order = "sort.value IS NULL, sort.value"
            case .started: order = "runs.started_at"
            case .id: order = "runs.id"
            case .experiment: order = "runs.experiment"
            case .algorithm: order = "runs.algorithm"
            case .status: order = "runs.status"
            }
        }
        let (conditions, values) = Self.conditions(query)
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        _ = arguments.append(contentsOf: StatementArguments(values))
        if sorted {
            let direction = query.sort.descending ? " DESC" : ""
            if case .metric = query.sort.key {
                sql += " ORDER BY sort.value IS NULL, sort.value\(direction), runs.seq"
            } else {
                sql += " ORDER BY \(order)\(direction), runs.seq"
            }
        }
        if paged {
            sql += " LIMIT ? OFFSET ?"
            _ = arguments.append(contentsOf: [query.limit ?? -1, max(0, query.offset)])
        }
        return (sql, arguments)
    }

    /// The WHERE clauses (joined by AND) of `query`'s filters on `runs`, and their arguments.
    static func conditions(_ query: RunQuery) -> (clauses: [String], values: [(any DatabaseValueConvertible)?]) {
        var conditions = [String]()
        var values = [(any DatabaseValueConvertible)?]()
        if let e = query.experiment { conditions.append("runs.experiment = ?"); values.append(e) }
        if let a = query.algorithm { conditions.append("runs.algorithm = ?"); values.append(a) }
        if let s = query.status { conditions.append("runs.status = ?"); values.append(s.rawValue) }
        if let t = query.text, !t.isEmpty {
            conditions.append("(instr(lower(runs.id), lower(?)) > 0 OR instr(lower(runs.experiment), lower(?)) > 0"
                + " OR instr(lower(runs.algorithm), lower(?)) > 0)")
            values += [t, t, t]
        }
        for (name, text) in query.parameters.sorted(by: { $0.key < $1.key }) {
            conditions.append(
                "EXISTS (SELECT 1 FROM parameters p WHERE p.run_id = runs.id AND p.name = ? AND (p.text = ? OR p.number = ?))")
            values += [name, text, Double(text)]
        }
        for range in query.metricRanges {
            var clause = "EXISTS (SELECT 1 FROM metrics m WHERE m.run_id = runs.id AND m.name = ?"
            values.append(range.metric)
            if let lower = range.lower { clause += " AND m.value >= ?"; values.append(lower) }
            if let upper = range.upper { clause += " AND m.value <= ?"; values.append(upper) }
            conditions.append(clause + ")")
        }
        return (conditions, values)
    }
}

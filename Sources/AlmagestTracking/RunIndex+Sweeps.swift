import AlmagestCore
import Foundation
import GRDB

/// One run's value of a parameter and of a metric: a point of a sweep plot.
public struct SweepRow: Sendable, Equatable {
    public var id: String
    public var algorithm: String
    /// The swept parameter's value.
    public var x: ParameterValue
    /// The metric's value (finite).
    public var y: Double
    /// The value of the parameter that splits the runs into series, when one was asked for and
    /// the run has it.
    public var series: ParameterValue?
}

/// Sweep queries: the parameter and metric values of many runs straight from the index's tables,
/// without decoding a single run record (a sweep over 2,000 runs reads 2,000 small rows).
///
/// ```swift
/// let query = RunQuery(experiment: "nmf", status: .finished)
/// let names = try store.index.parameterNames(matching: query)       // [("rank", 3), ("seed", 5), ...]
/// let rows = try store.index.sweep(x: "rank", y: "relative_error", matching: query)
/// ```
extension RunIndex {
    /// Every run matching `query` that has parameter `x` and metric `y`, in log order, with the
    /// value of parameter `series` when given.
    public func sweep(x: String, y: String, series: String? = nil, matching query: RunQuery = RunQuery()) throws -> [SweepRow] {
        let (conditions, values) = Self.conditions(query)
        var sql = """
            SELECT runs.id, runs.algorithm, px.text, px.number, m.value, ps.text, ps.number FROM runs
            JOIN parameters px ON px.run_id = runs.id AND px.name = ?
            JOIN metrics m ON m.run_id = runs.id AND m.name = ?
            LEFT JOIN parameters ps ON ps.run_id = runs.id AND ps.name = ?
            """
        if !conditions.isEmpty { sql += " WHERE " + conditions.joined(separator: " AND ") }
        sql += " ORDER BY runs.seq"
        let arguments = StatementArguments([x, y, series ?? ""] + values)
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                let seriesText: String? = row[5]
                return SweepRow(
                    id: row[0], algorithm: row[1], x: Self.parameter(text: row[2], number: row[3]), y: row[4],
                    series: series == nil ? nil : seriesText.map { Self.parameter(text: $0, number: row[6]) })
            }
        }
    }

    /// The parameters logged by the runs matching `query`, sorted by name, with how many distinct
    /// values each takes.
    public func parameterNames(matching query: RunQuery = RunQuery()) throws -> [(name: String, distinctValues: Int)] {
        var q = query
        q.limit = nil
        q.offset = 0
        let (conditions, values) = Self.conditions(q)
        var inner = "SELECT runs.id FROM runs"
        if !conditions.isEmpty { inner += " WHERE " + conditions.joined(separator: " AND ") }
        let sql = "SELECT name, COUNT(DISTINCT text) FROM parameters WHERE run_id IN (\(inner)) GROUP BY name ORDER BY name"
        return try read { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(values)).map { (name: $0[0], distinctValues: $0[1]) }
        }
    }

    // MARK: - Private

    /// A parameter value from its indexed text and number: no number is text, true/false is a
    /// Boolean, an integer's text is an integer, any other number a double. Lists come back as
    /// their text.
    private static func parameter(text: String, number: Double?) -> ParameterValue {
        guard let number else { return .string(text) }
        if text == "true" || text == "false" { return .bool(text == "true") }
        if let integer = Int(text) { return .int(integer) }
        return .double(number)
    }
}

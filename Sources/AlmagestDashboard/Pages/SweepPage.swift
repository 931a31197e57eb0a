import AlmagestCore
import AlmagestPlot
import AlmagestTracking
import Foundation

/// The sweep page: for one experiment, every finished run's metric against one of its parameters
/// — the "metric against parameter" plots of NMF rank sweeps, and later of GEMINI and FisherEM
/// sweeps. One series per algorithm, or per value of another parameter (`series`). A numeric
/// parameter is a numeric axis (an interactive line chart whose points link to their runs); a text
/// or Boolean one is a set of categories (bars of the mean per category and series). A plain GET
/// form picks the experiment, the parameter, the metric and the series among what the index
/// holds, and a table lists every point with a link to its run (the first `tableLimit`).
///
/// When several runs of a series share a parameter value (repeats over seeds, say), the curve
/// goes through their mean, each point linking to the best of them (by the metric's usual goal),
/// and the table has one row per value and series: runs, mean, standard deviation, min, max and
/// the best run.
///
/// Query: `experiment` (default: the first with finished runs), `x` (a parameter; default `rank`,
/// else the first that varies), `y` (a metric; default relative error, accuracy or AMI when
/// logged), `series` (a parameter; default the algorithm). An unknown experiment is a 400 naming
/// the known ones; an unknown parameter or metric is explained on the page, which falls back to
/// the default. Reads only the run index's tables (`RunIndex.sweep`), never a run record.
/// Cost: O(runs of the experiment).
///
/// ```swift
/// let page = try SweepPage().render(context: PageContext(store: store, query: Query("experiment=nmf&x=rank&y=relative_error")))
/// ```
public struct SweepPage: Sendable {
    /// The most rows the table of single runs shows (the chart always has every point).
    public var tableLimit: Int

    public init(tableLimit: Int = 500) {
        self.tableLimit = max(1, tableLimit)
    }

    public func render(context: PageContext) throws -> PageContent {
        let q = context.query
        let index = context.store.index
        let experiments = try index.experiments()
        guard !experiments.isEmpty else {
            return PageContent(title: "Sweep", body: "<h1>Sweep</h1><p class=\"empty\">No runs yet.</p>")
        }
        let names = experiments.map(\.name)
        let experiment = q["experiment"] ?? (experiments.first { $0.finished > 0 } ?? experiments[0]).name
        guard names.contains(experiment) else {
            throw DashboardError.badRequest(
                what: "experiment \"\(experiment)\"", expected: "one of the logged experiments: \(Self.list(names))")
        }
        let query = RunQuery(experiment: experiment, status: .finished)
        let logged = try index.parameterNames(matching: query)
        let parameters = logged.map(\.name)
        let metrics = try index.metricNames(matching: query)

        var notes = [String]()
        let x = choose(q["x"], among: parameters, default: defaultParameter(logged), what: "parameter", notes: &notes)
        let preferred = ["relative_error", "accuracy", "adjusted_mutual_information"].first(where: metrics.contains) ?? metrics.first
        let y = choose(q["y"], among: metrics, default: preferred, what: "metric", notes: &notes)
        let series = choose(q["series"], among: parameters, default: nil, what: "series parameter", notes: &notes)

        var body = "<h1>Sweep · \(HTML.escape(experiment))</h1>"
        body += form(experiments: names, experiment: experiment, parameters: parameters, metrics: metrics, x: x, y: y, series: series)
        body += notes.map { "<p class=\"error sweep-note\">\(HTML.escape($0))</p>" }.joined()
        guard let x, let y else {
            body += "<p class=\"empty\">The finished runs of \(HTML.escape(experiment)) log no parameters or no metrics to plot.</p>"
            return PageContent(title: "Sweep \(experiment)", body: body)
        }
        let points = try index.sweep(x: x, y: y, series: series, matching: query).map { row in
            SweepPoint(id: row.id, algorithm: row.algorithm, x: row.x, y: row.y,
                       series: series == nil ? row.algorithm : row.series?.description ?? "(none)")
        }.sorted { ($0.series, $0.number ?? 0, $0.x.description, $0.y) < ($1.series, $1.number ?? 0, $1.x.description, $1.y) }
        let numeric = points.allSatisfy { $0.number != nil }
        body += "<div class=\"sweep-page\" data-page-kind=\"sweep\" data-curves=\"auto\" data-points=\"\(points.count)\""
            + " data-x-kind=\"\(numeric ? "numeric" : "category")\">"
        if points.isEmpty {
            body += "<p class=\"empty\" id=\"no-points\">No finished run of \(HTML.escape(experiment)) logs both the parameter "
                + "\(HTML.escape(x)) and the metric \(HTML.escape(y)).</p>"
        } else {
            // The best run of a group is linked: best by the direction the runs logged for y.
            let goal = try index.goal(of: y, matching: query) ?? .maximize
            let groups = numeric ? SweepGroup.groups(points, goal: goal) : []
            let repeated = groups.contains { $0.points.count > 1 }
            body += "<section class=\"figures\">"
            body += numeric ? (repeated ? meanLines(groups, runs: points.count, x: x, y: y) : lines(points, x: x, y: y)) : bars(points, x: x, y: y)
            body += "</section>"
            body += repeated ? summaryTable(groups, x: x, y: y) : table(points, x: x, y: y)
        }
        body += "</div>"
        return PageContent(title: "Sweep \(experiment)", body: body)
    }

    // MARK: - Private

    /// One run as a point of the sweep.
    private struct SweepPoint {
        let id: String
        let algorithm: String
        let x: ParameterValue
        let y: Double
        let series: String

        /// The parameter as a number, when it is one.
        var number: Double? {
            switch x {
            case let .int(v): return Double(v)
            case let .double(v): return v.isFinite ? v : nil
            default: return nil
            }
        }
    }

    /// The runs of one series at one value of a numeric parameter.
    private struct SweepGroup {
        let series: String
        let x: Double
        let points: [SweepPoint]
        let best: SweepPoint
        let mean: Double, deviation: Double, low: Double, high: Double

        /// One group per series and value, sorted by series then value.
        static func groups(_ points: [SweepPoint], goal: MetricGoal) -> [SweepGroup] {
            let keyed = Dictionary(grouping: points) { SeriesValue(series: $0.series, x: $0.number ?? 0) }
            return keyed.map { key, members in
                let ys = members.map(\.y)
                let mean = ys.reduce(0, +) / Double(ys.count)
                let variance = ys.count > 1 ? ys.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(ys.count - 1) : 0
                let best = goal == .maximize ? members.max { $0.y < $1.y }! : members.min { $0.y < $1.y }!
                return SweepGroup(series: key.series, x: key.x, points: members, best: best, mean: mean,
                                  deviation: variance.squareRoot(), low: ys.min()!, high: ys.max()!)
            }.sorted { ($0.series, $0.x) < ($1.series, $1.x) }
        }

        private struct SeriesValue: Hashable {
            let series: String
            let x: Double
        }
    }

    /// `wanted` when it is one of `names`; otherwise `fallback`, with a note when `wanted` was given.
    private func choose(_ wanted: String?, among names: [String], default fallback: String?, what: String,
                        notes: inout [String]) -> String? {
        guard let wanted else { return fallback }
        if names.contains(wanted) { return wanted }
        notes.append("The runs of this experiment log no \(what) \"\(wanted)\"; expected one of: \(Self.list(names))."
            + (fallback.map { " Showing \"\($0)\" instead." } ?? ""))
        return fallback
    }

    /// `rank` when logged, else the first parameter taking more than one value, else the first.
    private func defaultParameter(_ logged: [(name: String, distinctValues: Int)]) -> String? {
        if logged.contains(where: { $0.name == "rank" }) { return "rank" }
        return (logged.first { $0.distinctValues > 1 } ?? logged.first)?.name
    }

    private static func list(_ names: [String]) -> String {
        names.isEmpty ? "(none)" : names.prefix(30).joined(separator: ", ") + (names.count > 30 ? ", …" : "")
    }

    private func form(experiments: [String], experiment: String, parameters: [String], metrics: [String], x: String?, y: String?,
                      series: String?) -> String {
        func select(_ name: String, _ label: String, _ values: [String], _ chosen: String?, none: String? = nil) -> String {
            var out = "<label>\(label) <select name=\"\(name)\" id=\"sweep-\(name)\">"
            if let none { out += "<option value=\"\"\(chosen == nil ? " selected" : "")>\(HTML.escape(none))</option>" }
            for v in values {
                out += "<option value=\"\(HTML.escape(v))\"\(v == chosen ? " selected" : "")>\(HTML.escape(v))</option>"
            }
            return out + "</select></label>"
        }
        return "<form class=\"filters\" method=\"get\" action=\"/sweep\" id=\"sweep-form\">"
            + select("experiment", "experiment", experiments, experiment) + select("x", "parameter (x)", parameters, x)
            + select("y", "metric (y)", metrics, y) + select("series", "one series per", parameters, series, none: "algorithm")
            + "<button type=\"submit\">Show</button></form>"
    }

    /// A line chart over a numeric parameter, one series per key, each point linked to its run.
    private func lines(_ points: [SweepPoint], x: String, y: String) -> String {
        let groups = Dictionary(grouping: points, by: \.series).sorted { $0.key < $1.key }
        let series = groups.map { key, members in
            LineSeries(key, x: members.map { $0.number ?? 0 }, y: members.map(\.y), showsMarkers: true)
        }
        let links = groups.map { _, members in
            "[" + members.map { "\"/run/\(Query.encode($0.id))\"" }.joined(separator: ",") + "]"
        }
        let chart = LineChart(series: series, titles: ChartTitles("\(y) against \(x)", x: x, y: y))
        return "<div id=\"sweep-chart\" data-point-links=\"\(HTML.escape("[" + links.joined(separator: ",") + "]"))\">"
            + HTML.figure(chart, caption: "\(points.count) finished runs; click a point to open its run") + "</div>"
    }

    /// The mean metric per value, one series per key, each point linked to its best run.
    private func meanLines(_ groups: [SweepGroup], runs: Int, x: String, y: String) -> String {
        let bySeries = Dictionary(grouping: groups, by: \.series).sorted { $0.key < $1.key }
        let series = bySeries.map { key, members in
            LineSeries(key, x: members.map(\.x), y: members.map(\.mean), showsMarkers: true)
        }
        let links = bySeries.map { _, members in
            "[" + members.map { "\"/run/\(Query.encode($0.best.id))\"" }.joined(separator: ",") + "]"
        }
        let chart = LineChart(series: series, titles: ChartTitles("mean \(y) against \(x)", x: x, y: "mean \(y)"))
        return "<div id=\"sweep-chart\" data-aggregated=\"mean\" data-point-links=\"\(HTML.escape("[" + links.joined(separator: ",") + "]"))\">"
            + HTML.figure(chart, caption: "\(runs) finished runs, averaged per value (spread in the table); click a point to open the best run there")
            + "</div>"
    }

    /// Bars of the mean metric per category of a text parameter, one bar per series key.
    private func bars(_ points: [SweepPoint], x: String, y: String) -> String {
        let categories = Array(Set(points.map(\.x.description))).sorted()
        let keys = Array(Set(points.map(\.series))).sorted()
        let series = keys.map { key in
            BarSeries(key, values: categories.map { c in
                let values = points.filter { $0.series == key && $0.x.description == c }.map(\.y)
                return values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
            })
        }
        let chart = BarChart(categories: categories, series: series, titles: ChartTitles("\(y) per \(x)", x: x, y: y),
                             showValues: categories.count * keys.count <= 12)
        return "<div id=\"sweep-chart\">" + HTML.figure(
            chart, caption: "mean over the runs of each value (a missing combination is drawn as 0); every run is in the table")
            + "</div>"
    }

    private func table(_ points: [SweepPoint], x: String, y: String) -> String {
        let rows = points.prefix(tableLimit).map { p in
            [HTML.runLink(p.id), HTML.escape(p.algorithm), HTML.escape(p.series), HTML.escape(p.x.description), HTML.number(p.y)]
        }
        let more = points.count > tableLimit
            ? "<p class=\"hint\" id=\"sweep-more\">The first \(tableLimit) of \(points.count) runs; the chart has them all.</p>" : ""
        return "<h2>Points</h2>" + HTML.table(
            header: ["run", "algorithm", "series", HTML.escape(x), HTML.escape(y)], rows: rows, id: "sweep-points") + more
    }

    /// One row per series and value: how many runs, their mean, spread and best run.
    private func summaryTable(_ groups: [SweepGroup], x: String, y: String) -> String {
        let rows = groups.map { g in
            [HTML.escape(g.series), HTML.number(g.x), "\(g.points.count)", HTML.number(g.mean), HTML.number(g.deviation),
             HTML.number(g.low), HTML.number(g.high), HTML.runLink(g.best.id)]
        }
        return "<h2>Points</h2>" + HTML.table(
            header: ["series", HTML.escape(x), "runs", "mean", "std", "min", "max", "best run"], rows: rows, id: "sweep-summary")
    }
}

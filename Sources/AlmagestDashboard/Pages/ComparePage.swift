import AlmagestPlot
import AlmagestTracking
import Foundation

/// The compare page of several runs: bars of one metric per run (named by descriptor, or
/// algorithm), a table of every metric with the best value of each column highlighted (highest,
/// or lowest, as the runs' `MetricSpec`s say), and a Sankey diagram between
/// two runs' cluster labels (`labels.csv`).
///
/// Query: `ids` (repeated or comma-separated run ids), `metric` (default AMI when logged), `a` and
/// `b` (the two runs of the Sankey; default the first two). Cost: O(runs x metrics) plus O(n) for
/// the Sankey of n labels.
///
/// ```swift
/// let page = try ComparePage().render(context: PageContext(store: store, query: Query("ids=r1,r2")))
/// ```
public struct ComparePage: Sendable {
    public init() {}

    public func render(context: PageContext) throws -> PageContent {
        let q = context.query
        let ids = q.list("ids")
        guard !ids.isEmpty, ids.count <= 200 else {
            throw DashboardError.badRequest(
                what: "\(ids.count) runs to compare", expected: "1 to 200 run ids (tick them in the runs table)")
        }
        let runs = try ids.map { id -> RunRecord in
            guard let run = try context.store.index.run(id: id) else { throw DashboardError.notFound(what: "run \(id)") }
            return run
        }
        let metricNames = Array(Set(runs.flatMap { $0.metrics.keys })).sorted()
        let metric = q["metric"] ?? (metricNames.contains("adjusted_mutual_information") ? "adjusted_mutual_information" : metricNames.first)
        let names = runNames(runs)

        var body = "<h1>Compare \(runs.count) run(s)</h1><form class=\"filters\" method=\"get\" action=\"/compare\">"
        body += "<input type=\"hidden\" name=\"ids\" value=\"\(HTML.escape(runs.map(\.id).joined(separator: ",")))\">"
        body += "<label>Metric <select name=\"metric\">"
        for m in metricNames { body += "<option\(m == metric ? " selected" : "")>\(HTML.escape(m))</option>" }
        body += "</select></label><button type=\"submit\">Show</button></form><section class=\"figures\">"
        if let metric {
            let values = runs.map { $0.metrics[metric] ?? 0 }
            let chart = BarChart(
                categories: names, series: [BarSeries(metric, values: values)], titles: ChartTitles("\(metric) per run", y: metric),
                showValues: runs.count <= 12)
            let direction = Self.goal(of: metric, in: runs).map { $0 == .maximize ? "higher is better" : "lower is better" }
            body += HTML.figure(chart, caption: "\(metric) (\(direction ?? "the runs logged no direction for it"))", id: "metric-bars")
        }
        body += sankey(runs, names: names, context: context) + "</section>"
        body += metricsTable(runs, names: names, metricNames: metricNames)
        return PageContent(title: "Compare runs", body: body)
    }

    // MARK: - Private

    /// Whether higher or lower is better for `metric`, as the runs logged it (`RunRecord.metricSpecs`).
    static func goal(of metric: String, in runs: [RunRecord]) -> MetricGoal? {
        runs.lazy.compactMap { $0.spec(of: metric)?.goal }.first
    }

    /// A short, unique name per run: its descriptor (or algorithm), with the id's tail when needed.
    private func runNames(_ runs: [RunRecord]) -> [String] {
        let base = runs.map { $0.parameters["descriptor"]?.description ?? $0.algorithm }
        return runs.indices.map { i in
            base.filter { $0 == base[i] }.count > 1 ? "\(base[i]) \(runs[i].id.suffix(6))" : base[i]
        }
    }

    private func metricsTable(_ runs: [RunRecord], names: [String], metricNames: [String]) -> String {
        var best = [String: Double]()
        for m in metricNames {
            let values = runs.compactMap { $0.metrics[m] }.filter(\.isFinite)
            guard Set(values).count > 1, let goal = Self.goal(of: m, in: runs) else { continue }  // nothing stands out
            best[m] = goal == .minimize ? values.min() : values.max()
        }
        let header = ["run"] + metricNames.map { HTML.escape($0) }
        let rows = runs.indices.map { i in [HTML.runLink(runs[i].id, text: names[i])] + metricNames.map { HTML.number(runs[i].metrics[$0]) } }
        let classes = runs.map { r in
            [""] + metricNames.map { m in r.metrics[m] != nil && r.metrics[m] == best[m] ? "best" : "" }
        }
        return "<h2>Metrics</h2><p class=\"hint\">The best value of each column is highlighted.</p>"
            + HTML.table(header: header, rows: rows, classes: classes, id: "compare-metrics")
    }

    private func sankey(_ runs: [RunRecord], names: [String], context: PageContext) -> String {
        guard runs.count >= 2 else { return "<p class=\"hint\">Select two runs to see a Sankey diagram of their labels.</p>" }
        let q = context.query
        let a = runs.firstIndex { $0.id == q["a"] } ?? 0
        let b = runs.firstIndex { $0.id == q["b"] && $0.id != runs[a].id } ?? (a == 0 ? 1 : 0)
        do {
            let left = try RunArtifacts(record: runs[a], root: context.store.root).table("labels.csv").integers("cluster")
            let right = try RunArtifacts(record: runs[b], root: context.store.root).table("labels.csv").integers("cluster")
            guard let left, let right, left.count == right.count else {
                return "<p class=\"missing\">No Sankey: the two runs did not label the same samples.</p>"
            }
            let chart = SankeyDiagram(
                left: left, right: right, leftTitle: names[a], rightTitle: names[b],
                titles: ChartTitles("Clusters of \(names[a]) → \(names[b])"))
            return HTML.figure(chart, caption: "how the samples of each cluster of one run spread over the other's", id: "sankey")
        } catch {
            return "<p class=\"missing\">No Sankey: \(HTML.escape("\(error)"))</p>"
        }
    }
}

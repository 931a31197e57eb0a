import AlmagestTracking
import Foundation

/// The home page: a summary per experiment (with a link to its sweep page, `SweepPage`), then the
/// runs table — filtered (text, experiment, status), sorted by any metric or the start time, paged,
/// with a checkbox per run to compare the selected runs.
///
/// Query: `q`, `experiment`, `status`, `sort` (a metric, or started/id/experiment/algorithm),
/// `order` (`asc`/`desc`), `page` (from 1). Everything comes from the SQLite index: a page of 100
/// runs out of 10,000 decodes 100 records. Cost: O(runs) in SQLite for the filter and sort.
///
/// ```swift
/// let page = try HomePage().render(context: PageContext(store: store, query: Query("sort=inertia&order=asc")))
/// ```
public struct HomePage: Sendable {
    /// Runs per page.
    public var pageSize = 100
    /// Period of the page's optional automatic reload (off until the user turns it on).
    public var refreshSeconds = 10

    public init() {}

    public func render(context: PageContext) throws -> PageContent {
        let q = context.query
        let index = context.store.index
        var query = RunQuery(experiment: q["experiment"], text: q["q"])
        if let status = q["status"] {
            guard let s = RunStatus(rawValue: status) else {
                throw DashboardError.badRequest(what: "status \"\(status)\"", expected: "running, finished or failed")
            }
            query.status = s
        }
        let sortName = q["sort"] ?? "started"
        let key = RunSortKey(name: sortName)
        let descending = q["order"].map { $0 != "asc" } ?? true
        query.sort = RunSort(key, descending: descending)
        let total = try index.count(matching: query)
        let pages = max(1, (total + pageSize - 1) / pageSize)
        let page = min(max(1, q.int("page", default: 1)), pages)
        query.limit = pageSize
        query.offset = (page - 1) * pageSize
        let runs = try index.runs(matching: query)
        let metricNames = try index.metricNames()
        var shown = [String]()
        if case let .metric(m) = key { shown.append(m) }
        let preferred = ["adjusted_mutual_information", "adjusted_rand_index", "v_measure", "silhouette", "inertia", "accuracy"]
        shown += (preferred.filter(metricNames.contains) + metricNames).filter { !shown.contains($0) }
        shown = Array(NSOrderedSet(array: shown).array.compactMap { $0 as? String }.prefix(6))

        var sortMetric: String?
        if case let .metric(m) = key { sortMetric = m }
        var body = try summaries(index: index, sortMetric: sortMetric)
        body += filterForm(q, metricNames: metricNames, sortName: sortName, descending: descending)
        body += "<form action=\"/compare\" method=\"get\" id=\"compare-form\">"
        body += "<p class=\"count\" id=\"run-count\" data-total=\"\(total)\">\(total) run(s)"
        body += pages > 1 ? " · page \(page) of \(pages)" : ""
        body += " <button type=\"submit\">Compare selected</button>" + AutoRefreshScript.control(seconds: refreshSeconds) + "</p>"
        let header = ["", "run", "experiment", "algorithm", "status", sortLink("started", "started", q, sortName, descending)]
            + shown.map { sortLink(HTML.escape($0), $0, q, sortName, descending) }
        let rows = runs.map { r -> [String] in
            ["<input type=\"checkbox\" name=\"ids\" value=\"\(HTML.escape(r.id))\" aria-label=\"select \(HTML.escape(r.id))\">",
             HTML.runLink(r.id), HTML.escape(r.experiment), HTML.escape(r.algorithm),
             "<span class=\"status \(HTML.escape(r.status.rawValue))\">\(HTML.escape(r.status.rawValue))</span>",
             HTML.date(r.startedAt)] + shown.map { HTML.number(r.metrics[$0]) }
        }
        body += HTML.table(header: header, rows: rows, id: "runs") + "</form>"
        body += pager(q, page: page, pages: pages)
        return PageContent(title: "Runs", body: body)
    }

    // MARK: - Private

    /// The metrics an experiment's best run is chosen by when the table is not sorted by one the
    /// experiment logs, in order: clustering, classification, factorisation, then generic scores.
    static let headlineMetrics = [
        "adjusted_mutual_information", "accuracy", "relative_error", "silhouette", "f1_macro", "inertia", "loss",
    ]

    /// One row per experiment, with its best run by the sort metric when the experiment logs it,
    /// else by its first headline metric (AMI for clustering, accuracy for classification,
    /// relative error for NMF, ...), better higher or lower as the runs' metric specs say.
    private func summaries(index: RunIndex, sortMetric: String?) throws -> String {
        let experiments = try index.experiments()
        guard !experiments.isEmpty else {
            return "<p class=\"empty\">No runs yet: run <code>almagest demo</code> or <code>almagest cluster</code>.</p>"
        }
        let candidates = (sortMetric.map { [$0] } ?? []) + Self.headlineMetrics.filter { $0 != sortMetric }
        let rows = try experiments.map { e -> [String] in
            var row = ["<a href=\"/?experiment=\(HTML.escape(Query.encode(e.name)))\">\(HTML.escape(e.name))</a>"
                       + " <a class=\"sweep-link\" href=\"/sweep?experiment=\(HTML.escape(Query.encode(e.name)))\">sweep</a>",
                       "\(e.runs)", "\(e.finished)", "\(e.failed)", HTML.escape(e.algorithms.joined(separator: ", ")),
                       e.lastStarted.map(HTML.date) ?? "—"]
            var best: (metric: String, run: RunRecord)?
            for metric in candidates {
                let query = RunQuery(experiment: e.name)
                guard let goal = try index.goal(of: metric, matching: query) else { continue }
                if let run = try index.best(by: metric, goal: goal, matching: query) {
                    best = (metric, run)
                    break
                }
            }
            row.append(best.map { b in
                "<span class=\"metric-name\">\(HTML.escape(b.metric))</span> "
                    + HTML.runLink(b.run.id, text: "\(HTML.number(b.run.metrics[b.metric])) (\(b.run.algorithm))")
            } ?? "—")
            return row
        }
        let header = ["experiment", "runs", "finished", "failed", "algorithms", "last run", "best run"]
        return "<h2>Experiments</h2>" + HTML.table(header: header, rows: rows, id: "experiments")
    }

    private func filterForm(_ q: Query, metricNames: [String], sortName: String, descending: Bool) -> String {
        func option(_ value: String, _ selected: String?, _ label: String? = nil) -> String {
            "<option value=\"\(HTML.escape(value))\"\(value == (selected ?? "") ? " selected" : "")>\(HTML.escape(label ?? value))</option>"
        }
        var out = "<h2>Runs</h2><form class=\"filters\" method=\"get\" action=\"/\">"
        out += "<input type=\"search\" name=\"q\" placeholder=\"filter id, experiment, algorithm\" value=\"\(HTML.escape(q["q"] ?? ""))\">"
        out += "<input type=\"text\" name=\"experiment\" placeholder=\"experiment\" value=\"\(HTML.escape(q["experiment"] ?? ""))\">"
        out += "<select name=\"status\">" + option("", q["status"], "any status")
            + ["finished", "failed", "running"].map { option($0, q["status"]) }.joined() + "</select>"
        out += "<select name=\"sort\" id=\"sort-select\">" + option("started", sortName, "sort by start time")
            + metricNames.map { option($0, sortName) }.joined() + "</select>"
        out += "<select name=\"order\">" + option("desc", descending ? "desc" : "asc", "descending (highest, newest first)")
            + option("asc", descending ? "desc" : "asc", "ascending (lowest, oldest first)") + "</select>"
        return out + "<button type=\"submit\">Apply</button></form>"
    }

    /// A column header linking to this page sorted by `key` (clicking again flips the order).
    private func sortLink(_ label: String, _ key: String, _ q: Query, _ sortName: String, _ descending: Bool) -> String {
        let order = key == sortName ? (descending ? "asc" : "desc") : "desc"
        var pairs = q.pairs.filter { !["sort", "order", "page"].contains($0.0) }
        pairs += [("sort", key), ("order", order)]
        let mark = key == sortName ? (descending ? " ▼" : " ▲") : ""
        return "<a href=\"/?\(HTML.escape(Query.string(pairs)))\">\(label)\(mark)</a>"
    }

    private func pager(_ q: Query, page: Int, pages: Int) -> String {
        guard pages > 1 else { return "" }
        func link(_ p: Int, _ text: String) -> String {
            let pairs = q.pairs.filter { $0.0 != "page" } + [("page", "\(p)")]
            return "<a href=\"/?\(HTML.escape(Query.string(pairs)))\">\(text)</a>"
        }
        var out = "<nav class=\"pager\">"
        if page > 1 { out += link(page - 1, "← previous") }
        if page < pages { out += link(page + 1, "next →") }
        return out + "</nav>"
    }
}

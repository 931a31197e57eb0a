import AlmagestPlot
import AlmagestTracking
import Foundation

/// A clustering run set against another run of the same samples, chosen on the page: a form
/// listing the store's other runs that clustered as many samples (the `samples` parameter; the
/// 100 most recent, the runs of the same experiment first), and for the chosen one (`?against=ID`)
/// the Sankey diagram from this run's clusters to the other's and their contingency table (how
/// many samples each pair of clusters shares). Used by the clustering and spectra pages, e.g.
/// FisherEM against GEMINI. Cost: one index query, O(n + k_a k_b) for n samples.
///
/// ```swift
/// figures += RunAgainstRun(run: record, clusters: labels, context: context).html()
/// ```
struct RunAgainstRun {
    let run: RunRecord
    let clusters: [Int]
    let context: PageContext

    func html() -> String {
        guard !clusters.isEmpty else { return "" }
        let candidates = (try? others()) ?? []
        let chosen = context.query["against"].flatMap { id in candidates.first { $0.id == id } }
        var out = "<section class=\"against\" id=\"against\"><h2>Against another run</h2>"
        guard !candidates.isEmpty else {
            return out + "<p class=\"hint\">No other run clustered the same \(clusters.count) samples.</p></section>"
        }
        out += "<form class=\"filters\" method=\"get\" action=\"/run/\(HTML.escape(Query.encode(run.id)))#against\">"
        out += "<label>Other run <select name=\"against\" id=\"against-select\"><option value=\"\">choose…</option>"
        for c in candidates {
            let name = "\(c.algorithm) · \(c.experiment) · \(c.id.suffix(8))"
            out += "<option value=\"\(HTML.escape(c.id))\"\(c.id == chosen?.id ? " selected" : "")>\(HTML.escape(name))</option>"
        }
        out += "</select></label><button type=\"submit\">Show</button></form>"
        guard let chosen else { return out + "</section>" }
        return out + figures(against: chosen) + "</section>"
    }

    // MARK: - Private

    /// Other finished runs of as many samples, the same experiment's first, most recent first.
    private func others() throws -> [RunRecord] {
        guard let samples = run.parameters["samples"]?.description else { return [] }
        let all = try context.store.index.runs(matching: RunQuery(
            status: .finished, parameters: ["samples": samples], sort: RunSort(.started, descending: true), limit: 200))
        let usable = all.filter { $0.id != run.id && $0.artifacts.contains("labels.csv") }
        return Array((usable.filter { $0.experiment == run.experiment } + usable.filter { $0.experiment != run.experiment }).prefix(100))
    }

    private func figures(against other: RunRecord) -> String {
        let right: [Int]?
        do {
            right = try RunArtifacts(record: other, root: context.store.root).table("labels.csv").integers("cluster")
        } catch {
            return "<p class=\"missing\">No comparison: \(HTML.escape("\(error)"))</p>"
        }
        guard let right, right.count == clusters.count else {
            return "<p class=\"missing\">No comparison: the two runs did not label the same samples.</p>"
        }
        let left = "this run (\(run.algorithm))", name = "\(other.algorithm) \(other.id.suffix(6))"
        let sankey = SankeyDiagram(
            left: clusters, right: right, leftTitle: left, rightTitle: name, titles: ChartTitles("Clusters of this run → \(name)"))
        var out = HTML.figure(sankey, caption: "how the samples of each cluster of this run spread over the other run's clusters", id: "sankey")
        out += ClusteringRunPage.contingencyFigure(
            rows: clusters, columns: right,
            titles: ChartTitles("Contingency: this run × \(name)", x: "cluster of \(name)", y: "cluster of this run"),
            caption: "samples shared by each pair of clusters", id: "contingency-against")
        return out
    }
}

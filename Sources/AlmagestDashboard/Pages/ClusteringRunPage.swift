import AlmagestCore
import AlmagestPlot
import AlmagestTracking
import Foundation

/// The page of a clustering run: the 3-D scatter of `projection.csv` coloured by cluster
/// (`ProjectionScatter`: drawn by the browser, rotatable by dragging, the selected cluster
/// highlighted, a point's cluster and true label shown on hover), a side panel with the cluster
/// selector and example images of the selected cluster (from `examples.json`, when the data are
/// images), the mean silhouette per cluster (`silhouette.csv`), and the contingency table of true
/// labels against clusters (`labels.csv`, when the true labels are known).
///
/// The cluster to show comes from `?cluster=K` (server side) or `#cluster=K` (read by the page's
/// script); choosing another cluster in the selector re-highlights without a reload.
/// Cost: O(n) for n points (the scatter's depth sort happens in the browser).
///
/// ```swift
/// var pages = RunPageRegistry(pages: [ClusteringRunPage()])
/// ```
public struct ClusteringRunPage: RunPage {
    public let name = "clustering"

    public init() {}

    public func canRender(_ run: RunRecord) -> Bool {
        run.artifacts.contains(ProjectionArtifact.fileName) || run.artifacts.contains("labels.csv")
    }

    public func render(_ run: RunArtifacts, context: PageContext) throws -> PageContent {
        let r = run.record
        let labels = run.has("labels.csv") ? try run.table("labels.csv") : nil
        let projection = run.has(ProjectionArtifact.fileName) ? try run.table(ProjectionArtifact.fileName) : nil
        let clusters = labels?.integers("cluster") ?? projection?.integers("cluster") ?? []
        let sizes = Dictionary(clusters.map { ($0, 1) }, uniquingKeysWith: +)
        let ids = sizes.keys.sorted()
        let selected = context.query["cluster"].flatMap(Int.init).flatMap { sizes[$0] == nil ? nil : $0 } ?? ids.first

        var side = "<aside class=\"side\"><h2>Cluster</h2>"
        side += "<select id=\"cluster-select\" name=\"cluster\" aria-label=\"cluster\">"
        for k in ids {
            side += "<option value=\"\(k)\"\(k == selected ? " selected" : "")>cluster \(k) — \(sizes[k] ?? 0) points</option>"
        }
        side += "</select><p class=\"hint\">Drag the scatter to rotate it.</p>"
        side += try examplesHTML(run, selected: selected)
        side += "</aside>"

        var figures = "<section class=\"figures\">"
        if let projection {
            figures += run.memo(ProjectionArtifact.fileName, "scatter") {
                ProjectionScatter(projection, clusters: labels?.integers("cluster"), truth: labels?.integers("true_label")).html()
            }
        } else {
            figures += "<p class=\"missing\">This run has no 3-D projection (projection.csv).</p>"
        }
        if run.has("silhouette.csv") {
            let table = try run.table("silhouette.csv")
            let names = (table.integers("cluster") ?? []).map { "\($0)" }
            let chart = BarChart(
                categories: names, series: [BarSeries("mean silhouette", values: table.column("mean_silhouette") ?? [])],
                titles: ChartTitles("Mean silhouette per cluster", x: "cluster", y: "silhouette"),
                showValues: names.count <= 12)
            let sample = r.metrics["silhouette_sample_size"].map { n in
                "; on a seeded sample of \(Int(n)) rows stratified by cluster" + (r.parameters["samples"].map { " (of \($0))" } ?? "")
            } ?? ""
            figures += HTML.figure(chart, caption: "per-cluster mean silhouette (silhouette.csv)\(sample)", id: "silhouette")
        }
        if let labels, let truth = labels.integers("true_label"), truth.count == clusters.count {
            figures += contingency(truth: truth, clusters: clusters)
        }
        figures += "</section>"

        let body = GenericRunPage.header(r)
            + "<div class=\"cluster-page\" data-page-kind=\"clustering\" data-points=\"\(clusters.count)\""
            + " data-selected=\"\(selected.map(String.init) ?? "")\">\(side)\(figures)</div>"
            + GenericRunPage.details(r)
        return PageContent(title: "\(r.experiment) · \(r.algorithm)", body: body)
    }

    // MARK: - Private

    /// Counts of each true label (rows) in each cluster (columns), as an annotated heatmap.
    private func contingency(truth: [Int], clusters: [Int]) -> String {
        let rows = Array(Set(truth)).sorted(), columns = Array(Set(clusters)).sorted()
        let r = Dictionary(uniqueKeysWithValues: rows.enumerated().map { ($1, $0) })
        let c = Dictionary(uniqueKeysWithValues: columns.enumerated().map { ($1, $0) })
        var counts = Matrix<Double>(rows: rows.count, columns: columns.count)
        for (t, k) in zip(truth, clusters) { counts[r[t]!, c[k]!] += 1 }
        let chart = Heatmap(
            values: counts, colorMap: .blues, rowLabels: rows.map(String.init), columnLabels: columns.map(String.init),
            annotate: rows.count * columns.count <= 400,
            titles: ChartTitles("Contingency: true label × cluster", x: "cluster", y: "true label"),
            style: ChartStyle(width: 120 + 44 * Double(columns.count), height: 120 + 34 * Double(rows.count)))
        return HTML.figure(chart, caption: "how many samples of each true label fell in each cluster", id: "contingency")
    }

    /// `examples.json` as the clustering experiment writes it.
    private struct Examples: Decodable {
        var imageHeight: Int
        var imageWidth: Int
        var examples: [Example]
        struct Example: Decodable {
            var row: Int
            var cluster: Int
            var trueLabel: Int?
            var pixels: [Double]
        }
    }

    /// One block of example images per cluster; only the selected one is visible.
    private func examplesHTML(_ run: RunArtifacts, selected: Int?) throws -> String {
        guard run.has("examples.json") else {
            return "<p class=\"hint\">No example images: the data are not images (no examples.json).</p>"
        }
        let examples = try run.json("examples.json", as: Examples.self)
        let byCluster = Dictionary(grouping: examples.examples, by: \.cluster)
        var out = "<h2>Examples</h2><div id=\"examples\">"
        for (k, items) in byCluster.sorted(by: { $0.key < $1.key }) {
            let grid = ImageGrid(
                images: items.map(\.pixels), imageWidth: examples.imageWidth, imageHeight: examples.imageHeight,
                columns: 4, captions: items.map { $0.trueLabel.map { "label \($0)" } ?? "row \($0.row)" },
                cellSize: 52, style: ChartStyle(fontSize: 10))
            let svg = (try? grid.svg()) ?? "<p>\(HTML.escape("examples of cluster \(k) cannot be drawn"))</p>"
            out += "<div class=\"examples\" data-cluster=\"\(k)\" data-count=\"\(items.count)\"\(k == selected ? "" : " hidden")>\(svg)</div>"
        }
        return out + "</div>"
    }
}

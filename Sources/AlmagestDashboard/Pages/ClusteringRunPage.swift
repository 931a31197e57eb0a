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
        try render(run, context: context, kind: name, panels: nil)
    }

    /// The page with another page's panels: HTML of the side panel (after the cluster selector,
    /// in place of the example images, per cluster as `.examples[data-cluster]` blocks that the
    /// selector shows one at a time) and of the leading figures. Used by `SpectraRunPage`.
    func render(
        _ run: RunArtifacts, context: PageContext, kind: String, panels: (side: String, figures: String)?
    ) throws -> PageContent {
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
        side += try panels?.side ?? examplesHTML(run, selected: selected)
        side += "</aside>"

        var figures = "<section class=\"figures\">" + (panels?.figures ?? "")
        if let projection {
            figures += run.memo(ProjectionArtifact.fileName, "scatter") {
                ProjectionScatter(projection, clusters: labels?.integers("cluster"), truth: labels?.integers("true_label")).html()
            }
        } else {
            figures += "<p class=\"missing\">This run has no 3-D projection (projection.csv).</p>"
        }
        if run.has(SilhouetteArtifact.fileName) {
            let silhouette = try run.artifact(SilhouetteArtifact.self)
            let sample = silhouette.sampleSize < clusters.count
                ? "a seeded sample of \(silhouette.sampleSize) of the \(clusters.count) rows, stratified by cluster" : "every row"
            let thinned = silhouette.clusters.map(\.profile.count).reduce(0, +) < silhouette.sampleSize
                ? "; each cluster's sorted values drawn at evenly spaced ranks" : ""
            figures += HTML.figure(
                silhouette.chart(), caption: "silhouette of each sample per cluster, on \(sample)\(thinned) (silhouette.json)", id: "silhouette")
        } else if run.has("silhouette.csv") {
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
        if run.has(TrainingCurveArtifact.fileName) {
            figures += try run.memo(TrainingCurveArtifact.fileName, "clusterer-curve") {
                try trainingFigure(run.tableArtifact(TrainingCurveArtifact.self))
            }
        }
        if let labels, let truth = labels.integers("true_label"), truth.count == clusters.count {
            figures += contingency(truth: truth, clusters: clusters)
        }
        figures += RunAgainstRun(run: r, clusters: clusters, context: context).html()
        figures += "</section>"

        let body = GenericRunPage.header(r) + summary(r)
            + "<div class=\"cluster-page\" data-page-kind=\"\(kind)\" data-points=\"\(clusters.count)\""
            + " data-selected=\"\(selected.map(String.init) ?? "")\">\(side)\(figures)</div>"
            + GenericRunPage.details(r)
        return PageContent(title: "\(r.experiment) · \(r.algorithm)", body: body)
    }

    // MARK: - Private

    /// Clusters asked and found, and the clusterer's own score and iterations when it logged them.
    private func summary(_ r: RunRecord) -> String {
        let items: [(String, String)] = [
            ("clusters_asked", "clusters asked"), ("clusters_found", "clusters found"), ("gemini_score", "GEMINI score"),
            ("log_likelihood", "log-likelihood"), ("bic", "BIC"), ("iterations", "iterations"), ("silhouette", "silhouette"),
        ]
        let shown = items.compactMap { key, name in r.metrics[key].map { "<span data-metric=\"\(key)\">\(name) <b>\(HTML.number($0))</b></span>" } }
        let seconds = r.timings["total"].map { "<span data-metric=\"seconds\">time <b>\(HTML.number($0)) s</b></span>" }
        guard !shown.isEmpty || seconds != nil else { return "" }
        return "<p class=\"run-summary\">" + (shown + [seconds].compactMap { $0 }).joined(separator: " · ") + "</p>"
    }

    /// The clusterer's training curve (GEMINI's loss, the negative score, per epoch; FisherEM's per iteration).
    private func trainingFigure(_ artifact: TrainingCurveArtifact) -> String {
        let values = artifact.curves.trainingLoss
        guard values.count >= 2 else { return "<p class=\"missing\">training_curve.csv holds fewer than two epochs.</p>" }
        let chart = LineChart(
            series: [LineSeries("training loss", x: (1...values.count).map(Double.init), y: values)],
            titles: ChartTitles("Training objective per epoch", x: "epoch", y: "loss"))
        return HTML.figure(chart, caption: "the clusterer's training loss per epoch (training_curve.csv)", id: "training-curve")
    }

    /// Counts of each true label (rows) in each cluster (columns), as an annotated heatmap.
    private func contingency(truth: [Int], clusters: [Int]) -> String {
        Self.contingencyFigure(
            rows: truth, columns: clusters, titles: ChartTitles("Contingency: true label × cluster", x: "cluster", y: "true label"),
            caption: "how many samples of each true label fell in each cluster", id: "contingency")
    }

    /// How many samples have each pair of labels (`rows[i]`, `columns[i]`), as an annotated heatmap
    /// (annotated up to 400 cells).
    static func contingencyFigure(rows: [Int], columns: [Int], titles: ChartTitles, caption: String, id: String) -> String {
        let rowIDs = Array(Set(rows)).sorted(), columnIDs = Array(Set(columns)).sorted()
        let r = Dictionary(uniqueKeysWithValues: rowIDs.enumerated().map { ($1, $0) })
        let c = Dictionary(uniqueKeysWithValues: columnIDs.enumerated().map { ($1, $0) })
        var counts = Matrix<Double>(rows: rowIDs.count, columns: columnIDs.count)
        for (a, b) in zip(rows, columns) { counts[r[a]!, c[b]!] += 1 }
        let chart = Heatmap(
            values: counts, colorMap: .blues, rowLabels: rowIDs.map(String.init), columnLabels: columnIDs.map(String.init),
            annotate: rowIDs.count * columnIDs.count <= 400, titles: titles,
            style: ChartStyle(width: 140 + 44 * Double(columnIDs.count), height: 120 + 34 * Double(rowIDs.count)))
        return HTML.figure(chart, caption: caption, id: id)
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

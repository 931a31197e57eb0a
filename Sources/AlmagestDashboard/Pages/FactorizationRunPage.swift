import AlmagestCore
import AlmagestData
import AlmagestPlot
import AlmagestTracking
import Foundation

/// The page of an NMF run (any run that wrote `history.csv` and `summary.json`): why training
/// stopped and the effective-rank plateaus found (`summary.json`), the relative-error curve with a
/// log/linear switch and the effective-rank curve, both interactive with the plateaus shaded
/// (`history.csv`), the signatures — rows of H as images when the rows of the data are square
/// images, else H as a heatmap (`h.npy`) — and the first reconstructions W·H as images
/// (`w.npy`, `h.npy`), next to the run's own figure of originals and errors when it drew one.
///
/// Factors are read and drawn, never refitted; every figure is cached per file
/// (`RunArtifacts.memo`). `#scale=linear` opens the linear error axis; the curves answer `#x=`
/// and `#hide=` (see `CurveScript`). Cost: O(tracked points) for the curves, O(r·m) for the
/// signatures and O(k·r·m) for k reconstructions.
///
/// ```swift
/// var pages = RunPageRegistry.standard   // holds FactorizationRunPage
/// pages.register(MyDeepNMFPage())        // tried first
/// ```
public struct FactorizationRunPage: RunPage {
    public let name = "factorization"
    /// Reconstructions shown (the first rows of W·H).
    public var reconstructions = 6

    public init() {}

    public func canRender(_ run: RunRecord) -> Bool {
        run.artifacts.contains("history.csv") && run.artifacts.contains(FactorizationSummary.fileName)
    }

    public func render(_ run: RunArtifacts, context: PageContext) throws -> PageContent {
        let r = run.record
        let summary = try run.artifact(FactorizationSummary.self)
        let history = try run.table("history.csv")
        guard let iterations = history.column("iteration") else {
            throw DashboardError.unreadableArtifact(name: "history.csv", run: r.id, reason: "expected an iteration column")
        }
        let ranks = history.column("effective_rank") ?? []
        let plateaus = summary.plateaus.compactMap { bounds -> MarkedInterval? in
            guard bounds.count == 2 else { return nil }
            let start = iterations.firstIndex(of: bounds[0]).map { ranks.indices.contains($0) ? ranks[$0] : .nan } ?? .nan
            return MarkedInterval(from: bounds[0], to: bounds[1], label: start.isFinite ? String(format: "rank %.2f", start) : nil)
        }

        var body = GenericRunPage.header(r)
        body += "<div class=\"nmf-page\" data-page-kind=\"factorization\" data-stop-reason=\"\(HTML.escape(summary.stopReason))\""
            + " data-history-rows=\"\(history.rows)\" data-plateaus=\"\(plateaus.count)\">"
        body += HTML.headline(headline(summary), id: "headline")
        body += "<p class=\"stop\" id=\"stop-reason\">\(HTML.escape(Self.stopText(summary.stopReason)))</p>"
        body += plateauTable(plateaus)
        body += "<section class=\"figures\">"
        body += run.memo("history.csv", "error") { errorFigure(history, plateaus: plateaus) }
        body += run.memo("history.csv", "rank") { rankFigure(history, plateaus: plateaus) }
        body += "</section><section class=\"figures\">"
        body += try factorFigures(run)
        body += "</section></div>" + GenericRunPage.details(r)
        return PageContent(title: "\(r.experiment) · \(r.algorithm)", body: body)
    }

    // MARK: - Private

    private func headline(_ s: FactorizationSummary) -> [(key: String, label: String, value: String)] {
        var items: [(key: String, label: String, value: String)] = [("stop_reason", "stopped by", HTML.escape(s.stopReason))]
        let shown = [("iterations", "iterations"), ("relative_error", "relative error"), ("effective_rank", "effective rank"),
                     ("plateaus", "plateaus"), ("nuclear_over_operator", "nuclear / operator"), ("fit_seconds", "fit seconds")]
        items += shown.compactMap { key, label in s.metrics[key].map { (key, label, HTML.number($0)) } }
        return items
    }

    /// What each stop reason of `NMFStopReason` means.
    private static func stopText(_ reason: String) -> String {
        switch reason {
        case "maxIterations": return "Training ran to the iteration limit."
        case "tolerance": return "Training stopped when the relative error improved by less than the tolerance."
        case "plateau": return "Training stopped when the effective rank stayed on a plateau for the configured window."
        default: return "Training stopped: \(reason)."
        }
    }

    private func plateauTable(_ plateaus: [MarkedInterval]) -> String {
        guard !plateaus.isEmpty else {
            return "<p class=\"hint\" id=\"no-plateaus\">No effective-rank plateau was found (summary.json).</p>"
        }
        let rows = plateaus.map { [HTML.number($0.from), HTML.number($0.to), HTML.escape($0.label ?? "—")] }
        return "<section><h2>Effective-rank plateaus</h2>"
            + HTML.table(header: ["from iteration", "to iteration", "effective rank at start"], rows: rows, id: "plateaus") + "</section>"
    }

    /// The relative error against iterations, on a log axis or a linear one.
    private func errorFigure(_ history: ArtifactTable, plateaus: [MarkedInterval]) -> String {
        guard let x = history.column("iteration"), let error = history.column("relative_error") else {
            return "<p class=\"missing\">history.csv has no relative_error column.</p>"
        }
        let caption = "\(x.count) tracked iterations (history.csv); plateaus shaded; hover for values"
        let views = [(AxisScale.logarithmic, "log", "log scale"), (.linear, "linear", "linear scale")].map { scale, value, label in
            let y = scale == .logarithmic ? error.map { max($0, 1e-300) } : error
            let chart = LineChart(
                series: [LineSeries("relative error", x: x, y: y)], yScale: scale, intervals: plateaus,
                titles: ChartTitles("Relative error ||A - WH||^2 / ||A||^2", x: "iteration", y: "relative error"))
            return (value: value, label: label, html: HTML.figure(chart, caption: caption))
        }
        return HTML.switcher(id: "error-curve", key: "scale", views: views)
    }

    /// The effective rank of W·H against iterations (tracked points with a spectrum only).
    private func rankFigure(_ history: ArtifactTable, plateaus: [MarkedInterval]) -> String {
        guard let x = history.column("iteration"), let rank = history.column("effective_rank") else {
            return "<p class=\"missing\">history.csv has no effective_rank column.</p>"
        }
        let kept = zip(x, rank).filter { $0.1.isFinite }
        guard !kept.isEmpty else { return "<p class=\"missing\">The spectrum was not tracked: no effective rank.</p>" }
        let chart = LineChart(
            series: [LineSeries("effective rank", x: kept.map(\.0), y: kept.map(\.1), showsMarkers: kept.count <= 60)],
            intervals: plateaus, titles: ChartTitles("Effective rank of WH", x: "iteration", y: "exp(entropy)"))
        return HTML.figure(chart, caption: "exp(entropy of the normalised singular values); plateaus shaded", id: "rank-curve")
    }

    /// Signatures from `h.npy` and reconstructions from `w.npy` · `h.npy`.
    private func factorFigures(_ run: RunArtifacts) throws -> String {
        guard run.has("h.npy") else { return "<p class=\"missing\">This run kept no factors (h.npy).</p>" }
        let url = { (name: String) in run.directory.appendingPathComponent(name) }
        let image = { (columns: Int) -> Int? in
            let side = Int(Double(columns).squareRoot().rounded())
            return side > 1 && side * side == columns ? side : nil
        }
        var out = try run.memo("h.npy", "signatures") {
            let h = try NPY.readMatrix(from: url("h.npy"))
            guard let side = image(h.columns) else {
                let chart = Heatmap(values: h,
                                    titles: ChartTitles("H (\(h.rows) x \(h.columns))", x: "feature", y: "component"))
                return HTML.figure(chart, caption: "rows of H: the signatures over the features (h.npy)", id: "signatures")
            }
            let grid = ImageGrid(
                rows: h, imageWidth: side, imageHeight: side, columns: min(5, h.rows),
                captions: (0..<h.rows).map { "row \($0)" }, colorMap: .greyReversed, scaling: .perImage,
                titles: "Signatures: rows of H")
            return HTML.figure(grid, caption: "each row of H as a \(side) x \(side) image (h.npy)", id: "signatures")
        }
        guard run.has("w.npy") else { return out }
        out += try run.memo("w.npy", "reconstructions") {
            let h = try NPY.readMatrix(from: url("h.npy")), w = try NPY.readMatrix(from: url("w.npy"))
            guard let side = image(h.columns), w.columns == h.rows, w.rows > 0 else { return "" }
            let count = min(reconstructions, w.rows)
            let wh = try Matrix.product(w.rows(at: 0..<count), h)
            let grid = ImageGrid(
                rows: wh, imageWidth: side, imageHeight: side, columns: count, captions: (0..<count).map { "row \($0)" },
                colorMap: .grey, titles: "Reconstructions: rows of WH")
            return HTML.figure(grid, caption: "the first \(count) rows of W·H (w.npy, h.npy)", id: "reconstructions")
        }
        if run.record.artifacts.contains("reconstructions.svg") {
            out += GenericRunPage.artifactFigure(
                run.record, "reconstructions.svg",
                caption: "originals, reconstructions and errors, as the run drew them (reconstructions.svg)")
        }
        return out
    }
}

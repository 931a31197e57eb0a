import AlmagestPlot
import AlmagestTracking
import Foundation

/// The page of a classification run (any run that wrote `confusion_matrix.json`): the headline
/// scores (accuracy, balanced accuracy, macro and weighted F1, ROC AUC when there is one, MCC, log
/// loss), the confusion matrix from `confusion_matrix.json` with a switch between counts and the
/// row-normalised view (recall per true class), the ROC curve from `roc.csv` (binary targets) with
/// its AUC, the training curves from `training_curve.csv` (networks) as an interactive chart, and
/// the per-class precision, recall, F1 and support from `metrics.json`.
///
/// Everything is drawn from the run's files; the figures are cached per file (`RunArtifacts.memo`).
/// `#confusion=recall` in the address opens the normalised view; the curves answer `#x=` and
/// `#hide=` (see `CurveScript`). Cost: O(classes²) for the matrix, O(points) for the curves.
///
/// ```swift
/// let pages = RunPageRegistry(pages: [ClusteringRunPage(), ClassificationRunPage()])
/// ```
public struct ClassificationRunPage: RunPage {
    public let name = "classification"

    public init() {}

    public func canRender(_ run: RunRecord) -> Bool {
        run.artifacts.contains("confusion_matrix.json")
    }

    public func render(_ run: RunArtifacts, context: PageContext) throws -> PageContent {
        let r = run.record
        let metrics = run.has("metrics.json") ? try run.json("metrics.json", as: [String: Double].self) : r.metrics
        let confusion = try run.json("confusion_matrix.json", as: ConfusionFile.self)

        var body = GenericRunPage.header(r)
        body += "<div class=\"classification-page\" data-page-kind=\"classification\" data-classes=\"\(confusion.classes.count)\">"
        body += HTML.headline(headline(metrics), id: "headline")
        body += "<section class=\"figures\">"
        body += run.memo("confusion_matrix.json", "confusion") { confusionFigure(confusion) }
        if run.has("roc.csv") {
            body += try run.memo("roc.csv", "roc") { try rocFigure(run.table("roc.csv"), classes: confusion.classes, metrics: metrics) }
        }
        if run.has("training_curve.csv") {
            body += try run.memo("training_curve.csv", "curve") { try trainingFigure(run.table("training_curve.csv"), metrics: metrics) }
        }
        body += "</section>"
        body += perClassTable(classes: confusion.classes, metrics: metrics)
        body += "</div>" + GenericRunPage.details(r)
        return PageContent(title: "\(r.experiment) · \(r.algorithm)", body: body)
    }

    // MARK: - Private

    /// `confusion_matrix.json` as `ClassificationArtifacts` writes it: counts[true][predicted].
    private struct ConfusionFile: Decodable {
        var classes: [String]
        var counts: [[Int]]
    }

    /// The headline scores, in this order, those the run logged.
    private static let headlineMetrics = [
        ("accuracy", "accuracy"), ("balanced_accuracy", "balanced accuracy"), ("f1_macro", "macro F1"),
        ("f1_weighted", "weighted F1"), ("roc_auc", "ROC AUC"), ("roc_auc_ovr_weighted", "ROC AUC (one-vs-rest, weighted)"),
        ("roc_auc_ovo", "ROC AUC (one-vs-one)"), ("matthews_corrcoef", "Matthews correlation"), ("log_loss", "log loss"),
        ("test_samples", "test samples"), ("best_epoch", "epoch kept"),
    ]

    private func headline(_ metrics: [String: Double]) -> [(key: String, label: String, value: String)] {
        Self.headlineMetrics.compactMap { key, label in metrics[key].map { (key, label, HTML.number($0)) } }
    }

    /// Counts and recall (rows normalised) as two views of one figure.
    private func confusionFigure(_ confusion: ConfusionFile) -> String {
        let k = confusion.classes.count
        let style = ChartStyle(width: max(360, 140 + 46 * Double(k)), height: max(320, 120 + 40 * Double(k)))
        func chart(_ normalization: ConfusionNormalization, _ title: String) -> String {
            HTML.figure(ConfusionMatrixChart(
                counts: confusion.counts, classNames: confusion.classes, normalization: normalization,
                titles: ChartTitles(title), style: style),
                caption: "test part; rows are true classes, columns predicted ones (confusion_matrix.json)")
        }
        let views = [
            (value: "counts", label: "counts", html: chart(.none, "Confusion matrix (counts)")),
            (value: "recall", label: "row-normalised (recall)", html: chart(.byTrueClass, "Confusion matrix (recall per true class)")),
        ]
        return "<div class=\"confusion\"><h2>Confusion matrix</h2>\(HTML.switcher(id: "confusion", key: "confusion", views: views))</div>"
    }

    /// The ROC curve of the positive class (the second class) against the first.
    private func rocFigure(_ table: ArtifactTable, classes: [String], metrics: [String: Double]) -> String {
        guard let fpr = table.column("false_positive_rate"), let tpr = table.column("true_positive_rate") else {
            return "<p class=\"missing\">roc.csv has no false_positive_rate and true_positive_rate columns.</p>"
        }
        let name = classes.count == 2 ? "\(classes[1]) vs \(classes[0])" : "positive class"
        let curve = ROCCurve(name, falsePositiveRates: fpr, truePositiveRates: tpr)
        let auc = metrics["roc_auc"] ?? curve.auc
        return HTML.figure(ROCChart(curves: [curve], titles: "ROC curve (test part)"),
                           caption: "AUC = \(HTML.number(auc)); \(fpr.count) thresholds (roc.csv)", id: "roc")
    }

    /// Training and validation loss and validation accuracy per epoch, the kept epoch marked.
    private func trainingFigure(_ table: ArtifactTable, metrics: [String: Double]) -> String {
        guard let epochs = table.column("epoch") else { return "<p class=\"missing\">training_curve.csv has no epoch column.</p>" }
        let columns = [("training_loss", "training loss"), ("validation_loss", "validation loss"),
                       ("validation_accuracy", "validation accuracy")]
        let series = columns.compactMap { column, label -> LineSeries? in
            guard let values = table.column(column) else { return nil }
            let kept = zip(epochs, values).filter { $0.1.isFinite }
            guard !kept.isEmpty else { return nil }
            return LineSeries(label, x: kept.map(\.0), y: kept.map(\.1), isDashed: column != "training_loss")
        }
        guard !series.isEmpty else { return "<p class=\"missing\">training_curve.csv holds no values.</p>" }
        let markers = metrics["best_epoch"].map { [VerticalMarker(x: $0, label: "kept")] } ?? []
        let chart = LineChart(series: series, markers: markers,
                              titles: ChartTitles("Training curve", x: "epoch", y: "loss / accuracy"))
        return HTML.figure(chart, caption: "\(epochs.count) epochs (training_curve.csv); hover for values, click a legend entry to hide it",
                           id: "training-curve")
    }

    /// Precision, recall, F1 and support per class (`class_<name>_<score>` in `metrics.json`), then
    /// the macro and weighted averages.
    private func perClassTable(classes: [String], metrics: [String: Double]) -> String {
        let header = ["class", "precision", "recall", "F1", "support"]
        var rows = classes.map { name in
            [HTML.escape(name)] + ["precision", "recall", "f1", "support"].map { HTML.number(metrics["class_\(name)_\($0)"]) }
        }
        let total = metrics["test_samples"]
        for average in ["macro", "weighted"] {
            rows.append(["<em>\(average) average</em>"]
                + ["precision", "recall", "f1"].map { HTML.number(metrics["\($0)_\(average)"]) } + [HTML.number(total)])
        }
        return "<section><h2>Per class (test part)</h2>\(HTML.table(header: header, rows: rows, id: "per-class"))</section>"
    }
}

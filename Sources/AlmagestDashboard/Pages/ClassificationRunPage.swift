import AlmagestCore
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
        try render(run, context: context, kind: name, extras: (figures: "", sections: ""))
    }

    /// The page with `kind` in `data-page-kind` and a specialised page's own parts: `figures`
    /// after the shared figures, `sections` after the per-class table (`ImageClassificationRunPage`).
    func render(_ run: RunArtifacts, context: PageContext, kind: String, extras: (figures: String, sections: String)) throws -> PageContent {
        let r = run.record
        let metrics = run.has("metrics.json") ? try run.json("metrics.json", as: [String: Double].self) : r.metrics
        let confusion = try run.artifact(ConfusionArtifact.self)

        var body = GenericRunPage.header(r)
        body += "<div class=\"classification-page\" data-page-kind=\"\(HTML.escape(kind))\" data-classes=\"\(confusion.classes.count)\">"
        body += HTML.headline(headline(metrics), id: "headline")
        body += "<section class=\"figures\">"
        body += run.memo("confusion_matrix.json", "confusion") { confusionFigure(confusion) }
        if run.has("roc.csv") {
            body += try run.memo(ROCArtifact.fileName, "roc") {
                try rocFigure(run.tableArtifact(ROCArtifact.self), classes: confusion.classes, metrics: metrics)
            }
        }
        if run.has("training_curve.csv") {
            body += try run.memo(TrainingCurveArtifact.fileName, "curve") {
                try trainingFigure(run.tableArtifact(TrainingCurveArtifact.self), metrics: metrics)
            }
        }
        if run.has(ImportanceArtifact.fileName) {
            body += try run.memo(ImportanceArtifact.fileName, "importance") { try importanceFigure(run.artifact(ImportanceArtifact.self)) }
        }
        if run.has(LearningCurveArtifact.fileName) {
            body += try run.memo(LearningCurveArtifact.fileName, "learning") {
                HTML.figure(try run.artifact(LearningCurveArtifact.self).chart(),
                            caption: "accuracy against training rows, cross-validated on the training part (learning_curve.json)",
                            id: "learning-curve")
            }
        }
        if run.has(ValidationCurveArtifact.fileName) {
            body += try run.memo(ValidationCurveArtifact.fileName, "validation") {
                let artifact = try run.artifact(ValidationCurveArtifact.self)
                return HTML.figure(artifact.chart(), caption: "accuracy against \(HTML.escape(artifact.curve.parameter)), cross-validated on the "
                    + "training part (validation_curve.json)", id: "validation-curve")
            }
        }
        body += extras.figures + "</section>"
        body += perClassTable(classes: confusion.classes, metrics: metrics)
        body += extras.sections
        if run.has("search.json") { body += try searchTable(run.json("search.json", as: [SearchCandidate].self)) }
        body += "</div>" + GenericRunPage.details(r)
        return PageContent(title: "\(r.experiment) · \(r.algorithm)", body: body)
    }

    // MARK: - Private

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
    private func confusionFigure(_ confusion: ConfusionArtifact) -> String {
        func chart(_ normalization: ConfusionNormalization, _ title: String) -> String {
            HTML.figure(confusion.chart(normalization: normalization, title: title),
                        caption: "test part; rows are true classes, columns predicted ones (confusion_matrix.json)")
        }
        let views = [
            (value: "counts", label: "counts", html: chart(.none, "Confusion matrix (counts)")),
            (value: "recall", label: "row-normalised (recall)", html: chart(.byTrueClass, "Confusion matrix (recall per true class)")),
        ]
        return "<div class=\"confusion\"><h2>Confusion matrix</h2>\(HTML.switcher(id: "confusion", key: "confusion", views: views))</div>"
    }

    /// The ROC curve of the positive class (the second class) against the first.
    private func rocFigure(_ roc: ROCArtifact, classes: [String], metrics: [String: Double]) -> String {
        let named = roc.named(classes.count == 2 ? "\(classes[1]) vs \(classes[0])" : "positive class")
        let auc = metrics["roc_auc"] ?? named.curve.auc
        return HTML.figure(named.chart(title: "ROC curve (test part)"),
                           caption: "AUC = \(HTML.number(auc)); \(roc.falsePositiveRates.count) thresholds (roc.csv)", id: "roc")
    }

    /// Training and validation loss and validation accuracy per epoch, the kept epoch marked.
    private func trainingFigure(_ artifact: TrainingCurveArtifact, metrics: [String: Double]) -> String {
        let epochs = artifact.curves.trainingLoss.count
        guard let chart = artifact.chart(bestEpoch: metrics["best_epoch"].map { Int($0) } ?? 0) else {
            return "<p class=\"missing\">training_curve.csv holds fewer than two epochs.</p>"
        }
        return HTML.figure(chart, caption: "\(epochs) epochs (training_curve.csv); hover for values, click a legend entry to hide it",
                           id: "training-curve")
    }

    /// Permutation importance (and impurity importance for trees) per feature, most important first.
    private func importanceFigure(_ importance: ImportanceArtifact) -> String {
        let method = importance.impurity == nil ? "" : "; impurity decrease share from the trees"
        return HTML.figure(importance.chart(), caption: "accuracy lost on the test part when a feature is shuffled (5 repeats)\(method)",
                           id: "importance")
    }

    /// A candidate of the run's search as `search.json` holds it (`ModelSearchCandidate`).
    private struct SearchCandidate: Decodable {
        var index: Int
        var options: [String: ParameterValue]
        var foldAccuracies: [Double]
        var fitSeconds: Double
    }

    /// Every candidate of the search, best first marked.
    private func searchTable(_ candidates: [SearchCandidate]) throws -> String {
        let keys = Array(Set(candidates.flatMap(\.options.keys))).sorted()
        let means = candidates.map { $0.foldAccuracies.reduce(0, +) / Double(max($0.foldAccuracies.count, 1)) }
        let best = means.max()
        let header = ["#"] + keys.map(HTML.escape) + ["cv accuracy", "folds", "fit s"]
        let rows = candidates.indices.map { i in
            ["\(candidates[i].index)"] + keys.map { HTML.escape(candidates[i].options[$0]?.description ?? "") }
                + [HTML.number(means[i]) + (means[i] == best ? " ★" : ""), "\(candidates[i].foldAccuracies.count)",
                   HTML.number(candidates[i].fitSeconds)]
        }
        return "<section><h2>Search (cross-validation on the training part)</h2>"
            + HTML.table(header: header, rows: rows, id: "search") + "</section>"
    }

    /// Precision, recall, F1 and support per class (`PerClassMetrics` in `metrics.json`), then
    /// the macro and weighted averages.
    private func perClassTable(classes: [String], metrics: [String: Double]) -> String {
        let header = ["class", "precision", "recall", "F1", "support"]
        var rows = classes.map { name in
            [HTML.escape(name)] + PerClassMetrics.Score.allCases.map { HTML.number(metrics[PerClassMetrics.key(class: name, score: $0)]) }
        }
        let total = metrics["test_samples"]
        for average in ["macro", "weighted"] {
            rows.append(["<em>\(average) average</em>"]
                + ["precision", "recall", "f1"].map { HTML.number(metrics["\($0)_\(average)"]) } + [HTML.number(total)])
        }
        return "<section><h2>Per class (test part)</h2>\(HTML.table(header: header, rows: rows, id: "per-class"))</section>"
    }
}

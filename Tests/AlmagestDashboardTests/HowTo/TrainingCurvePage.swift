import AlmagestDashboard
import AlmagestTracking

/// A page for runs that trained iteratively but are not classifications (no confusion matrix):
/// their training curve, drawn by the same chart the run's own SVG uses.
struct TrainingCurvePage: RunPage {
    let name = "training-curve"

    var assets: PageAssets { PageAssets(css: ".curve-page figure { max-width: 720px; }") }

    func canRender(_ run: RunRecord) -> Bool {
        run.artifacts.contains(TrainingCurveArtifact.fileName) && !run.artifacts.contains(ConfusionArtifact.fileName)
    }

    func render(_ run: RunArtifacts, context: PageContext) throws -> PageContent {
        let curve = try run.tableArtifact(TrainingCurveArtifact.self)
        var body = GenericRunPage.header(run.record) + "<div class=\"curve-page\" data-page-kind=\"training-curve\">"
        if let chart = curve.chart() {
            body += "<figure>" + (try chart.svg()) + "</figure>"
        } else {
            body += "<p class=\"missing\">Fewer than two epochs were logged.</p>"
        }
        body += "</div>" + GenericRunPage.details(run.record)
        return PageContent(title: "\(run.record.experiment) · \(run.record.algorithm)", body: body)
    }
}

import AlmagestDashboard
import AlmagestPlot
import AlmagestTracking
import Foundation
import Testing

@Suite struct GenericRunPageTests {
    /// A run no dedicated page claims (here: a classification-like run) shows every SVG figure it
    /// wrote, served from its own directory, and the served file is that figure.
    @Test func showsEverySVGFigureOfTheRun() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-generic-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try RunStore(root: root)
        let run = try store.start(experiment: "magic", algorithm: "mlp", parameters: ["hidden": "95,95"])
        let chart = ConfusionMatrixChart(counts: [[5, 1], [2, 7]], classNames: ["g", "h"])
        let svg = try chart.svg()
        try run.writeArtifact("confusion_matrix.svg", contents: Data(svg.utf8))
        try run.writeArtifact("training curve.svg", contents: Data(svg.utf8))
        try run.writeArtifact("predictions.csv", contents: Data("row,predicted\n0,1\n".utf8))
        let record = try run.finish(metrics: ["accuracy": 0.8], specs: testSpecs(["accuracy": 0.8]), timings: [:])

        let site = DashboardSite(store: store)
        let page = site.respond(path: "/run/\(record.id)", query: nil)
        #expect(page.status == 200)
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(html.components(separatedBy: "class=\"artifact-figure\"").count - 1 == 2)
        let source = "/files/magic/\(record.id)/confusion_matrix.svg"
        #expect(html.contains("src=\"\(source)\""))
        #expect(html.contains("training%20curve.svg"))
        #expect(!html.contains("src=\"/files/magic/\(record.id)/predictions.csv\""))
        let served = site.respond(path: source, query: nil)
        #expect(served.status == 200 && String(decoding: served.body, as: UTF8.self) == svg)
    }
}

import AlmagestCore
import AlmagestDashboard
import AlmagestTracking
import Foundation
import Testing

/// The example of docs/how-to/add-a-dashboard-page.md, registered and rendered for real.
@Suite struct TrainingCurvePageTests {
    @Test func theExamplePageDrawsItsRuns() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-howto-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try RunStore(root: root)
        let run = try store.start(experiment: "autoencoder", algorithm: "ae", parameters: [:])
        try run.write(TrainingCurveArtifact(TrainingCurves(
            trainingLoss: [0.9, 0.4, 0.3], validationLoss: [], validationAccuracy: [], epochSeconds: [], bestEpoch: 3)))
        let id = try run.finish(metrics: [:], specs: [], timings: [:]).id

        var pages = RunPageRegistry.standard
        pages.register(TrainingCurvePage())
        let html = String(decoding: DashboardSite(store: store, pages: pages).respond(path: "/run/\(id)", query: nil).body, as: UTF8.self)
        #expect(html.contains("data-page-kind=\"training-curve\"") && html.contains("<svg") && html.contains("training loss"))
        // Without the page, the run falls back to the generic page.
        let generic = String(decoding: DashboardSite(store: store).respond(path: "/run/\(id)", query: nil).body, as: UTF8.self)
        #expect(!generic.contains("data-page-kind=\"training-curve\""))
        let css = String(decoding: DashboardSite(store: store, pages: pages).respond(path: "/assets/dashboard.css", query: nil).body,
                         as: UTF8.self)
        #expect(css.contains(".curve-page figure"))
    }
}

import AlmagestCore
import AlmagestDashboard
import AlmagestData
import AlmagestTracking
import Foundation
import Testing

/// The NMF page against the files of real runs.
@Suite struct FactorizationRunPageTests {
    struct Summary: Decodable {
        var stopReason: String
        var plateaus: [[Double]]
        var metrics: [String: Double]
    }

    @Test func curvesHaveEveryHistoryRowAndThePlateausOfTheSummary() throws {
        let f = try PipelineFixture.get()
        var plateausSeen = 0
        for id in f.nmfIDs {
            let page = f.page("/run/\(id)")
            #expect(page.status == 200)
            let html = page.html
            #expect(html.contains("data-page-kind=\"factorization\""))
            let summary = try f.json(id, "summary.json", as: Summary.self)
            let history = try f.csv(id, "history.csv")
            let iterations = history.rows.map { $0[history.names.firstIndex(of: "iteration")!] }
            #expect(html.contains("data-stop-reason=\"\(summary.stopReason)\"") && html.contains("data-history-rows=\"\(history.rows.count)\""))
            #expect(html.contains("<dd>\(summary.stopReason)</dd>"))

            // Both error views and the rank curve carry every tracked iteration.
            let log = slice(html, from: "<div data-view=\"log\"", to: "</figure>")
            let linear = slice(html, from: "<div data-view=\"linear\" hidden", to: "</figure>")
            let rank = slice(html, from: "id=\"rank-curve\"", to: "</figure>")
            #expect(log.contains("data-y-scale=\"log\"") && linear.contains("data-y-scale=\"linear\""))
            for figure in [log, linear] {
                let xs = attribute("data-x", ofSeries: "relative error", in: figure).split(separator: " ").compactMap { Double($0) }
                #expect(xs == iterations)
            }
            let errors = history.rows.map { $0[history.names.firstIndex(of: "relative_error")!] }
            #expect(attribute("data-y", ofSeries: "relative error", in: linear).split(separator: " ").compactMap { Double($0) } == errors)
            let ranks = history.rows.map { $0[history.names.firstIndex(of: "effective_rank")!] }.filter(\.isFinite)
            #expect(attribute("data-y", ofSeries: "effective rank", in: rank).split(separator: " ").count == ranks.count)
            #expect(ranks.count == history.rows.count)

            // Plateaus: the table and the shaded intervals are summary.json's.
            for figure in [log, linear, rank] {
                let intervals = matches("<rect[^>]*class=\"interval\"[^>]*>", in: figure).map {
                    [Double(attribute("data-from", in: $0) ?? ""), Double(attribute("data-to", in: $0) ?? "")].compactMap { $0 }
                }
                #expect(intervals == summary.plateaus)
            }
            if summary.plateaus.isEmpty {
                #expect(html.contains("id=\"no-plateaus\""))
            } else {
                let rows = tableRows(slice(html, from: "id=\"plateaus\"", to: "</table>"))
                #expect(rows.map { Array($0.prefix(2)) } == summary.plateaus.map { $0.map(tableNumber) })
            }
            plateausSeen += summary.plateaus.count
            #expect(Double(summary.plateaus.count) == summary.metrics["plateaus"])
        }
        print("plateaus across the fixture's NMF runs: \(plateausSeen)")
    }

    @Test func signaturesAndReconstructionsAreDrawnFromTheFactors() throws {
        let f = try PipelineFixture.get()
        for id in f.nmfIDs {
            let html = f.page("/run/\(id)").html
            let h = try NPY.readMatrix(from: f.root.appendingPathComponent(try #require(try f.store.index.run(id: id)).directory)
                .appendingPathComponent("h.npy"))
            let signatures = slice(html, from: "id=\"signatures\"", to: "</figure>")
            #expect(count("class=\"image\"", in: signatures) == h.rows)
            let reconstructions = slice(html, from: "id=\"reconstructions\"", to: "</figure>")
            #expect(count("class=\"image\"", in: reconstructions) == min(FactorizationRunPage().reconstructions, 40))
            #expect(html.contains("reconstructions.svg\" alt=\"reconstructions.svg\""))
        }
    }

    /// A run whose rows are not images, without a tracked spectrum and without W: H is a heatmap,
    /// the rank curve says why it is missing, there are no reconstructions; a zero error is still
    /// drawn on the log axis.
    @Test func aRunWithoutImagesOrSpectrumShowsWhatItHas() throws {
        struct Written: Encodable {
            var label = "mu r2", stopReason = "tolerance", metrics = ["iterations": 5.0], plateaus = [[Double]]()
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-nmf-page-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try RunStore(root: root)
        let run = try store.start(experiment: "nmf", algorithm: "nmf-mu", parameters: ["rank": 2])
        try run.writeArtifact("history.csv", contents: Data("iteration,relative_error,effective_rank\n0,0.5,NaN\n5,0,NaN\n".utf8))
        try run.writeJSON("summary.json", Written())
        try run.writeArtifact("h.npy", contents: NPY.encode(try Matrix<Double>(rows: 2, columns: 3, elements: [1, 0, 2, 0, 1, 1])))
        let record = try run.finish(metrics: [:], specs: testSpecs([:]), timings: [:])
        let page = DashboardSite(store: store).respond(path: "/run/\(record.id)", query: nil)
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(page.status == 200 && html.contains("data-page-kind=\"factorization\""))
        #expect(count("<rect[^>]*class=\"cell\"", in: slice(html, from: "id=\"signatures\"", to: "</figure>")) == 6)
        #expect(html.contains("The spectrum was not tracked") && !html.contains("id=\"reconstructions\""))
        #expect(html.contains("improved by less than the tolerance") && html.contains("id=\"no-plateaus\""))
        #expect(count("<g class=\"series\"", in: slice(html, from: "<div data-view=\"log\"", to: "</figure>")) == 1)

        // A summary.json that is not the experiment's is an error page naming the run, not a crash.
        let bad = try store.start(experiment: "nmf", algorithm: "nmf-mu", parameters: [:])
        try bad.writeArtifact("history.csv", contents: Data("iteration,relative_error\n0,1\n".utf8))
        try bad.writeArtifact("summary.json", contents: Data("[1, 2]".utf8))
        let badID = try bad.finish(metrics: [:], specs: testSpecs([:]), timings: [:]).id
        let broken = DashboardSite(store: store).respond(path: "/run/\(badID)", query: nil)
        #expect(broken.status >= 400 && String(decoding: broken.body, as: UTF8.self).contains("summary.json"))
    }
}

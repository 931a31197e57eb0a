import AlmagestDashboard
import AlmagestTracking
import Foundation
import Testing

/// The sweep page against the run index of the pipeline fixture.
@Suite struct SweepPageTests {
    /// The finished runs of the sweep experiment that log `parameter` and `metric`.
    func expectedPoints(_ f: PipelineFixture, _ parameter: String, _ metric: String) throws -> [RunRecord] {
        try f.store.index.runs(matching: RunQuery(experiment: PipelineFixture.sweep, status: .finished))
            .filter { $0.parameters[parameter] != nil && $0.metrics[metric]?.isFinite == true }
    }

    @Test func everyFinishedRunIsAPointWithItsValues() throws {
        let f = try PipelineFixture.get()
        let page = f.page("/sweep", query: "experiment=\(PipelineFixture.sweep)&x=rank&y=relative_error")
        #expect(page.status == 200)
        let html = page.html
        let expected = try expectedPoints(f, "rank", "relative_error")
        #expect(expected.count == f.nmfIDs.count + 1)
        #expect(html.contains("data-points=\"\(expected.count)\"") && html.contains("data-x-kind=\"numeric\""))
        let rows = tableRows(slice(html, from: "id=\"sweep-points\"", to: "</table>"))
        #expect(rows.count == expected.count)
        for run in expected {
            let row = rows.first { $0.first?.contains("/run/\(run.id)\"") == true }
            #expect(row?[3] == run.parameters["rank"]?.description, "rank of \(run.id)")
            #expect(row?[4] == tableNumber(run.metrics["relative_error"]!), "relative error of \(run.id)")
        }
        // One series per algorithm, each point linked to its run in the series' order.
        let chart = slice(html, from: "id=\"sweep-chart\"", to: "</figure>")
        let algorithms = Set(expected.map(\.algorithm))
        #expect(count("<g class=\"series\"", in: chart) == algorithms.count)
        let links = try JSONDecoder().decode(
            [[String]].self, from: Data(decodeEntities(attribute("data-point-links", in: chart) ?? "").utf8))
        #expect(links.flatMap { $0 }.count == expected.count)
        for tag in matches("<g class=\"series\"[^>]*>", in: chart) {
            let index = Int(attribute("data-index", in: tag) ?? "") ?? -1
            let xs = (attribute("data-x", in: tag) ?? "").split(separator: " ").compactMap { Double($0) }
            let ys = (attribute("data-y", in: tag) ?? "").split(separator: " ").compactMap { Double($0) }
            #expect(links.indices.contains(index) && links[index].count == xs.count && ys.count == xs.count)
            for (k, url) in (links.indices.contains(index) ? links[index] : []).enumerated() {
                let run = expected.first { "/run/\(Query.encode($0.id))" == url }
                #expect(run.flatMap { $0.parameters["rank"]?.description }.flatMap(Double.init) == xs[k])
                #expect(run?.metrics["relative_error"] == ys[k])
            }
        }
    }

    @Test func repeatedValuesAreAveragedAndLinkToTheirBestRun() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-sweep-repeats-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try RunStore(root: root)
        var logged = [Int: [(id: String, error: Double)]]()
        for rank in [2, 5] {
            for seed in 0..<3 {
                let error = 1.0 / Double(rank) + 0.01 * Double((seed * 7) % 3)
                let run = try store.start(experiment: "repeats", algorithm: "nmf-mu", parameters: ["rank": .int(rank), "seed": .int(seed)])
                logged[rank, default: []].append((try run.finish(metrics: ["relative_error": error], specs: testSpecs(["relative_error": error], lower: ["relative_error"]), timings: [:]).id, error))
            }
        }
        let response = DashboardSite(store: store).respond(path: "/sweep", query: "experiment=repeats&x=rank&y=relative_error")
        let html = String(decoding: response.body, as: UTF8.self)
        #expect(response.status == 200 && html.contains("data-aggregated=\"mean\"") && html.contains("data-points=\"6\""))
        let rows = tableRows(slice(html, from: "id=\"sweep-summary\"", to: "</table>"))
        #expect(rows.count == 2)
        let chart = slice(html, from: "id=\"sweep-chart\"", to: "</figure>")
        let means = (attribute("data-y", ofSeries: "nmf-mu", in: chart)).split(separator: " ").compactMap { Double($0) }
        let links = try JSONDecoder().decode([[String]].self, from: Data(decodeEntities(attribute("data-point-links", in: chart) ?? "").utf8))
        for (k, rank) in [2, 5].enumerated() {
            let errors = logged[rank]!.map(\.error)
            let mean = errors.reduce(0, +) / 3
            let std = (errors.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2).squareRoot()
            let best = logged[rank]!.min { $0.error < $1.error }!.id  // an error: lower is better
            #expect(rows[k] == ["nmf-mu", "\(rank)", "3", tableNumber(mean), tableNumber(std), tableNumber(errors.min()!),
                                tableNumber(errors.max()!), "<a href=\"/run/\(best)\">\(best)</a>"])
            #expect(abs(means[k] - mean) < 1e-12)
            #expect(links.first?[k] == "/run/\(best)")
        }
    }

    @Test func theTableOfSingleRunsIsCappedButTheChartHasEveryPoint() throws {
        let f = try PipelineFixture.get()
        let context = PageContext(store: f.store, query: Query("experiment=\(PipelineFixture.sweep)&x=rank&y=relative_error"))
        let html = try SweepPage(tableLimit: 2).render(context: context).body
        let expected = try expectedPoints(f, "rank", "relative_error")
        #expect(expected.count > 2)
        #expect(tableRows(slice(html, from: "id=\"sweep-points\"", to: "</table>")).count == 2)
        #expect(html.contains("The first 2 of \(expected.count) runs; the chart has them all."))
        #expect(html.contains("data-points=\"\(expected.count)\""))
    }

    @Test func seriesByAParameterAndTextParametersAsCategories() throws {
        let f = try PipelineFixture.get()
        let byMethod = f.page("/sweep", query: "experiment=\(PipelineFixture.sweep)&x=rank&y=iterations&series=method").html
        let expected = try expectedPoints(f, "rank", "iterations")
        let methods = Set(expected.map { $0.parameters["method"]?.description ?? "(none)" })
        #expect(count("<g class=\"series\"", in: slice(byMethod, from: "id=\"sweep-chart\"", to: "</figure>")) == methods.count)
        #expect(byMethod.contains("<option value=\"method\" selected>"))

        let categories = f.page("/sweep", query: "experiment=\(PipelineFixture.sweep)&x=initialization&y=relative_error").html
        let points = try expectedPoints(f, "initialization", "relative_error")
        #expect(categories.contains("data-x-kind=\"category\"") && categories.contains("data-points=\"\(points.count)\""))
        let bars = Set(points.map(\.algorithm)).count * Set(points.map { $0.parameters["initialization"]!.description }).count
        #expect(count("<rect[^>]*class=\"bar\"", in: categories) == bars)
    }

    @Test func defaultsComeFromTheIndexAndTheHomePageLinksHere() throws {
        let f = try PipelineFixture.get()
        let page = f.page("/sweep", query: "experiment=\(PipelineFixture.sweep)")
        #expect(page.status == 200)
        #expect(page.html.contains("<option value=\"rank\" selected>") && page.html.contains("<option value=\"relative_error\" selected>"))
        let experiments = try f.store.index.experiments().map(\.name)
        #expect(count("<option value=\"[^\"]*\"( selected)?>", in: slice(page.html, from: "id=\"sweep-experiment\"", to: "</select>"))
            == experiments.count)
        let metrics = try f.store.index.metricNames(matching: RunQuery(experiment: PipelineFixture.sweep, status: .finished))
        #expect(count("<option", in: slice(page.html, from: "id=\"sweep-y\"", to: "</select>")) == metrics.count)
        #expect(f.page("/sweep").status == 200)
        let home = f.page("/").html
        for name in experiments {
            #expect(home.contains("href=\"/sweep?experiment=\(Query.encode(name))\""))
        }
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-sweep-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: empty) }
        let none = DashboardSite(store: try RunStore(root: empty)).respond(path: "/sweep", query: nil)
        #expect(none.status == 200 && String(decoding: none.body, as: UTF8.self).contains("No runs yet"))
    }

    @Test func unknownExperimentParameterOrMetricIsExplained() throws {
        let f = try PipelineFixture.get()
        let unknown = f.page("/sweep", query: "experiment=no-such&x=rank")
        #expect(unknown.status == 400 && unknown.html.contains("no-such") && unknown.html.contains(PipelineFixture.sweep))
        let hostile = f.page("/sweep", query: "experiment=%3Cscript%3Ealert(5)%3C/script%3E")
        #expect(hostile.status == 400 && !hostile.html.contains("<script>alert(5)") && hostile.html.contains("&lt;script&gt;alert(5)"))
        for (key, what) in [("x", "parameter"), ("y", "metric"), ("series", "series parameter")] {
            let page = f.page("/sweep", query: "experiment=\(PipelineFixture.sweep)&\(key)=bogus%3Cb%3E")
            #expect(page.status == 200)
            #expect(page.html.contains("class=\"error sweep-note\">The runs of this experiment log no \(what) &quot;bogus&lt;b&gt;&quot;"))
        }
        // A parameter no run with the metric logs: an explanation, no chart.
        let none = f.page("/sweep", query: "experiment=\(PipelineFixture.sweep)&x=\(Query.encode(PipelineFixture.hostileName))&y=iterations")
        #expect(none.status == 200 && none.html.contains("id=\"no-points\"") && !none.html.contains("id=\"sweep-chart\""))
    }

    @Test func hostileNamesAndValuesAreEscaped() throws {
        let f = try PipelineFixture.get()
        let name = Query.encode(PipelineFixture.hostileName)
        for query in ["experiment=\(PipelineFixture.sweep)", "experiment=\(PipelineFixture.sweep)&x=\(name)&y=relative_error",
                      "experiment=\(PipelineFixture.sweep)&x=rank&series=\(name)"] {
            let html = f.page("/sweep", query: query).html
            #expect(!html.contains("<script>alert(3)") && !html.contains("<svg onload") && !html.contains("<b>bad</b>"))
            #expect(html.contains("&lt;b&gt;bad&lt;/b&gt;"))
        }
        let category = f.page("/sweep", query: "experiment=\(PipelineFixture.sweep)&x=\(name)&y=relative_error").html
        #expect(category.contains("data-points=\"1\"") && category.contains("&quot;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"))
        #expect(category.contains("&lt;svg onload=alert(4)&gt;"))
    }
}

/// `text` with the HTML escapes `HTML.escape` writes turned back into characters.
func decodeEntities(_ text: String) -> String {
    [("&quot;", "\""), ("&apos;", "'"), ("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&")]
        .reduce(text) { $0.replacingOccurrences(of: $1.0, with: $1.1) }
}

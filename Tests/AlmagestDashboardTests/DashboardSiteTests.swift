import AlmagestCore
import AlmagestData
import AlmagestDashboard
import AlmagestTracking
import Foundation
import Testing

/// The pages as HTML, without a socket: what each page shows, escaping, errors, path traversal.
@Suite struct DashboardSiteTests {
    @Test func homeListsRunsSortedByAMetricAndFilters() throws {
        let f = try DashboardFixture.get()
        let home = f.page("/", query: "sort=adjusted_mutual_information&order=desc")
        #expect(home.status == 200)
        #expect(home.html.contains("id=\"experiments\"") && home.html.contains(">digits</a>"))
        let table = { (html: String) in html.components(separatedBy: "id=\"runs\"").last ?? "" }  // the runs table only
        let homeTable = table(home.html)
        let hog = try #require(homeTable.range(of: f.hogID)), hist = try #require(homeTable.range(of: f.histogramID))
        #expect((hog.lowerBound < hist.lowerBound) == (f.hogAMI > f.histogramAMI))
        let ascending = table(f.page("/", query: "sort=adjusted_mutual_information&order=asc").html)
        #expect((ascending.range(of: f.hogID)!.lowerBound < ascending.range(of: f.histogramID)!.lowerBound) == (f.hogAMI < f.histogramAMI))
        let filtered = f.page("/", query: "q=histogram")
        #expect(table(filtered.html).contains(f.histogramID) && !table(filtered.html).contains("/run/\(f.hogID)"))
        #expect(filtered.html.contains("data-total=\"1\""))
        #expect(count("name=\"ids\" value=", in: home.html) == 3)
        // The experiment summary links the best run by the sort metric.
        let bestID = f.hogAMI > f.histogramAMI ? f.hogID : f.histogramID
        let summary = home.html.components(separatedBy: "id=\"experiments\"")[1].components(separatedBy: "</table>")[0]
        #expect(summary.contains("<span class=\"metric-name\">adjusted_mutual_information</span> <a href=\"/run/\(bestID)\">"
            + "\(tableNumber(max(f.hogAMI, f.histogramAMI)))"))
    }

    /// Each experiment's best run by its own headline metric: accuracy for a classifier, the
    /// lowest relative error for NMF, unless the table is sorted by a metric the experiment logs.
    @Test func experimentSummariesUseEachExperimentsHeadlineMetric() throws {
        let f = try PipelineFixture.get()
        func summaryRow(_ html: String, _ experiment: String) -> String {
            let table = html.components(separatedBy: "id=\"experiments\"")[1].components(separatedBy: "</table>")[0]
            return table.components(separatedBy: "<tr>").first { $0.contains(">\(experiment)</a>") } ?? ""
        }
        let home = f.page("/").html
        let nmf = try f.store.index.runs(matching: RunQuery(experiment: PipelineFixture.sweep, status: .finished))
            .filter { $0.metrics["relative_error"] != nil }
        let lowest = try #require(nmf.min { $0.metrics["relative_error"]! < $1.metrics["relative_error"]! })
        #expect(summaryRow(home, PipelineFixture.sweep).contains(
            "relative_error</span> <a href=\"/run/\(lowest.id)\">\(tableNumber(lowest.metrics["relative_error"]!))"))
        let magic = try #require(try f.store.index.run(id: f.binaryID))
        #expect(summaryRow(home, "magic").contains("accuracy</span> <a href=\"/run/\(f.binaryID)\">\(tableNumber(magic.metrics["accuracy"]!))"))
        // Sorted by iterations (logged by the NMF runs only): NMF by it, the classifier still by accuracy.
        let sorted = f.page("/", query: "sort=iterations&order=desc").html
        let most = try #require(nmf.filter { $0.metrics["iterations"] != nil }.max { $0.metrics["iterations"]! < $1.metrics["iterations"]! })
        #expect(summaryRow(sorted, PipelineFixture.sweep).contains("iterations</span>"))
        #expect(summaryRow(sorted, PipelineFixture.sweep).contains(">\(tableNumber(most.metrics["iterations"]!)) ("))
        #expect(summaryRow(sorted, "magic").contains("accuracy</span>"))
    }

    @Test func clusteringRunPageDrawsEveryPointAndItsFigures() throws {
        let f = try DashboardFixture.get()
        let page = f.page("/run/\(f.hogID)", query: "cluster=2")
        #expect(page.status == 200)
        #expect(page.html.contains("data-page-kind=\"clustering\""))
        #expect(page.html.contains("data-points=\"\(f.points)\""))
        #expect(page.html.contains("data-selected=\"2\""))
        // The points travel as binary: the run's clusters, and projection.csv normalised into [-1, 1]^3.
        #expect(try #require(scatterBlock("labels", in: page.html)) == f.hogLabels)
        let xyz = try #require(scatterBlock("xyz", in: page.html))
        let record = try #require(try f.store.index.run(id: f.hogID))
        let csv = try CSVReader.read(
            from: f.root.appendingPathComponent(record.directory).appendingPathComponent("projection.csv"),
            options: CSVOptions(header: .present))
        let columns = ["x", "y", "z"].map { name in
            let c = csv.featureNames.firstIndex(of: name)!
            return (0..<csv.count).map { csv.features[$0, c] }
        }
        let centres = columns.map { ($0.min()! + $0.max()!) / 2 }
        let half = columns.map { ($0.max()! - $0.min()!) / 2 }.max()!
        #expect(xyz.count == 3 * f.points)
        var worst = 0.0
        for i in 0..<f.points {
            for a in 0..<3 { worst = max(worst, abs(Double(xyz[3 * i + a]) / 32767 - (columns[a][i] - centres[a]) / half)) }
        }
        #expect(worst <= 0.5 / 32767 + 1e-12)  // rounded to the nearest step
        let truth = try #require(scatterBlock("truth", in: page.html))
        let truthColumn = csv.featureNames.firstIndex(of: "true_label")!
        #expect(truth.map(Double.init) == (0..<csv.count).map { csv.features[$0, truthColumn] })
        #expect(page.html.contains("data-name=\"labels\" data-type=\"int8\""))
        #expect(count("<option value=\"\\d+\"", in: page.html) == f.hogClusterSizes.count)
        #expect(count("class=\"examples\" data-cluster=", in: page.html) == f.hogClusterSizes.count)
        #expect(count("class=\"examples\" data-cluster=\"2\" data-count=\"\\d+\">", in: page.html) == 1)  // visible
        #expect(page.html.contains("id=\"silhouette\"") && page.html.contains("id=\"contingency\""))
        #expect(count("<polygon[^>]*class=\"cluster\"", in: page.html) == f.hogClusterSizes.count)  // the silhouette plot
        let generic = f.page("/run/\(f.hostileID)")
        #expect(generic.status == 200 && generic.html.contains("data-page-kind=\"run\"") && !generic.html.contains("clustering\""))
    }

    @Test(arguments: [
        ("x,y,cluster\n1,2,0\n3,4,1\n", "has no x, y, z columns"),
        ("x,y,z,cluster\n1,2,3,0\n1,,3,1\n", "row 2 has a missing or non-finite coordinate"),
    ])
    func clusteringPageExplainsABrokenProjection(csv: String, message: String) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-broken-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try RunStore(root: root)
        let run = try store.start(experiment: "broken", algorithm: "kmeans", parameters: [:])
        try run.writeArtifact("projection.csv", contents: Data(csv.utf8))
        let id = try run.finish(metrics: [:], specs: testSpecs([:]), timings: [:]).id
        let response = DashboardSite(store: store).respond(path: "/run/\(id)", query: nil)
        let html = String(decoding: response.body, as: UTF8.self)
        #expect(response.status == 200 && html.contains("data-page-kind=\"clustering\""))
        #expect(html.contains(message) && !html.contains("scatter-data"))
    }

    /// A projection without cluster or label columns takes them from labels.csv, so the scatter's
    /// colours and highlight agree with the cluster selector.
    @Test func scatterTakesClustersFromLabelsWhenTheProjectionHasNone() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-labels-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try RunStore(root: root)
        let run = try store.start(experiment: "split", algorithm: "kmeans", parameters: [:])
        try run.writeArtifact("projection.csv", contents: Data("x,y,z\n0,0,0\n1,0,0\n0,1,0\n0,0,1\n".utf8))
        try run.writeArtifact("labels.csv", contents: Data("row,true_label,cluster\n0,7,2\n1,7,2\n2,8,0\n3,9,1\n".utf8))
        let id = try run.finish(metrics: [:], specs: testSpecs([:]), timings: [:]).id
        let html = String(decoding: DashboardSite(store: store).respond(path: "/run/\(id)", query: nil).body, as: UTF8.self)
        #expect(scatterBlock("labels", in: html) == [2, 2, 0, 1])
        #expect(scatterBlock("truth", in: html) == [7, 7, 8, 9])
    }

    @Test func comparePageHighlightsTheBestValueOfEachColumn() throws {
        let f = try DashboardFixture.get()
        let page = f.page("/compare", query: "ids=\(f.hogID)&ids=\(f.histogramID)")
        #expect(page.status == 200)
        #expect(page.html.contains("id=\"metric-bars\"") && page.html.contains("id=\"sankey\""))
        #expect(count("class=\"ribbon\"", in: page.html) > 0)
        let best = String(format: "%.4f", max(f.hogAMI, f.histogramAMI))
        let table = String(page.html[page.html.range(of: "id=\"compare-metrics\"")!.lowerBound...])
        let header = table.components(separatedBy: "</thead>")[0]
        let column = header.components(separatedBy: "<th>").firstIndex { $0.hasPrefix("adjusted_mutual_information") }!
        let bestRow = table.components(separatedBy: "<tr>").first { $0.contains("class=\"best\">\(best)<") }
        #expect(bestRow != nil)
        let cells = bestRow?.components(separatedBy: "<td").dropFirst().map { $0 } ?? []
        #expect(cells.count > column - 1 && cells[column - 1].hasPrefix(" class=\"best\">\(best)"))
        // Inertia is best when lowest.
        let runs = try f.store.index.runs(matching: RunQuery(experiment: "digits"))
        let lowest = tableNumber(runs.compactMap { $0.metrics["inertia"] }.min()!)
        #expect(page.html.contains("class=\"best\">\(lowest)<"))
    }

    @Test func userStringsAreEscaped() throws {
        let f = try DashboardFixture.get()
        for (path, query) in [("/", nil), ("/run/\(f.hostileID)", nil), ("/compare", "ids=\(f.hostileID)"), ("/", "q=<script>x")] {
            let html = f.page(path, query: query).html
            #expect(!html.contains("<script>alert") && !html.contains("<img src=x") && !html.contains("<script>x"))
        }
        #expect(f.page("/run/\(f.hostileID)").html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(f.page("/", query: "q=<script>x").html.contains("&lt;script&gt;x"))
    }

    @Test(arguments: [
        "/files/../runs.jsonl", "/files/%2e%2e/runs.jsonl", "/files/%2E%2E/%2E%2E/etc/passwd", "/files/..%2f..%2fetc%2fpasswd",
        "/files/%2Fetc%2Fpasswd", "/files/digits/..%5c..%5cetc", "/files/./runs.jsonl", "/files//etc/passwd",
        "/files/digits/%00", "/files/", "/files/digits", "/run/..%2f..%2fetc", "/assets/../../etc/passwd", "/nope",
    ])
    func pathTraversalAndUnknownPathsAre404(path: String) throws {
        let f = try DashboardFixture.get()
        #expect(f.page(path).status == 404)
    }

    @Test func filesInsideTheStoreAreServedAndBadRequestsAre4xx() throws {
        let f = try DashboardFixture.get()
        let labels = f.site.respond(path: "/files/digits/\(f.hogID)/labels.csv", query: nil)
        #expect(labels.status == 200 && String(decoding: labels.body, as: UTF8.self).hasPrefix("row,true_label,cluster\n"))
        #expect(f.page("/", query: "status=bogus").status == 400)
        #expect(f.page("/compare").status == 400)
        #expect(f.page("/compare", query: "ids=no-such-run").status == 404)
        #expect(f.page("/run/no-such-run").status == 404)
        #expect(f.site.respond(method: "POST", path: "/", query: nil).status == 405)
        #expect(f.site.respond(path: "/assets/dashboard.js", query: nil).contentType.hasPrefix("text/javascript"))
    }

    @Test func aPipelineAddsItsPageThroughTheRegistry() throws {
        struct HostilePage: RunPage {
            let name = "hostile"
            var assets: PageAssets { PageAssets(css: "#custom { color: teal; }", javascript: "throw new Error('hostile script');") }
            func canRender(_ run: RunRecord) -> Bool { run.experiment == "hostile" }
            func render(_ run: RunArtifacts, context: PageContext) throws -> PageContent {
                PageContent(title: "custom", body: "<p id=\"custom\">\(run.record.metrics.count) metric(s)</p>")
            }
        }
        let f = try DashboardFixture.get()
        var pages = RunPageRegistry.standard
        pages.register(HostilePage())
        let site = DashboardSite(store: f.store, pages: pages)
        let custom = String(decoding: site.respond(path: "/run/\(f.hostileID)", query: nil).body, as: UTF8.self)
        #expect(custom.contains("<p id=\"custom\">1 metric(s)</p>"))
        let clustering = String(decoding: site.respond(path: "/run/\(f.hogID)", query: nil).body, as: UTF8.self)
        #expect(clustering.contains("data-page-kind=\"clustering\""))

        // The page's own rules and script are served with the shared ones, its script isolated
        // (its error is reported, the clustering page's script still follows and runs).
        let css = String(decoding: site.respond(path: "/assets/dashboard.css", query: nil).body, as: UTF8.self)
        #expect(css.contains("#custom { color: teal; }") && css.contains("table.data"))
        let script = String(decoding: site.respond(path: "/assets/dashboard.js", query: nil).body, as: UTF8.self)
        let hostile = try #require(script.range(of: "throw new Error('hostile script');"))
        let clusteringScript = try #require(script.range(of: "cluster-select"))
        #expect(hostile.lowerBound < clusteringScript.lowerBound)
        #expect(script.contains("catch (e) { almagest.report('hostile page: ' + e); }"))
        #expect(script.hasSuffix("document.body.setAttribute('data-script', 'ready');\n"))
    }
}

/// A metric value as the tables print it.
func tableNumber(_ value: Double) -> String {
    if value.rounded() == value && abs(value) < 1e9 { return String(Int(value)) }
    return abs(value) >= 1000 ? String(format: "%.2f", value) : String(format: "%.4f", value)
}

/// A projection of more points than the page draws: a seeded sample stratified by cluster, said so.
@Suite struct LargeScatterTests {
    @Test func largeProjectionIsSampledByCluster() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-large-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try RunStore(root: root)
        let n = 120_000
        let clusters: [Int] = (0..<n).map { (i: Int) -> Int in i % 10 < 7 ? 0 : (i % 10 < 9 ? 1 : 2) }   // 70%, 20%, 10%
        let points = Matrix<Double>(rows: n, columns: 3) { (i: Int, j: Int) -> Double in
            Double(clusters[i] * 10 + j) + Double(i % 97) / 97
        }
        let run = try store.start(experiment: "big", algorithm: "kmeans", parameters: [:])
        try run.write(ProjectionArtifact(coordinates: points, truth: nil, clusters: clusters))
        let id = try run.finish(metrics: [:], specs: [], timings: [:]).id
        let html = String(decoding: DashboardSite(store: store).respond(path: "/run/\(id)", query: nil).body, as: UTF8.self)
        #expect(html.contains("data-points=\"100000\" data-total=\"120000\""))
        #expect(html.contains("a seeded sample of 100000 of 120000 points, stratified by cluster"))
        let drawn = try #require(scatterBlock("labels", in: html))
        #expect(drawn.count == 100_000)
        #expect([0, 1, 2].map { k in drawn.filter { $0 == k }.count } == [70_000, 20_000, 10_000])
        // The legend counts every point of a cluster, not only the drawn ones.
        #expect(html.contains("cluster 0 <span class=\"count\">84000</span>"))
    }
}

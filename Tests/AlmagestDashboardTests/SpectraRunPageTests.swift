import AlmagestCore
import AlmagestData
import AlmagestDashboard
import AlmagestExperiments
import AlmagestLearn
import AlmagestTestSupport
import AlmagestTracking
import Foundation
import Testing

/// Two clusterings of the same semi-synthetic spectra (k-means and mini-batch k-means), logged by
/// the clustering experiment, as the spectra page shows them.
struct SpectraFixture: SiteFixture, Sendable {
    let root: URL
    let store: RunStore
    let data: Dataset
    let kmeans: ClusteringResult
    let minibatch: ClusteringResult

    static let shared: Result<SpectraFixture, any Error> = Result { try SpectraFixture() }

    private init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-spectra-page-\(UUID().uuidString)")
        store = try RunStore(root: root)
        let templates = try SpectralTemplates(collection: try SpectraCollection.load(from: Reference.url("datasets/sdss-spectra")))
        let grid = WavelengthGrid(start: 3_900, end: 8_000, count: 240)
        let synthetic = try SemiSyntheticSpectra(count: 150, noise: 0.05, grid: grid, seed: 4).generate(from: templates, as: Double.self)
        data = try Dataset(
            features: synthetic.flux, labels: synthetic.labels, featureNames: synthetic.wavelengths.map { String(format: "%.3f", $0) },
            classNames: synthetic.classNames)
        let (data, store) = (data, store)
        let run = { (name: String) throws -> ClusteringResult in
            try ClusteringExperiment(experiment: "spectra", clusterer: EstimatorSpec(name), clusters: 4, descriptors: [.none], seed: 0)
                .run(on: data, settings: try .digits(), store: store)[0]
        }
        kmeans = try run("kmeans")
        minibatch = try run("minibatch-kmeans")
    }
}

@Suite struct SpectraRunPageTests {
    /// The page's own panels: each cluster's mean spectrum equals the mean of its rows, one block
    /// of member spectra per cluster with only the selected one visible, the per-cluster
    /// silhouette plot with the exact silhouette means, and the summary line.
    @Test func spectraPageShowsMeansMembersAndSilhouettes() throws {
        let f = try SpectraFixture.shared.get()
        let id = try #require(f.kmeans.runID)
        let page = f.page("/run/\(id)", query: "cluster=1")
        #expect(page.status == 200)
        #expect(page.html.contains("data-page-kind=\"spectra\"") && page.html.contains("id=\"cluster-spectra\""))
        let labels = f.kmeans.labels, ids = Array(Set(labels)).sorted()
        #expect(count("class=\"examples spectra\" data-cluster=\"\\d+\" data-count=\"3\" hidden", in: page.html) == ids.count - 1)
        #expect(count("class=\"examples spectra\" data-cluster=\"1\" data-count=\"3\">", in: page.html) == 1)
        #expect(count("<polygon[^>]*class=\"band\"", in: page.html) == ids.count)
        // The means figure: one series per cluster, whose values are the cluster's mean flux.
        let means = page.html.components(separatedBy: "id=\"cluster-spectra\"")[1]
        for k in ids {
            let rows = labels.indices.filter { labels[$0] == k }
            let expected = (0..<f.data.featureCount).map { j in rows.map { f.data.features[$0, j] }.reduce(0, +) / Double(rows.count) }
            let values = try #require(seriesValues("cluster \(k) (\(rows.count))", in: means))
            #expect(values.count == expected.count)
            #expect(zip(values, expected).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($1)) })
        }
        // Silhouettes of the standardised spectra, as the experiment measured them (every row: 150 < 10,000).
        let standardized = try StandardScaler().fit(f.data.features).transform(f.data.features)
        let analysis = try SilhouetteAnalysis(standardized, labels: labels)
        let silhouette = page.html.components(separatedBy: "id=\"silhouette\"")[1].components(separatedBy: "</figure>")[0]
        for (i, k) in analysis.clusterLabels.enumerated() {
            let mean = try #require(attribute("data-mean", ofPolygonLabelled: "\(k)", in: silhouette).flatMap(Double.init))
            #expect(abs(mean - analysis.clusterMeans[i]) < 1e-3)
        }
        #expect(page.html.contains("data-metric=\"clusters_asked\"") && page.html.contains("data-metric=\"clusters_found\""))
        let other = f.page("/run/\(try #require(f.minibatch.runID))")
        #expect(other.html.contains("data-page-kind=\"spectra\""))
    }

    /// The run chosen on the page is drawn against this one: its Sankey ribbons carry the counts
    /// of the contingency table of the two labelings.
    @Test func anotherRunChosenOnThePageIsDrawnAsASankey() throws {
        let f = try SpectraFixture.shared.get()
        let id = try #require(f.kmeans.runID), otherID = try #require(f.minibatch.runID)
        let plain = f.page("/run/\(id)")
        #expect(plain.html.contains("<option value=\"\(otherID)\">") && !plain.html.contains("id=\"sankey\""))
        let page = f.page("/run/\(id)", query: "against=\(otherID)")
        #expect(page.html.contains("<option value=\"\(otherID)\" selected>"))
        #expect(page.html.contains("id=\"sankey\"") && page.html.contains("id=\"contingency-against\""))
        var expected = [String: Int]()
        for (a, b) in zip(f.kmeans.labels, f.minibatch.labels) { expected["\(a)>\(b)", default: 0] += 1 }
        let ribbons = try NSRegularExpression(pattern: "<polygon[^>]*class=\"ribbon\"[^>]*>")
        var found = [String: Int]()
        for match in ribbons.matches(in: page.html, range: NSRange(page.html.startIndex..., in: page.html)) {
            let tag = String(page.html[Range(match.range, in: page.html)!])
            let value = { (name: String) in tag.components(separatedBy: "data-\(name)=\"").dropFirst().first?.components(separatedBy: "\"").first }
            found["\(value("source") ?? "")>\(value("target") ?? "")"] = Int(value("count") ?? "")
        }
        #expect(found == expected)
        // A run of other samples is not offered, and an unknown one draws nothing.
        #expect(!f.page("/run/\(id)", query: "against=nonexistent").html.contains("id=\"sankey\""))
    }

    /// A GEMINI run of the same spectra: the page draws its score per epoch (the training curve,
    /// as losses = −score, one point per epoch) and its summary says the score, clusters asked and
    /// found; the run logged its iterations, hyper-parameters and labels.
    @Test func geminiRunShowsItsScorePerEpoch() throws {
        let f = try SpectraFixture.shared.get()
        struct Own: SiteFixture { let store: RunStore }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-gemini-page-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let own = Own(store: try RunStore(root: root))
        let result = try ClusteringExperiment(
            experiment: "spectra", clusterer: EstimatorSpec("gemini-mmd", options: ["epochs": 12, "learning_rate": 0.01, "ovo": true]),
            clusters: 4, descriptors: [.none], seed: 0
        ).run(on: f.data, settings: try .digits(), store: own.store)[0]
        let run = try #require(try own.store.runs().first)
        let model = try JSONDecoder().decode(
            AnyFittedClusterer<Matrix<Double>>.self, from: Data(contentsOf: try #require(result.directory).appendingPathComponent("model.json")))
        let gemini = try #require(model.base as? GeminiClusteringModel)
        #expect(run.metrics["iterations"] == 12 && run.metrics["gemini_score"] == gemini.geminiScore)
        #expect(run.parameters["epochs"] == 12 && run.parameters["learning_rate"] == 0.01 && run.parameters["kernel"] == "linear")
        #expect(run.artifacts.contains("labels.csv") && run.artifacts.contains(TrainingCurveArtifact.fileName))
        let page = own.page("/run/\(run.id)")
        #expect(page.status == 200)
        let figure = try #require(page.html.components(separatedBy: "id=\"training-curve\"").dropFirst().first)
        let losses = try #require(seriesValues("training loss", in: figure))
        #expect(losses.count == 12)
        #expect(zip(losses, gemini.scores).allSatisfy { abs($0 + $1) <= 1e-6 * max(1, abs($1)) })
        #expect(page.html.contains("data-metric=\"gemini_score\"") && page.html.contains("data-metric=\"clusters_found\""))
    }

    private func seriesValues(_ name: String, in html: String) -> [Double]? {
        guard let start = html.range(of: "data-name=\"\(name)\"") else { return nil }
        let tail = html[start.upperBound...]
        guard let y = tail.range(of: "data-y=\""), let end = tail[y.upperBound...].range(of: "\"") else { return nil }
        return tail[y.upperBound..<end.lowerBound].split(separator: " ").compactMap { Double($0) }
    }

    private func attribute(_ name: String, ofPolygonLabelled label: String, in html: String) -> String? {
        let tags = html.components(separatedBy: "<polygon").dropFirst().map { $0.components(separatedBy: ">")[0] }
        guard let tag = tags.first(where: { $0.contains("class=\"cluster\"") && $0.contains("data-label=\"\(label)\"") }) else { return nil }
        return tag.components(separatedBy: "\(name)=\"").dropFirst().first?.components(separatedBy: "\"").first
    }
}

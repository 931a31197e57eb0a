import AlmagestCore
import AlmagestData
import AlmagestDashboard
import AlmagestExperiments
import AlmagestLearn
import AlmagestTracking
import Foundation

/// A small real run store shared by the dashboard tests: the clustering experiment (HOG and grey
/// histograms + k-means, 6 clusters) on the first 360 embedded digits, plus one run whose
/// algorithm and parameters are hostile strings (for the escaping tests).
struct DashboardFixture: SiteFixture, Sendable {
    let root: URL
    let store: RunStore
    let hogID: String
    let histogramID: String
    let hostileID: String
    let points: Int
    /// Cluster sizes of the HOG run, by cluster id.
    let hogClusterSizes: [Int: Int]
    /// The HOG run's cluster of every point.
    let hogLabels: [Int]
    let hogAMI: Double
    let histogramAMI: Double

    static let shared: Result<DashboardFixture, any Error> = Result { try DashboardFixture() }

    static func get() throws -> DashboardFixture { try shared.get() }

    private init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-dashboard-\(UUID().uuidString)")
        store = try RunStore(root: root)
        let digits = try EmbeddedDatasets.digits().subset(0..<360)
        let experiment = ClusteringExperiment(
            experiment: "digits", clusterer: EstimatorSpec("kmeans", options: ["restarts": 2]), clusters: 6,
            descriptors: [.hog, .histogram], seed: 0)
        let results = try experiment.run(on: digits, settings: try .digits(), store: store)
        hogID = results[0].runID!
        histogramID = results[1].runID!
        points = digits.count
        hogLabels = results[0].labels
        hogClusterSizes = Dictionary(results[0].labels.map { ($0, 1) }, uniquingKeysWith: +)
        hogAMI = results[0].metrics["adjusted_mutual_information"]!
        histogramAMI = results[1].metrics["adjusted_mutual_information"]!
        let hostile = try store.start(
            experiment: "hostile", algorithm: "<script>alert(1)</script>",
            parameters: ["note": "\"><img src=x onerror=alert(2)>", "clusters": 3])
        hostileID = try hostile.finish(metrics: ["score&<b>": 1], specs: testSpecs(["score&<b>": 1]), timings: [:]).id
    }

}

/// A fixture holding a run store, answered by the standard dashboard site.
protocol SiteFixture {
    var store: RunStore { get }
}

extension SiteFixture {
    var site: DashboardSite { DashboardSite(store: store) }

    /// The body of a site response as text.
    func page(_ path: String, query: String? = nil) -> (status: Int, html: String) {
        let r = site.respond(path: path, query: query)
        return (r.status, String(decoding: r.body, as: UTF8.self))
    }
}

/// How many times `pattern` (a regular expression) matches `text`.
func count(_ pattern: String, in text: String) -> Int {
    (try? NSRegularExpression(pattern: pattern)).map { $0.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text)) } ?? -1
}

/// The values of the scatter's data block `name` (base64 in a `<script class="scatter-data">`,
/// little-endian integers of the type its `data-type` names), or nil.
func scatterBlock(_ name: String, in html: String) -> [Int]? {
    let marker = "class=\"scatter-data\" data-name=\"\(name)\" data-type=\""
    guard let start = html.range(of: marker), let close = html[start.upperBound...].range(of: "\">"),
          let end = html[close.upperBound...].range(of: "</script>"),
          let data = Data(base64Encoded: String(html[close.upperBound..<end.lowerBound]))
    else { return nil }
    func values<T: FixedWidthInteger>(_: T.Type) -> [Int] {
        let size = MemoryLayout<T>.size
        return data.withUnsafeBytes { raw in
            (0..<raw.count / size).map { Int(T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * size, as: T.self))) }
        }
    }
    switch html[start.upperBound..<close.lowerBound] {
    case "int8": return values(Int8.self)
    case "int16": return values(Int16.self)
    case "int32": return values(Int32.self)
    default: return nil
    }
}

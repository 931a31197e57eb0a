import AlmagestCore
import AlmagestDashboard
import AlmagestTracking
import Foundation

/// The dashboard over a large store: 10,000 runs in runs.jsonl (index built from scratch, then the
/// home page filtered and sorted by a metric, the compare page of 10 runs) and one clustering run
/// with a 50,000-point projection (its page cold, parsing the CSVs, and warm). Each page is
/// rendered by `DashboardSite` exactly as the server would send it; the bar is 200 ms per page.
/// Then the same pages over HTTP in headless Chromium, timed until their scripts have run.
func dashboardBenchmarks() -> [BenchResult] {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-bench-dashboard-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: root) }
    let (ids, bigRun) = try! writeLargeStore(root: root, runs: 10_000, points: 50_000)
    var results = [BenchResult]()
    let store = try! RunStore(root: root)  // opening catches the index up once (timed below as a rebuild)

    results.append(measure("dashboard_index_rebuild_10000_runs", repeats: 2) {
        try! store.index.rebuild()
        return ["runs": try! store.index.count()]
    })
    let site = DashboardSite(store: store)
    func page(_ task: String, _ path: String, _ query: String?, repeats: Int = 5) -> BenchResult {
        var result = measure(task, repeats: repeats) {
            let r = site.respond(path: path, query: query)
            precondition(r.status == 200, "\(path)?\(query ?? "") answered \(r.status)")
            return ["bytes": r.body.count]
        }
        result.extra["under_200ms"] = result.wallSeconds < 0.2
        return result
    }
    results.append(page("dashboard_run_page_50000_points_cold", "/run/\(bigRun)", "cluster=3", repeats: 1))
    results.append(page("dashboard_run_page_50000_points_warm", "/run/\(bigRun)", "cluster=3"))
    results.append(page("dashboard_home_10000_runs", "/", nil))
    results.append(page("dashboard_home_10000_runs_sorted_by_metric", "/", "sort=adjusted_mutual_information&order=desc"))
    results.append(page("dashboard_home_10000_runs_filtered_sorted", "/", "q=hog&experiment=exp-3&sort=inertia&order=asc&page=2"))
    results.append(page("dashboard_compare_10_runs", "/compare", "ids=" + ids.prefix(10).joined(separator: ",")))
    results.append(page("dashboard_sweep_2000_runs", "/sweep", "experiment=exp-1&x=clusters&y=adjusted_mutual_information"))
    results += browserPageBenchmarks(store: store, pages: [
        ("dashboard_browser_run_page_50000_points", "/run/\(bigRun)#cluster=3"),
        ("dashboard_browser_home_10000_runs", "/?sort=adjusted_mutual_information&order=desc"),
        ("dashboard_browser_compare_10_runs", "/compare?ids=" + ids.prefix(10).joined(separator: ",")),
        ("dashboard_browser_sweep_2000_runs", "/sweep?experiment=exp-1&x=clusters&y=adjusted_mutual_information"),
    ])
    return results
}

/// Writes runs.jsonl with `runs` finished runs (5 experiments, 3 algorithms, 12 metrics each) and
/// one clustering run with `points` points, 10 clusters and its artifacts; returns the ids.
private func writeLargeStore(root: URL, runs: Int, points: Int) throws -> ([String], String) {
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    encoder.dateEncodingStrategy = .iso8601
    var rng = RandomStream(seed: 7)
    var log = Data()
    var ids = [String]()
    let start = Date(timeIntervalSince1970: 1_790_000_000)
    let descriptors = ["hog", "histogram", "none"]
    let metricNames = ["adjusted_mutual_information", "adjusted_rand_index", "v_measure", "homogeneity", "completeness",
                       "silhouette", "inertia", "davies_bouldin", "calinski_harabasz", "purity", "rand_index", "iterations"]
    for i in 0..<runs {
        let descriptor = descriptors[i % 3]
        let id = String(format: "20270101-%06d-kmeans-%@-%06x", i, descriptor, i)
        var metrics = [String: Double]()
        for m in metricNames { metrics[m] = rng.nextDouble() * (m == "inertia" ? 50_000 : 1) }
        let record = RunRecord(
            id: id, experiment: "exp-\(i % 5)", algorithm: "kmeans-\(descriptor)",
            parameters: ["descriptor": .string(descriptor), "clusters": .int(5 + i % 10), "seed": .int(i)],
            metrics: metrics, timings: ["fit": rng.nextDouble()], status: .finished, artifacts: ["parameters.json"],
            startedAt: start.addingTimeInterval(Double(i)), endedAt: start.addingTimeInterval(Double(i) + 0.5),
            version: Almagest.version, directory: "exp-\(i % 5)/\(id)")
        log.append(try encoder.encode(record))
        log.append(UInt8(ascii: "\n"))
        ids.append(id)
    }

    // The large clustering run and its artifacts.
    let big = "20270102-000000-kmeans-hog-big000"
    let directory = root.appendingPathComponent("digits/\(big)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var projection = "x,y,z,true_label,cluster\n", labels = "row,true_label,cluster\n"
    projection.reserveCapacity(points * 40)
    for i in 0..<points {
        let k = i % 10, truth = (i / 7) % 10
        let (x, y, z) = (Double(k) + rng.nextNormal(), Double(k % 3) + rng.nextNormal(), rng.nextNormal())
        projection += "\(x),\(y),\(z),\(truth),\(k)\n"
        labels += "\(i),\(truth),\(k)\n"
    }
    var silhouette = "cluster,size,mean_silhouette\n"
    for k in 0..<10 { silhouette += "\(k),\(points / 10),\(0.05 * Double(k % 4))\n" }
    var examples = [[String: Any]]()
    for i in 0..<120 {
        examples.append(["row": i, "cluster": i % 10, "trueLabel": (i / 7) % 10, "pixels": (0..<64).map { _ in rng.nextDouble() * 16 }])
    }
    let examplesJSON = try JSONSerialization.data(withJSONObject: ["imageHeight": 8, "imageWidth": 8, "examples": examples])
    try Data(projection.utf8).write(to: directory.appendingPathComponent("projection.csv"))
    try Data(labels.utf8).write(to: directory.appendingPathComponent("labels.csv"))
    try Data(silhouette.utf8).write(to: directory.appendingPathComponent("silhouette.csv"))
    try examplesJSON.write(to: directory.appendingPathComponent("examples.json"))
    let record = RunRecord(
        id: big, experiment: "digits", algorithm: "kmeans-hog", parameters: ["descriptor": "hog", "clusters": 10],
        metrics: ["adjusted_mutual_information": 0.6, "inertia": 1000], status: .finished,
        artifacts: ["parameters.json", "labels.csv", "projection.csv", "silhouette.csv", "examples.json"],
        startedAt: start.addingTimeInterval(Double(runs)), version: Almagest.version, directory: "digits/\(big)")
    log.append(try encoder.encode(record))
    log.append(UInt8(ascii: "\n"))
    try log.write(to: root.appendingPathComponent("runs.jsonl"))
    return (ids, big)
}

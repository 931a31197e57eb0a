import AlmagestTracking
import Foundation
import Testing

/// A store with six finished runs over two experiments, two algorithms and two descriptors.
private func sampleStore() throws -> RunStore {
    let store = try RunStore(root: temporaryStoreURL())
    let rows: [(String, String, String, Int, Double, Double)] = [
        ("digits", "kmeans-hog", "hog", 10, 0.61, 900),
        ("digits", "kmeans-hog", "hog", 12, 0.58, 850),
        ("digits", "kmeans-histogram", "histogram", 10, 0.22, 1200),
        ("digits", "kmeans-histogram", "histogram", 12, 0.25, 1100),
        ("spectra", "kmeans-none", "none", 10, 0.40, 50),
        ("spectra", "kmeans-none", "none", 8, 0.45, 70),
    ]
    for (experiment, algorithm, descriptor, k, ami, inertia) in rows {
        let run = try store.start(
            experiment: experiment, algorithm: algorithm, parameters: ["descriptor": .string(descriptor), "clusters": .int(k)])
        try run.finish(metrics: ["ami": ami, "inertia": inertia], specs: testSpecs(["ami": ami, "inertia": inertia], lower: ["inertia"]), timings: ["fit": 0.1])
    }
    _ = try store.start(experiment: "digits", algorithm: "kmeans-hog", parameters: ["descriptor": "hog", "clusters": 10])
    return store
}

@Suite struct RunIndexTests {
    @Test func queriesByExperimentAlgorithmParameterAndMetricRange() throws {
        let store = try sampleStore()
        defer { try? FileManager.default.removeItem(at: store.root) }
        let index = store.index
        #expect(try index.count() == 7)
        #expect(try index.count(matching: RunQuery(experiment: "digits")) == 5)
        #expect(try index.count(matching: RunQuery(algorithm: "kmeans-histogram")) == 2)
        #expect(try index.count(matching: RunQuery(experiment: "digits", status: .finished)) == 4)
        let tens = try index.runs(matching: RunQuery(parameters: ["clusters": "10.0"]))
        #expect(tens.count == 4 && tens.allSatisfy { $0.parameters["clusters"] == 10 })
        let hogTwelve = try index.runs(matching: RunQuery(parameters: ["descriptor": "hog", "clusters": "12"]))
        #expect(hogTwelve.map { $0.metrics["ami"] } == [0.58])
        let good = try index.runs(matching: RunQuery(metricRanges: [try MetricRange(parsing: "ami>=0.4")]))
        #expect(good.compactMap { $0.metrics["ami"] }.sorted() == [0.40, 0.45, 0.58, 0.61])
        let band = try index.runs(matching: RunQuery(metricRanges: [MetricRange(metric: "ami", lower: 0.3, upper: 0.5)]))
        #expect(Set(band.compactMap { $0.metrics["ami"] }) == [0.40, 0.45])
        #expect(try index.runs(matching: RunQuery(text: "SPECTRA")).count == 2)
    }

    @Test func sortsByMetricAndFindsTheBestRun() throws {
        let store = try sampleStore()
        defer { try? FileManager.default.removeItem(at: store.root) }
        let sorted = try store.index.runs(matching: RunQuery(sort: RunSort(.metric("ami"), descending: true)))
        #expect(sorted.prefix(6).compactMap { $0.metrics["ami"] } == [0.61, 0.58, 0.45, 0.40, 0.25, 0.22])
        #expect(sorted.last?.status == .running)  // no metric: last
        let page = try store.index.runs(matching: RunQuery(sort: RunSort(.metric("ami")), limit: 2, offset: 1))
        #expect(page.compactMap { $0.metrics["ami"] } == [0.25, 0.40])
        #expect(try store.index.best(by: "ami", goal: .maximize)?.metrics["ami"] == 0.61)
        #expect(try store.index.best(by: "inertia", goal: .minimize)?.metrics["inertia"] == 50)
        let bestDigits = try store.index.best(by: "inertia", goal: .minimize, matching: RunQuery(experiment: "digits"))
        #expect(bestDigits?.metrics["inertia"] == 850)
        #expect(try store.index.best(by: "accuracy", goal: .maximize) == nil)
        #expect(try store.index.metricNames() == ["ami", "inertia"])
        let summaries = try store.index.experiments()
        #expect(summaries.map(\.name) == ["digits", "spectra"])
        #expect(summaries[0].runs == 5 && summaries[0].finished == 4 && summaries[0].algorithms == ["kmeans-histogram", "kmeans-hog"])
    }

    @Test func indexFollowsTheLogAndRebuildsWhenDeletedOrCorrupt() throws {
        let store = try sampleStore()
        defer { try? FileManager.default.removeItem(at: store.root) }
        let sqlite = store.root.appendingPathComponent("runs.sqlite")
        #expect(FileManager.default.fileExists(atPath: sqlite.path))
        let expected = try store.runs().map(\.id)
        #expect(try store.index.runs().map(\.id) == expected)

        // Deleted under an open store: recreated from the log at the next query.
        try FileManager.default.removeItem(at: sqlite)
        #expect(try store.index.runs().map(\.id) == expected)
        #expect(FileManager.default.fileExists(atPath: sqlite.path))

        // Corrupt file: a new store (a new process) replaces and rebuilds it.
        try Data(repeating: 0x5A, count: 4096).write(to: sqlite)
        let reopened = try RunStore(root: store.root)
        #expect(try reopened.index.runs().map(\.id) == expected)
        #expect(try reopened.index.best(by: "ami", goal: .maximize)?.metrics["ami"] == 0.61)

        // A writer that does not go through this store (another process) is picked up too.
        let other = try RunStore(root: store.root)
        let extra = try other.start(experiment: "digits", algorithm: "kmeans-hog", parameters: ["clusters": 3])
        try extra.finish(metrics: ["ami": 0.99], specs: testSpecs(["ami": 0.99]), timings: [:])
        #expect(try reopened.index.best(by: "ami", goal: .maximize)?.id == extra.id)
        #expect(try reopened.index.run(id: String(extra.id.prefix(30)))?.id == extra.id || extra.id.count <= 30)
        try reopened.index.rebuild()
        #expect(try reopened.index.count() == expected.count + 1)
    }

    @Test func badFiltersAreTypedErrors() {
        #expect(throws: QueryError.self) { try MetricRange(parsing: "ami>>x") }
        #expect(throws: QueryError.self) { try MetricRange(parsing: ">=3") }
        #expect((try? MetricRange(parsing: "inertia<=10"))?.upper == 10)
    }
}

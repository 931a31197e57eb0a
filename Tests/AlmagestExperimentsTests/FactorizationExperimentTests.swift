import AlmagestCore
import AlmagestData
import AlmagestExperiments
import AlmagestLearn
import AlmagestTestSupport
import AlmagestTracking
import Foundation
import Testing

@Suite struct FactorizationExperimentTests {
    static func mnist(_ rows: Range<Int>) throws -> FactorizationData {
        try FactorizationData.mnist(directory: Reference.url("datasets/mnist"), rows: rows)
    }

    /// 60 MNIST images, MU and deep NMF for a few iterations: every file is written and agrees
    /// with the returned model.
    @Test func endToEndWritesEveryArtifact() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-nmf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = try Self.mnist(0..<60)
        #expect(data.matrix.rows == 60 && data.matrix.columns == 784)
        #expect(data.imageSize?.width == 28)
        let store = try RunStore(root: root)
        let muSpec = FactorizationSpec(method: .mu, rank: 6, iterations: 30, trackEvery: 2, initialization: .nndsvd)
        let deepSpec = FactorizationSpec(method: .deep, rank: 4, innerRanks: [8], lambdas: [1, 1], iterations: 20, trackEvery: 5)
        // PNG rendering dominates a debug build's time: only the first run writes both formats.
        let results = try FactorizationExperiment(experiment: "nmf-test").run([muSpec], on: data, store: store)
            + FactorizationExperiment(experiment: "nmf-test", plotFormats: ["svg"]).run([deepSpec], on: data, store: store)
        #expect(results.count == 2)
        let records = try store.runs()
        #expect(records.count == 2 && records.allSatisfy { $0.status == .finished })

        let mu = results[0]
        let dir = try #require(mu.directory)
        let figures = ["heatmap_w", "heatmap_h", "training", "signatures", "reconstructions"]
        for name in ["parameters.json", "metrics.json", "summary.json", "history.csv", "history.json", "w.npy", "h.npy"]
            + figures.flatMap({ ["\($0).svg", "\($0).png"] }) {
            #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path), "\(name) missing")
        }
        let w = try NPY.readMatrix(from: dir.appendingPathComponent("w.npy"))
        #expect(w == mu.model.w)
        let h = try NPY.readMatrix(from: dir.appendingPathComponent("h.npy"))
        #expect(h == mu.model.h && h.rows == 6 && h.columns == 784)
        let csv = try String(contentsOf: dir.appendingPathComponent("history.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 1 + 16)   // header + iterations 0, 2, ..., 30
        let history = try JSONDecoder().decode(NMFHistory.self, from: Data(contentsOf: dir.appendingPathComponent("history.json")))
        #expect(history == mu.model.history)
        let metrics = try JSONDecoder().decode([String: Double].self, from: Data(contentsOf: dir.appendingPathComponent("metrics.json")))
        #expect(metrics["relative_error"] == mu.model.relativeError && metrics["iterations"] == 30)
        #expect(try #require(metrics["effective_rank"]) > 1 && metrics["effective_rank"]! <= 6)
        let svg = try String(contentsOf: dir.appendingPathComponent("signatures.svg"), encoding: .utf8)
        #expect(svg.components(separatedBy: "class=\"image\"").count - 1 == 6)

        let deepDir = try #require(results[1].directory)
        for name in ["layer_1.npy", "layer_2.npy"] {
            #expect(FileManager.default.fileExists(atPath: deepDir.appendingPathComponent(name).path))
        }
        #expect(!FileManager.default.fileExists(atPath: deepDir.appendingPathComponent("training.png").path))
        #expect(try NPY.readMatrix(from: deepDir.appendingPathComponent("layer_1.npy")).shape == [60, 8])
        #expect(results[1].model.w.shape == [60, 4])
    }

    @Test func sweepExpandsEveryCombination() throws {
        let sweep = FactorizationSweep(
            methods: [.mu, .gd, .deep], ranks: [4, 6], innerRanks: [[8], [12, 8]], lambdas: [[1, 1], [1, 0.5, 0.5], [2, 1]],
            l1: [0, 0.1], seeds: [0, 1])
        let specs = try sweep.specs()
        // mu, gd: 2 ranks x 2 seeds each; deep: 2 ranks x ([8]: 2 l1 + 2 lambdas; [12, 8]: 2 l1 + 1 lambdas) x 2 seeds.
        #expect(specs.count == 4 + 4 + 2 * (4 + 3) * 2)
        #expect(specs.filter { $0.method == .deep && $0.lambdas?.count == 3 }.allSatisfy { $0.innerRanks == [12, 8] })
        #expect(Set(specs.map(\.label)).count == specs.count / 2)
    }

    @Test func sweepFileErrorsAreClear() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-sweep-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("good.json")
        try Data(#"{"methods": ["mu", "deep"], "ranks": [3], "innerRanks": [[5]], "lambdas": [[1, 1]], "iterations": 7}"#.utf8).write(to: good)
        let specs = try FactorizationSweep.load(from: good).specs()
        #expect(specs.count == 2 && specs.allSatisfy { $0.iterations == 7 } && specs[1].lambdas == [1, 1])

        let typo = dir.appendingPathComponent("typo.json")
        try Data(#"{"methods": ["mu"], "rank": [3]}"#.utf8).write(to: typo)
        do {
            _ = try FactorizationSweep.load(from: typo)
            Issue.record("an unknown key must be refused")
        } catch let error as DataError {
            #expect("\(error)".contains("unknown key \"rank\""))
        }
        let badMethod = dir.appendingPathComponent("method.json")
        try Data(#"{"methods": ["svd"], "ranks": [3]}"#.utf8).write(to: badMethod)
        #expect(throws: DataError.self) { try FactorizationSweep.load(from: badMethod) }
        #expect(throws: FitError.self) { try FactorizationSweep(methods: [], ranks: [3]).specs() }
        #expect(throws: FitError.self) { try FactorizationData.parseRows("350:100") }
        #expect(try FactorizationData.parseRows("100:350") == 100..<350)
    }

    @Test func failedRunIsLoggedAndRethrown() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-nmf-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try RunStore(root: root)
        let data = try Self.mnist(0..<8)
        #expect(throws: FitError.self) {
            try FactorizationExperiment().run([FactorizationSpec(rank: 9)], on: data, store: store)
        }
        #expect(try store.runs().first?.status == .failed)
    }
}

import AlmagestCore
import AlmagestData
import AlmagestExperiments
import AlmagestLearn
import Foundation
import Testing

/// Sweep files: the runs a grid, a list and seeds expand to (checked against nested loops written
/// out here), stable keys, YAML read as JSON, unknown fields refused, and NMF experiment files of
/// `almagest factorize --experiment-file` accepted as they are.
@Suite struct SweepPlanTests {
    private func write(_ text: String, _ name: String) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-sweep-plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    @Test func gridListAndSeedsExpandToEveryCombinationInOrder() throws {
        let url = try write("""
            {"command": "cluster", "experiment": "k", "options": {"input": "a.csv", "no-standardize": true},
             "grid": {"clusters": [2, 3, 4], "algorithm": ["kmeans", "gmm"]},
             "runs": [{"clusters": 9, "option": ["restarts=1", "tolerance=0.5"]}], "seeds": [0, 7]}
            """, "k.json")
        let plan = try SweepPlan.load(from: url)
        // The grid's keys in name order, the last varying fastest; then the list; seeds innermost.
        var expected = [[String: ParameterValue]]()
        for algorithm in ["kmeans", "gmm"] {
            for clusters in [2, 3, 4] {
                for seed in [0, 7] {
                    expected.append(["algorithm": .string(algorithm), "clusters": .int(clusters), "seed": .int(seed)])
                }
            }
        }
        for seed in [0, 7] {
            expected.append(["clusters": 9, "option": .list(["restarts=1", "tolerance=0.5"]), "seed": .int(seed)])
        }
        #expect(plan.count == expected.count)
        for (index, wanted) in expected.enumerated() {
            var options = wanted
            options["input"] = "a.csv"
            options["no-standardize"] = true
            options["experiment"] = "k"
            #expect(try plan.combination(index).options == options, "run \(index)")
        }
        let last = try plan.combination(plan.count - 1).arguments
        #expect(last == ["cluster", "--clusters", "9", "--experiment", "k", "--input", "a.csv", "--no-standardize",
                         "--option", "restarts=1", "--option", "tolerance=0.5", "--seed", "7"])
        #expect(throws: (any Error).self) { try plan.combination(plan.count) }
    }

    @Test func keysAreStableAndDistinct() throws {
        let a = SweepPlan(command: "cluster", options: ["input": "x.csv", "clusters": 3, "seed": 1])
        let b = SweepPlan(command: "cluster", options: ["seed": 1, "clusters": 3, "input": "x.csv"])
        let c = SweepPlan(command: "cluster", options: ["input": "x.csv", "clusters": 4, "seed": 1])
        let key = try a.combination(0).key
        #expect(key == (try b.combination(0).key))
        #expect(key != (try c.combination(0).key))
        #expect(key.count == 16 && key.allSatisfy(\.isHexDigit))
        // FNV-1a 64 of the command line joined by NUL, computed here independently.
        var hash: UInt64 = 14_695_981_039_346_656_037
        for byte in "cluster\0--clusters\03\0--input\0x.csv\0--seed\01".utf8 { hash = (hash ^ UInt64(byte)) &* 1_099_511_628_211 }
        #expect(UInt64(key, radix: 16) == hash)
        // 10,000 runs, 10,000 different keys.
        let big = SweepPlan(command: "cluster", grid: ["clusters": (1...100).map { .int($0) }], seeds: Array(0..<100))
        #expect(Set(try (0..<big.count).map { try big.combination($0).key }).count == 10_000)
    }

    @Test func yamlReadsAsJSONAndUnknownFieldsAreRefused() throws {
        let json = try SweepPlan.load(from: try write("""
            {"command": "classify", "options": {"input": "m.csv", "target": "-1"}, "grid": {"model": ["mlp", "knn"]},
             "seeds": [1], "threads": 2, "slurm": {"partition": "short", "time": "00:10:00", "maxConcurrent": 4, "extra": ["--qos=low"]}}
            """, "s.json"))
        let yaml = try SweepPlan.load(from: try write("""
            command: classify
            options: {input: m.csv, target: "-1"}
            grid:
              model: [mlp, knn]
            seeds: [1]
            threads: 2
            slurm: {partition: short, time: "00:10:00", maxConcurrent: 4, extra: ["--qos=low"]}
            """, "s.yaml"))
        #expect(json == yaml)
        #expect(yaml.threadsPerRun == 2 && yaml.slurm?.maxConcurrent == 4)
        for (text, word) in [
            (#"{"command": "cluster", "options": {}, "gird": {"clusters": [2]}}"#, "gird"),
            (#"{"command": "cluster", "slurm": {"partiton": "x"}}"#, "partiton"),
            (#"{"command": "cluster", "grid": {"clusters": []}}"#, "clusters"),
            (#"{"command": "cluster", "options": {"--clusters": 3}}"#, "--clusters"),
            (#"{"command": "cluster", "options": {"runs": "elsewhere"}}"#, "runs"),
            (#"{"command": "cluster", "options": {"seed": 1}, "seeds": [2]}"#, "seed"),
        ] {
            do {
                _ = try SweepPlan.load(from: try write(text, "bad.json"))
                Issue.record("accepted \(text)")
            } catch {
                #expect("\(error)".contains(word), "\(error)")
            }
        }
    }

    @Test func nmfExperimentFilesRunTheSameSpecsOneRunEach() throws {
        let text = """
            {"experiment": "nmf-sweep", "methods": ["mu", "deep"], "ranks": [5, 10], "innerRanks": [[20]],
             "lambdas": [[1, 0.5]], "l1": [0, 0.01], "iterations": 50, "seeds": [0, 3]}
            """
        let url = try write(text, "nmf.json")
        let specs = try FactorizationSweep.load(from: url).specs()
        let plan = try SweepPlan.load(from: url)
        #expect(plan.command == "factorize" && plan.experiment == "nmf-sweep")
        #expect(plan.count == specs.count)
        for (index, spec) in specs.enumerated() {
            let o = try plan.combination(index).options
            #expect(o["method"] == .string(spec.method.rawValue) && o["rank"] == .int(spec.rank) && o["seed"] == .int(spec.seed))
            #expect(o["iterations"] == .int(50) && o["l1"] == .double(spec.l1))
            if spec.method == .deep {
                #expect(o["ranks"] == .string((spec.innerRanks + [spec.rank]).map(String.init).joined(separator: ",")))
                #expect(o["lambdas"] == spec.lambdas.map { .string($0.map { "\($0)" }.joined(separator: ",")) })
            }
        }
    }

    @Test func coveringRunsHoldEveryValue() throws {
        let plan = SweepPlan(
            command: "cluster", grid: ["clusters": [2, 3, 4, 5], "algorithm": ["kmeans", "gmm", "fisherem"], "restarts": ["1", "2"]],
            runs: [["clusters": 9]], seeds: [0, 1, 2])
        let covering = plan.coveringIndices()
        #expect(covering.count < plan.count / 4)
        let combinations = try covering.map { try plan.combination($0).options }
        for (key, values) in plan.grid! {
            for value in values { #expect(combinations.contains { $0[key] == value }, "\(key)=\(value)") }
        }
        for seed in 0...2 { #expect(combinations.contains { $0["seed"] == .int(seed) }) }
        #expect(combinations.contains { $0["clusters"] == 9 })
    }
}

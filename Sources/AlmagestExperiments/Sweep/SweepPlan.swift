import AlmagestCore
import AlmagestData
import Foundation

/// A sweep file: one `almagest` command, its fixed options, a grid of option values to combine
/// and/or an explicit list of option sets, and seeds. Each combination is one run of the command
/// (a child process `almagest <command> --key value ...`), on this machine or as one task of a
/// Slurm job array.
///
/// The runs are the grid's combinations (every value of every grid key, the last key varying
/// fastest), then the explicit list's option sets, each merged over the fixed `options`, each once
/// per seed (`--seed`). Option names are the command's long options without `--` (`clusters`,
/// `learning-rate`); `true` is a flag given, `false` a flag left out, a list a repeatable option
/// (`"option": ["restarts=1", "tol=0"]`). The plan never interprets the options: the command's own
/// parser checks them (`SweepRunner.validate`) before anything runs. Combinations are computed
/// from their index (mixed radix), never all held at once, so a 10,000-run plan costs O(keys).
///
/// ```yaml
/// command: cluster
/// experiment: kmeans-k
/// options: {input: data.csv, target: "-1", silhouette: exact}
/// grid: {clusters: [2, 3, 4], algorithm: [kmeans, gmm]}
/// runs: [{clusters: 8, option: [restarts=20]}]
/// seeds: [0, 1]
/// threads: 1
/// slurm: {partition: short, time: "00:10:00", memory: 2G, maxConcurrent: 8, extra: ["--account=astro"]}
/// ```
/// ```swift
/// let plan = try SweepPlan.load(from: URL(fileURLWithPath: "sweep.yaml"))
/// for index in 0..<plan.count { print(try plan.combination(index).arguments) }
/// ```
public struct SweepPlan: Codable, Sendable, Equatable {
    /// The subcommand every run calls (`cluster`, `classify`, `factorize`, ...).
    public var command: String
    /// The experiment name: given to each run as `--experiment` and naming the sweep's folder
    /// (`<store>/sweeps/<name>/`). Default: the file's name.
    public var experiment: String?
    /// Options every run gets.
    public var options: [String: ParameterValue]
    /// Option name -> values to combine (each value one run, times the other keys' values).
    public var grid: [String: [ParameterValue]]?
    /// Explicit option sets, each one run (per seed), after the grid's.
    public var runs: [[String: ParameterValue]]?
    /// Seeds: every combination runs once per seed (`--seed`). Default: the command's seed.
    public var seeds: [Int]?
    /// Threads each run uses (`ALMAGEST_THREADS` of the child; default 1). The local backend runs
    /// cores / threads runs at once; Slurm asks this many CPUs per task unless `slurm` says.
    public var threads: Int?
    /// Settings of the Slurm backend.
    public var slurm: SlurmSettings?

    public init(
        command: String, experiment: String? = nil, options: [String: ParameterValue] = [:],
        grid: [String: [ParameterValue]]? = nil, runs: [[String: ParameterValue]]? = nil, seeds: [Int]? = nil,
        threads: Int? = nil, slurm: SlurmSettings? = nil
    ) {
        self.command = command
        self.experiment = experiment
        self.options = options
        self.grid = grid
        self.runs = runs
        self.seeds = seeds
        self.threads = threads
        self.slurm = slurm
    }

    public init(from decoder: Decoder) throws {
        try PlanKeys.refuseUnknown(decoder, known: CodingKeys.allNames, in: "the sweep file")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        command = try c.decode(String.self, forKey: .command)
        experiment = try c.decodeIfPresent(String.self, forKey: .experiment)
        options = try c.decodeIfPresent([String: ParameterValue].self, forKey: .options) ?? [:]
        grid = try c.decodeIfPresent([String: [ParameterValue]].self, forKey: .grid)
        runs = try c.decodeIfPresent([[String: ParameterValue]].self, forKey: .runs)
        seeds = try c.decodeIfPresent([Int].self, forKey: .seeds)
        threads = try c.decodeIfPresent(Int.self, forKey: .threads)
        slurm = try c.decodeIfPresent(SlurmSettings.self, forKey: .slurm)
    }

    /// Reads a sweep file (`.json`, `.yaml`, `.yml`) and checks its shape. An NMF experiment file
    /// of `almagest factorize --experiment-file` (no `command`, lists of `methods` and `ranks`) is
    /// accepted as it is: converted to one `factorize` run per combination it describes.
    public static func load(from url: URL) throws -> SweepPlan {
        let plan: SweepPlan
        if url.pathExtension.lowercased() == "json", let legacy = try? FactorizationSweep.load(from: url) {
            plan = try SweepPlan(factorization: legacy)
        } else {
            plan = try ExperimentFile.decode(SweepPlan.self, from: url)
        }
        try plan.check(source: url.path)
        return plan
    }

    /// The sweep's name: `experiment`, or the file's base name.
    public func name(file: URL) -> String {
        experiment ?? file.deletingPathExtension().lastPathComponent
    }

    /// Threads per run (at least 1).
    public var threadsPerRun: Int { max(1, threads ?? 1) }

    /// Number of runs: (grid combinations + explicit sets) x seeds.
    public var count: Int { (gridCount + (runs?.count ?? 0)) * max(1, seeds?.count ?? 1) }

    /// Run `index` (0 ..< count): its resolved options and stable key.
    public func combination(_ index: Int) throws -> SweepCombination {
        try require(index >= 0 && index < count, "run index", index, expected: "0 ..< \(count)")
        let seedCount = max(1, seeds?.count ?? 1)
        let set = index / seedCount
        var resolved = options
        if let experiment, resolved["experiment"] == nil { resolved["experiment"] = .string(experiment) }
        if set < gridCount {
            var rest = set
            for key in gridKeys.reversed() {
                let values = grid![key]!
                resolved[key] = values[rest % values.count]
                rest /= values.count
            }
        } else {
            resolved.merge(runs![set - gridCount]) { $1 }
        }
        if let seeds { resolved["seed"] = .int(seeds[index % seedCount]) }
        return SweepCombination(index: index, command: command, options: resolved)
    }

    /// Runs that between them hold every grid value, every explicit option set and every seed
    /// (each value with the first value of the other keys), sorted: O(sum of the list lengths)
    /// runs instead of their product, for checking a large plan's options before it starts.
    public func coveringIndices() -> [Int] {
        let seedCount = max(1, seeds?.count ?? 1)
        var indices = Set(0..<seedCount)
        if gridCount > 0, let grid {
            var stride = 1
            for key in gridKeys.reversed() {
                for digit in 0..<grid[key]!.count { indices.insert(digit * stride * seedCount) }
                stride *= grid[key]!.count
            }
        }
        for set in 0..<(runs?.count ?? 0) { indices.insert((gridCount + set) * seedCount) }
        return indices.sorted()
    }

    // MARK: - Private

    enum CodingKeys: String, CodingKey, CaseIterable {
        case command, experiment, options, grid, runs, seeds, threads, slurm
        static var allNames: [String] { allCases.map(\.rawValue) }
    }

    private var gridKeys: [String] { (grid ?? [:]).keys.sorted() }

    private var gridCount: Int {
        guard let grid, !grid.isEmpty else { return runs == nil ? 1 : 0 }
        return grid.values.reduce(1) { $0 * $1.count }
    }

    private func check(source: String) throws {
        func bad(_ reason: String) -> DataError { .malformed(source: source, reason: reason) }
        guard !command.isEmpty, command.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }), command != "sweep" else {
            throw bad("command \"\(command)\": expected an almagest subcommand such as cluster, classify or factorize")
        }
        if let experiment { try RunStoreName.check(experiment, source: source) }
        for (key, values) in grid ?? [:] where values.isEmpty {
            throw bad("grid.\(key) is empty: expected at least one value")
        }
        let names = Array(options.keys) + Array((grid ?? [:]).keys) + (runs ?? []).flatMap(\.keys)
        for key in names where key.isEmpty || key.hasPrefix("-") || key.contains(" ") {
            throw bad("option name \"\(key)\": expected a long option name without dashes, e.g. clusters")
        }
        for key in ["runs", "threads"] where names.contains(key) {
            throw bad("option \(key) is set by the sweep (--runs of almagest sweep, threads: of the file); leave it out of the options")
        }
        if seeds != nil, names.contains("seed") { throw bad("seed is given both as an option and in seeds; keep one") }
        if let seeds, seeds.isEmpty { throw bad("seeds is empty: expected at least one seed") }
        if let threads, threads < 1 { throw bad("threads = \(threads): expected at least 1") }
        guard count > 0 else { throw bad("no runs: give a grid, a list of runs, or both") }
        try slurm?.check(source: source)
    }
}

/// One run of a sweep: the command, its resolved options, and the key that names it in the store.
public struct SweepCombination: Sendable, Equatable {
    /// Position in the plan (0 ..< count).
    public var index: Int
    public var command: String
    public var options: [String: ParameterValue]

    /// The command line after `almagest`: the command, then `--key value` in key order.
    public var arguments: [String] {
        var arguments = [command]
        for key in options.keys.sorted() {
            switch options[key]! {
            case .bool(true): arguments.append("--" + key)
            case .bool(false): continue
            case let .list(values):
                for value in values { arguments += ["--" + key, Self.text(value)] }
            case let value: arguments += ["--" + key, Self.text(value)]
            }
        }
        return arguments
    }

    /// The stable key: 16 hex digits of a 64-bit FNV-1a hash of the command and its sorted,
    /// resolved options. The same options give the same key in any order, on any machine.
    public var key: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in arguments.joined(separator: "\u{0}").utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// `clusters=3 seed=0` for logs and dry runs.
    public var summary: String {
        options.keys.sorted().map { "\($0)=\(Self.text(options[$0]!))" }.joined(separator: " ")
    }

    private static func text(_ value: ParameterValue) -> String {
        switch value {
        case let .list(values): return values.map(text).joined(separator: ",")
        default: return value.description
        }
    }
}

/// Checks names for the run store (letters, digits, '-', '_').
enum RunStoreName {
    static func check(_ name: String, source: String) throws {
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw DataError.malformed(source: source, reason: "experiment \"\(name)\": expected letters, digits, '-' or '_' only")
        }
    }
}

extension SweepPlan {
    /// An NMF experiment file as a sweep: one explicit `factorize` run per combination it
    /// describes (same order, same settings), so `almagest sweep nmf.json` runs what
    /// `almagest factorize --experiment-file nmf.json` runs, one process per combination.
    init(factorization sweep: FactorizationSweep) throws {
        var list = [[String: ParameterValue]]()
        for spec in try sweep.specs() {
            var o: [String: ParameterValue] = [
                "method": .string(spec.method.rawValue), "rank": .int(spec.rank), "l1": .double(spec.l1),
                "learning-rate": .double(spec.learningRate), "clamping": .string(spec.clamping.rawValue),
                "iterations": .int(spec.iterations), "track-every": .int(spec.trackEvery),
                "initialization": .string(spec.initialization.rawValue), "tolerance": .double(spec.tolerance),
                "plateau-window": .int(spec.plateauWindow), "plateau-tolerance": .double(spec.plateauTolerance),
                "stop-on-plateau": .bool(spec.stopOnPlateau), "seed": .int(spec.seed),
            ]
            if spec.method == .deep, !spec.innerRanks.isEmpty {
                o["ranks"] = .string((spec.innerRanks + [spec.rank]).map(String.init).joined(separator: ","))
            }
            if let lambdas = spec.lambdas { o["lambdas"] = .string(lambdas.map { "\($0)" }.joined(separator: ",")) }
            list.append(o)
        }
        self.init(command: "factorize", experiment: sweep.experiment ?? "nmf", runs: list)
    }
}

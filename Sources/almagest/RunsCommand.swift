import AlmagestData
import AlmagestTracking
import ArgumentParser
import Foundation

/// `almagest runs list|show|compare|rebuild-index`: the run store on the terminal, through its
/// SQLite index (rebuilt from runs.jsonl when missing or corrupt).
struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List, show and compare logged runs; rebuild the run index.",
        subcommands: [List.self, Show.self, Compare.self, RebuildIndex.self])

    /// Where the store is.
    struct StoreOptions: ParsableArguments {
        @Option(name: .long, help: "Folder of the run store (run directories and runs.jsonl).")
        var runs: String = "runs"

        func open() throws -> RunStore {
            let root = URL(fileURLWithPath: runs)
            guard FileManager.default.fileExists(atPath: root.appendingPathComponent("runs.jsonl").path) else {
                throw ValidationError("no run store at \(runs): expected a folder holding runs.jsonl (give --runs DIR)")
            }
            return try RunStore(root: root)
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List runs, filtered and sorted.",
            discussion: """
                Examples: almagest runs list --experiment digits --sort adjusted_mutual_information
                          almagest runs list --where descriptor=hog --where "silhouette>=0.1"
                """)

        @OptionGroup var store: StoreOptions

        @Option(name: .long, help: "Only runs of this experiment.")
        var experiment: String?

        @Option(name: .long, help: "Only runs of this algorithm.")
        var algorithm: String?

        @Option(name: .long, help: "Only runs with this status: running, finished or failed.")
        var status: String?

        @Option(
            name: .customLong("where"),
            help: "PARAMETER=VALUE, or a metric range METRIC>=X / METRIC<=X (repeatable; all must hold).")
        var filters: [String] = []

        @Option(name: .long, help: "Sort by a metric (best first, see --ascending) or by started, id, experiment, algorithm.")
        var sort: String?

        @Flag(name: .long, help: "Sort a metric from lowest to highest (for losses, inertia).")
        var ascending = false

        @Option(name: .long, help: "Metrics to show as columns, comma-separated (default: the sort metric and a few more).")
        var metrics: String?

        @Option(name: .long, help: "At most this many runs.")
        var limit: Int?

        func run() throws {
            try reportingErrors {
                let store = try store.open()
                let query = try makeQuery()
                let records = try store.index.runs(matching: query)
                let total = try store.index.count(matching: query)
                let available = try store.index.metricNames(matching: query)
                var shown = metrics.map { $0.split(separator: ",").map(String.init) } ?? []
                if shown.isEmpty {
                    if case let .metric(m)? = sort.map(RunSortKey.init(name:)) { shown.append(m) }
                    let preferred = ["adjusted_mutual_information", "adjusted_rand_index", "silhouette", "inertia", "accuracy"]
                    shown += (preferred.filter(available.contains) + available).filter { !shown.contains($0) }
                    shown = Array(NSOrderedSet(array: shown).array.compactMap { $0 as? String }.prefix(4))
                }
                var table = TextTable(header: ["id", "experiment", "algorithm", "status", "started"] + shown)
                for r in records {
                    table.append(
                        [r.id, r.experiment, r.algorithm, r.status.rawValue, Self.format(r.startedAt)]
                            + shown.map { TextTable.number(r.metrics[$0]) })
                }
                print(table.rendered)
                print("\(records.count) of \(total) matching run(s); \(available.count) metrics logged (choose columns with --metrics)")
            }
        }

        private func makeQuery() throws -> RunQuery {
            var query = RunQuery(experiment: experiment, algorithm: algorithm, limit: limit)
            if let status {
                guard let s = RunStatus(rawValue: status) else {
                    throw ValidationError("--status must be running, finished or failed, got \(status)")
                }
                query.status = s
            }
            for filter in filters {
                if filter.contains(">=") || filter.contains("<=") {
                    query.metricRanges.append(try MetricRange(parsing: filter))
                } else if let eq = filter.firstIndex(of: "="), eq != filter.startIndex {
                    query.parameters[String(filter[..<eq])] = String(filter[filter.index(after: eq)...])
                } else {
                    throw ValidationError("--where must look like clusters=10 or silhouette>=0.1, got \(filter)")
                }
            }
            if let sort {
                let key = RunSortKey(name: sort)
                if case .metric = key { query.sort = RunSort(key, descending: !ascending) } else {
                    query.sort = RunSort(key, descending: false)
                }
            }
            return query
        }

        static func format(_ date: Date) -> String { UTCTimestamp.readable(date) }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Everything logged about one run.")

        @OptionGroup var store: StoreOptions

        @Argument(help: "The run id (or a prefix that names one run).")
        var id: String

        func run() throws {
            try reportingErrors {
                let store = try store.open()
                let r = try findRun(id, in: store)
                print("run        \(r.id)")
                print("experiment \(r.experiment)\nalgorithm  \(r.algorithm)\nstatus     \(r.status.rawValue)")
                print("started    \(List.format(r.startedAt))" + (r.endedAt.map { "\nended      \(List.format($0))" } ?? ""))
                print("version    \(r.version)\ndirectory  \(store.root.appendingPathComponent(r.directory).path)")
                if let error = r.error { print("error      \(error)") }
                for (title, values) in [("parameters", r.parameters.mapValues(\.description)),
                                        ("metrics", r.metrics.mapValues { TextTable.number($0) }),
                                        ("timings (s)", r.timings.mapValues { TextTable.number($0) })] where !values.isEmpty {
                    var table = TextTable(header: [title, "value"])
                    for (k, v) in values.sorted(by: { $0.key < $1.key }) { table.append([k, v]) }
                    print("\n" + table.rendered)
                }
                print("\nartifacts  " + r.artifacts.joined(separator: ", "))
            }
        }
    }

    struct Compare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Metrics and differing parameters of several runs side by side (* marks the best of each metric).",
            discussion: "* marks the best value of each metric, higher or lower as the runs logged it (their metric specs).")

        @OptionGroup var store: StoreOptions

        @Argument(help: "Two or more run ids (or prefixes).")
        var ids: [String]


        func run() throws {
            try reportingErrors {
                guard ids.count >= 2 else { throw ValidationError("compare needs at least two run ids, got \(ids.count)") }
                let store = try store.open()
                let runs = try ids.map { try findRun($0, in: store) }
                var table = TextTable(header: ["metric"] + runs.map { "\($0.algorithm) \($0.id.suffix(6))" })
                for name in Set(runs.flatMap { $0.metrics.keys }).sorted() {
                    let values = runs.map { $0.metrics[name] }
                    let present = values.compactMap { $0 }
                    let goal = runs.lazy.compactMap { $0.spec(of: name)?.goal }.first
                    let best = goal.flatMap { $0 == .minimize ? present.min() : present.max() }
                    table.append([name] + values.map { v in TextTable.number(v) + (v != nil && v == best && Set(present).count > 1 ? "*" : "") })
                }
                print(table.rendered)
                let differing = Set(runs.flatMap { $0.parameters.keys }).sorted().filter { key in
                    Set(runs.map { $0.parameters[key]?.description ?? "—" }).count > 1
                }
                if !differing.isEmpty {
                    var params = TextTable(header: ["parameter"] + runs.map { String($0.id.suffix(6)) })
                    for key in differing { params.append([key] + runs.map { $0.parameters[key]?.description ?? "—" }) }
                    print("\n" + params.rendered)
                }
            }
        }
    }

    struct RebuildIndex: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rebuild-index", abstract: "Rebuild runs.sqlite from runs.jsonl (the log is never changed).")

        @OptionGroup var store: StoreOptions

        func run() throws {
            try reportingErrors {
                let store = try store.open()
                let start = Date()
                try store.index.rebuild()
                let count = try store.index.count()
                print("Indexed \(count) run(s) from \(store.logURL.path) into \(store.index.databaseURL.path) "
                    + "in \(String(format: "%.3f", Date().timeIntervalSince(start))) s")
            }
        }
    }
}

/// The run `id` names (exactly, or as the prefix of exactly one run).
private func findRun(_ id: String, in store: RunStore) throws -> RunRecord {
    guard let run = try store.index.run(id: id) else {
        throw ValidationError("no run \"\(id)\" in \(store.root.path) (or the prefix names several runs); see almagest runs list")
    }
    return run
}

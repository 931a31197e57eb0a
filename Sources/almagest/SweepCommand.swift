import AlmagestCore
import AlmagestExperiments
import AlmagestLearn
import ArgumentParser
import Foundation

/// `almagest sweep FILE`: runs every combination of a sweep file (any subcommand, a grid and/or
/// a list of option sets, seeds) on this machine or as a Slurm job array, each run a child
/// process `almagest <command> ...` logged in the run store. Every combination is parsed by the
/// command's own parser (and checked by its `SweepPreflight`) before anything runs.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run every combination of a sweep file, here or as a Slurm job array, each run logged in the run store.",
        discussion: """
            The file (.json, .yaml) names the command, its fixed options, a grid of values to combine and/or a \
            list of option sets, and seeds, e.g.
              {"command": "cluster", "options": {"input": "data.csv", "target": "-1"},
               "grid": {"clusters": [2, 3, 4], "algorithm": ["kmeans", "gmm"]}, "seeds": [0, 1], "threads": 1,
               "slurm": {"partition": "short", "time": "00:10:00", "memory": "2G", "maxConcurrent": 8}}
            Each run has a stable key (a hash of its options): --resume skips the keys already finished. \
            almagest sweep status FILE and almagest sweep cancel FILE follow and stop a Slurm sweep.
            """,
        subcommands: [SweepRunCommand.self, SweepStatusCommand.self, SweepCancelCommand.self, SweepTaskCommand.self],
        defaultSubcommand: SweepRunCommand.self)
}

/// A command whose options can be checked further than their parsing without reading data
/// (e.g. a clusterer's `--option` names), before a sweep starts any run.
protocol SweepPreflight {
    func preflight() throws
}

/// The options every sweep subcommand shares.
struct SweepFileOptions: ParsableArguments {
    @Argument(help: "The sweep file (.json, .yaml, .yml).")
    var file: String

    @Option(name: .long, help: "Folder of the run store (shared by every node for --backend slurm).")
    var runs: String = "runs"

    func load() throws -> (plan: SweepPlan, file: URL, name: String, log: SweepLog, store: URL) {
        let url = URL(fileURLWithPath: file).standardizedFileURL
        let plan = try SweepPlan.load(from: url)
        let store = URL(fileURLWithPath: runs).standardizedFileURL
        let name = plan.name(file: url)
        return (plan, url, name, try SweepLog(store: store, name: name), store)
    }
}

struct SweepRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "run", abstract: "Run or submit a sweep (the default).")

    enum Backend: String, ExpressibleByArgument, CaseIterable { case local, slurm }

    @OptionGroup var file: SweepFileOptions

    @Option(name: .long, help: "local (child processes on this machine) or slurm (one job array).")
    var backend: Backend = .local

    @Option(name: .long, help: "Local runs at once (default: the cores / the threads each run uses).")
    var jobs: Int?

    @Flag(name: .long, help: "Print the runs (and, for slurm, the batch script) without starting anything.")
    var dryRun = false

    @Flag(name: .long, help: "Skip the runs already finished in this sweep's log.")
    var resume = false

    @Option(name: .long, help: "Slurm partition (overrides the file's slurm.partition).")
    var partition: String?

    @Option(name: .long, help: "Slurm time limit per task, e.g. 00:10:00.")
    var time: String?

    @Option(name: .long, help: "Slurm memory per task, e.g. 2G.")
    var mem: String?

    @Option(name: .long, help: "Slurm CPUs per task (default: the file's threads).")
    var cpusPerTask: Int?

    @Option(name: .long, help: "Most Slurm tasks at once (--array=0-N%M).")
    var maxConcurrent: Int?

    @Option(name: .long, help: ArgumentHelp("An extra #SBATCH line, e.g. --sbatch=--account=astro (repeatable).", valueName: "option"))
    var sbatch: [String] = []

    func validate() throws {
        if let jobs, jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if let maxConcurrent, maxConcurrent < 1 { throw ValidationError("--max-concurrent must be at least 1, got \(maxConcurrent)") }
        if let cpusPerTask, cpusPerTask < 1 { throw ValidationError("--cpus-per-task must be at least 1, got \(cpusPerTask)") }
    }

    func run() throws {
        try reportingErrors {
            var (plan, url, name, log, store) = try file.load()
            var slurm = plan.slurm ?? SlurmSettings()
            if let partition { slurm.partition = partition }
            if let time { slurm.time = time }
            if let mem { slurm.memory = mem }
            if let cpusPerTask { slurm.cpusPerTask = cpusPerTask }
            if let maxConcurrent { slurm.maxConcurrent = maxConcurrent }
            if !sbatch.isEmpty { slurm.extra = (slurm.extra ?? []) + sbatch }
            plan.slurm = slurm
            try SweepValidation.check(plan)
            let finished = resume ? Set(try log.states().filter { $0.value.event == .finished }.keys) : []
            var indices = [Int]()
            indices.reserveCapacity(plan.count)
            for index in 0..<plan.count {
                if finished.isEmpty { indices.append(index); continue }
                if !finished.contains(try plan.combination(index).key) { indices.append(index) }
            }
            let skipped = plan.count - indices.count
            let executable = SweepValidation.executable
            if dryRun {
                var out = ""
                for index in indices {
                    let c = try plan.combination(index)
                    out += "run \(index) [\(c.key)] almagest \(c.arguments.map(SweepValidation.shellWord).joined(separator: " "))\n"
                    if out.utf8.count > 1 << 16 { print(out, terminator: ""); out = "" }
                }
                print(out, terminator: "")
                if backend == .slurm && !indices.isEmpty {
                    let sweep = SlurmSweep(plan: plan, file: url, name: name, log: log, store: store, executable: executable)
                    print("\n" + sweep.script(count: indices.count, tasks: log.folder.appendingPathComponent("job-<stamp>.tasks")))
                }
                print("\(indices.count) runs would start" + (skipped > 0 ? " (\(skipped) already finished, skipped)" : ""))
                return
            }
            guard !indices.isEmpty else {
                print("nothing to run: all \(plan.count) runs of \(name) have finished")
                return
            }
            switch backend {
            case .slurm:
                let sweep = SlurmSweep(plan: plan, file: url, name: name, log: log, store: store, executable: executable)
                let job = try sweep.submit(indices: indices)
                print("submitted Slurm job \(job): \(indices.count) tasks" + (skipped > 0 ? " (\(skipped) already finished)" : "")
                    + "; follow it with almagest sweep status \(file.file) --runs \(file.runs)")
            case .local:
                let jobs = jobs ?? LocalSweep.defaultJobs(threadsPerRun: plan.threadsPerRun)
                FileHandle.standardError.write(Data("sweep \(name): \(indices.count) runs, \(jobs) at a time, \(plan.threadsPerRun) thread(s) each\n".utf8))
                let summary = try LocalSweep(plan: plan, name: name, log: log, executable: executable, store: store, jobs: jobs)
                    .run(indices: indices)
                print(summary.description + (skipped > 0 ? " (\(skipped) skipped: already finished)" : "") + "; log \(log.url.path)")
                if summary.interrupted > 0 || summary.notStarted > 0 { throw ExitCode(130) }
                if summary.failed > 0 { throw ExitCode(1) }
            }
        }
    }
}

struct SweepStatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Where the runs of a sweep stand: done, running, pending, failed (with reasons).")

    @OptionGroup var file: SweepFileOptions

    func run() throws {
        try reportingErrors {
            let (plan, url, name, log, store) = try file.load()
            let status = try SlurmSweep(plan: plan, file: url, name: name, log: log, store: store, executable: SweepValidation.executable).status()
            print(status.description)
        }
    }
}

struct SweepCancelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cancel", abstract: "Cancel the Slurm jobs of a sweep (scancel).")

    @OptionGroup var file: SweepFileOptions

    func run() throws {
        try reportingErrors {
            let (plan, url, name, log, store) = try file.load()
            let jobs = try SlurmSweep(plan: plan, file: url, name: name, log: log, store: store, executable: SweepValidation.executable).cancel()
            print(jobs.isEmpty ? "no Slurm job to cancel" : "cancelled Slurm job(s) \(jobs.joined(separator: ", "))")
        }
    }
}

/// One Slurm array task (what the batch script runs).
struct SweepTaskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task", abstract: "Run one task of a sweep's Slurm job array (called by the batch script).", shouldDisplay: false)

    @OptionGroup var file: SweepFileOptions

    @Option(name: .long, help: "The job's task list (one plan index per line).")
    var tasks: String

    @Option(name: .long, help: "The task (default: $SLURM_ARRAY_TASK_ID).")
    var task: Int?

    func run() throws {
        var code: Int32 = 0
        try reportingErrors {
            let (plan, url, name, log, store) = try file.load()
            let environment = ProcessInfo.processInfo.environment
            guard let task = task ?? environment["SLURM_ARRAY_TASK_ID"].flatMap(Int.init) else {
                throw ValidationError("no --task and no SLURM_ARRAY_TASK_ID")
            }
            code = try SlurmSweep(plan: plan, file: url, name: name, log: log, store: store, executable: SweepValidation.executable)
                .runTask(tasks: URL(fileURLWithPath: tasks), task: task, job: environment["SLURM_ARRAY_JOB_ID"])
        }
        if code != 0 { throw ExitCode(code) }
    }
}

/// Checking every run of a plan with the subcommands' own parsers.
enum SweepValidation {
    /// Parses every combination with its command's parser (unknown options, bad values, the
    /// command's `validate()`), then its `SweepPreflight`; the first bad run is the error. Plans
    /// of more than `exhaustiveLimit` runs check the runs that hold every value of every list
    /// (`SweepPlan.coveringIndices`), since parsing costs about a millisecond a run.
    static func check(_ plan: SweepPlan, exhaustiveLimit: Int = 256) throws {
        let commands = AlmagestCommand.configuration.subcommands.map { $0.configuration.commandName ?? "" }
        guard commands.contains(plan.command), plan.command != "sweep" else {
            throw ValidationError("sweep file: unknown command \"\(plan.command)\"; expected one of \(commands.filter { $0 != "sweep" }.joined(separator: ", "))")
        }
        let indices = plan.count <= exhaustiveLimit ? Array(0..<plan.count) : plan.coveringIndices()
        for index in indices {
            let c = try plan.combination(index)
            do {
                let command = try AlmagestCommand.parseAsRoot(c.arguments)
                try (command as? SweepPreflight)?.preflight()
            } catch {
                let message = AlmagestCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
                throw SweepError.invalidRun(index: index, arguments: c.arguments.map(shellWord).joined(separator: " "), reason: message)
            }
        }
    }

    /// This almagest binary.
    static var executable: URL {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return URL(fileURLWithPath: path) }
        return URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    }

    static func shellWord(_ word: String) -> String {
        word.allSatisfy { $0.isLetter || $0.isNumber || "-_=.,/:+@".contains($0) } && !word.isEmpty ? word : SlurmQuote.quote(word)
    }
}

enum SlurmQuote {
    static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

extension ClusterCommand: SweepPreflight {
    /// The clusterer and its options, the silhouette mode and the clusters count, without the data.
    func preflight() throws {
        let chosen = try estimator.options(for: algorithm, shorthands: [("restarts", "restarts", restarts)])
        _ = try EstimatorSpec(algorithm, options: chosen).overriding(["clusters": .int(clusters)]).clusterer()
        _ = try SilhouetteMode(parsing: silhouette)
        try require(clusters >= 1, "--clusters", clusters, expected: "at least 1")
    }
}

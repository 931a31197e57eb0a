import AlmagestCore
import AlmagestData
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The Slurm backend: one job array per submission, one array task per run. `submit` writes the
/// task list (`job-<stamp>.tasks`, one plan index per line, so a resumed sweep submits only the
/// runs left) and the batch script (`job-<stamp>.sbatch`: `--array=0-N%M`, partition, time,
/// memory, CPUs per task, the extra `#SBATCH` lines), calls `sbatch --parsable` and logs the job
/// id in the sweep's log. Each task runs `almagest sweep task FILE --tasks LIST --runs STORE`,
/// which starts the same child process as the local backend (`SweepProcess`) and logs its end.
/// `status` joins the sweep's log with `squeue` (and `sacct` where accounting is on); `cancel`
/// calls `scancel` on the sweep's jobs.
///
/// The run store must be on a filesystem every node sees at the same path, with working `flock`
/// (NFSv4, Lustre with `flock` mounted, GPFS, BeeGFS); see docs/how-to/run-a-sweep-on-slurm.md.
///
/// ```swift
/// let job = try SlurmSweep(plan: plan, file: file, name: "k", log: log, store: store, executable: almagest)
///     .submit(indices: Array(0..<plan.count))
/// ```
public struct SlurmSweep: Sendable {
    public var plan: SweepPlan
    /// The sweep file (absolute).
    public var file: URL
    public var name: String
    public var log: SweepLog
    /// The run store (absolute).
    public var store: URL
    /// The almagest binary the tasks run (`slurm.almagest` wins).
    public var executable: URL

    public init(plan: SweepPlan, file: URL, name: String, log: SweepLog, store: URL, executable: URL) {
        self.plan = plan
        self.file = file
        self.name = name
        self.log = log
        self.store = store
        self.executable = executable
    }

    /// The batch script for `count` tasks reading their plan index from `tasks`.
    public func script(count: Int, tasks: URL) -> String {
        let s = plan.slurm ?? SlurmSettings()
        var lines = ["#!/bin/bash", "#SBATCH --job-name=\(s.jobName ?? "almagest-\(name)")"]
        lines.append("#SBATCH --array=0-\(count - 1)" + (s.maxConcurrent.map { "%\($0)" } ?? ""))
        lines.append("#SBATCH --cpus-per-task=\(s.cpusPerTask ?? plan.threadsPerRun)")
        if let partition = s.partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time = s.time { lines.append("#SBATCH --time=\(time)") }
        if let memory = s.memory { lines.append("#SBATCH --mem=\(memory)") }
        lines.append("#SBATCH --output=\(log.folder.path)/slurm/%A_%a.out")
        lines += (s.extra ?? []).map { "#SBATCH \($0)" }
        let almagest = s.almagest ?? executable.path
        lines.append("")
        lines.append("exec \(Self.quote(almagest)) sweep task \(Self.quote(file.path)) --runs \(Self.quote(store.path)) --tasks \(Self.quote(tasks.path))")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Submits `indices` as one job array; returns the job id. Throws when sbatch fails (its
    /// message included); nothing is logged then.
    public func submit(indices: [Int], sbatch: String = "sbatch") throws -> String {
        try FileManager.default.createDirectory(at: log.folder.appendingPathComponent("slurm"), withIntermediateDirectories: true)
        let stamp = UTCStamp.now()
        let tasks = log.folder.appendingPathComponent("job-\(stamp).tasks")
        let script = log.folder.appendingPathComponent("job-\(stamp).sbatch")
        try Data(indices.map(String.init).joined(separator: "\n").appending("\n").utf8).write(to: tasks)
        try Data(self.script(count: indices.count, tasks: tasks).utf8).write(to: script)
        let result = try Shell.run(sbatch, ["--parsable", script.path])
        guard result.status == 0, let id = result.output.split(separator: ";").first.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }),
              !id.isEmpty
        else {
            throw SweepError.slurm("sbatch failed (exit \(result.status)): \(result.errors.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        try log.append(SweepEvent(.submitted, job: id, count: indices.count, tasks: tasks.path))
        return id
    }

    /// Where every run of the sweep stands.
    public func status() throws -> SweepStatus {
        let events = try log.events()
        let states = try log.states()
        var queue = [String: (state: String, reason: String)]()  // "job_task" -> squeue state
        let jobs = events.filter { $0.event == .submitted }.compactMap(\.job)
        if !jobs.isEmpty {
            let q = try Shell.run("squeue", ["-h", "-r", "-j", jobs.joined(separator: ","), "-o", "%i|%T|%r"])
            for line in q.output.split(separator: "\n") {
                let parts = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                if parts.count == 3 { queue[parts[0]] = (parts[1], parts[2]) }
            }
        }
        var accounting = [String: String]()  // "job_task" -> sacct state, where accounting is on
        if !jobs.isEmpty, let a = try? Shell.run("sacct", ["-n", "-P", "-X", "-j", jobs.joined(separator: ","), "-o", "JobID,State"]), a.status == 0 {
            for line in a.output.split(separator: "\n") {
                let parts = line.split(separator: "|").map(String.init)
                if parts.count == 2 { accounting[parts[0]] = parts[1] }
            }
        }
        // Which job and task ran each plan index last.
        var assigned = [Int: (job: String, task: Int)]()
        for event in events where event.event == .submitted {
            guard let job = event.job, let path = event.tasks, let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            for (task, line) in text.split(separator: "\n").enumerated() { if let i = Int(line) { assigned[i] = (job, task) } }
        }
        var status = SweepStatus(total: plan.count, jobs: jobs)
        for index in 0..<plan.count {
            let c = try plan.combination(index)
            let state = states[c.key]
            if state?.event == .finished { status.done += 1; continue }
            if let (job, task) = assigned[index], state == nil || state!.at < submittedAt(job, events) {
                let id = "\(job)_\(task)"
                if let q = queue[id] ?? queue.first(where: { $0.key.hasPrefix(job + "_[") && Self.range($0.key, contains: task) })?.value {
                    if q.state == "RUNNING" || q.state == "COMPLETING" { status.running += 1 } else { status.pending += 1 }
                    continue
                }
                if state == nil {
                    let reason = accounting[id].map { "Slurm state \($0)" } ?? "ended without a result (cancelled, or killed before it started)"
                    status.failures.append((index: index, key: c.key, reason: "task \(id): \(reason)"))
                    continue
                }
            }
            switch state?.event {
            case .started?:
                if let job = state?.job, let task = state?.task, queue["\(job)_\(task)"] == nil {
                    let reason = accounting["\(job)_\(task)"].map { "Slurm state \($0)" } ?? "ended while running (cancelled, time limit or node failure)"
                    status.failures.append((index: index, key: c.key, reason: "task \(job)_\(task): \(reason)"))
                } else {
                    status.running += 1
                }
            case .failed?:
                status.failures.append((index: index, key: c.key, reason: state?.error ?? "failed"))
            case .interrupted?:
                status.failures.append((index: index, key: c.key, reason: "interrupted: " + (state?.error ?? "stopped")))
            default:
                status.notSubmitted += 1
            }
        }
        return status
    }

    /// Cancels the sweep's jobs (`scancel`); returns the job ids.
    public func cancel() throws -> [String] {
        let jobs = try log.events().filter { $0.event == .submitted }.compactMap(\.job)
        guard !jobs.isEmpty else { return [] }
        let result = try Shell.run("scancel", jobs)
        guard result.status == 0 else { throw SweepError.slurm("scancel failed: \(result.errors)") }
        for job in jobs { try log.append(SweepEvent(.cancelled, job: job)) }
        return jobs
    }

    /// Runs one array task: the plan index on line `task` of `tasks`, as the child process the
    /// local backend starts, logged started and then finished or failed (with the job and task
    /// ids). A SIGTERM (scancel, time limit) stops the child and logs the run failed. Returns the
    /// exit code for Slurm: 0 when the run finished.
    public func runTask(tasks: URL, task: Int, job: String?) throws -> Int32 {
        SweepSignals.install()
        let text: String
        do { text = try String(contentsOf: tasks, encoding: .utf8) } catch {
            throw DataError.io(path: tasks.path, reason: error.localizedDescription)
        }
        let lines = text.split(separator: "\n")
        guard task >= 0, task < lines.count, let index = Int(lines[task]) else {
            throw SweepError.slurm("task \(task) is not in \(tasks.path) (\(lines.count) tasks)")
        }
        let c = try plan.combination(index)
        try log.append(SweepEvent(.started, key: c.key, index: index, job: job, task: task))
        let child = try SweepProcess.start(
            executable: executable, combination: c, sweep: name, threads: plan.threadsPerRun, store: store, output: log.outputURL(key: c.key))
        while child.poll() == nil {
            if SweepSignals.terminationCount + SweepSignals.interruptCount > 0 {
                child.send(SIGTERM)
                while child.poll() == nil { usleep(20_000) }
                try log.append(SweepEvent(
                    .failed, key: c.key, index: index, job: job, task: task,
                    error: "cancelled: the task got SIGTERM (scancel, time limit or preemption)", seconds: child.seconds))
                return 143
            }
            usleep(20_000)
        }
        if child.status == 0 {
            try log.append(SweepEvent(.finished, key: c.key, index: index, job: job, task: task, seconds: child.seconds))
            return 0
        }
        try log.append(SweepEvent(.failed, key: c.key, index: index, job: job, task: task, error: child.failure(), seconds: child.seconds))
        return 1
    }

    // MARK: - Private

    private func submittedAt(_ job: String, _ events: [SweepEvent]) -> Date {
        events.first { $0.event == .submitted && $0.job == job }?.at ?? .distantPast
    }

    /// squeue shows pending array tasks folded: `12_[3-5%2]`.
    private static func range(_ id: String, contains task: Int) -> Bool {
        guard let open = id.firstIndex(of: "["), let close = id.firstIndex(of: "]") else { return false }
        let body = id[id.index(after: open)..<close].split(separator: "%").first ?? ""
        for part in body.split(separator: ",") {
            let ends = part.split(separator: "-").compactMap { Int($0) }
            if ends.count == 1, ends[0] == task { return true }
            if ends.count == 2, (ends[0]...ends[1]).contains(task) { return true }
        }
        return false
    }

    static func quote(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}

/// The Slurm settings of a sweep file (`slurm:`); `almagest sweep` flags override them.
public struct SlurmSettings: Codable, Sendable, Equatable {
    public var partition: String?
    /// Time limit per task, as sbatch reads it (`00:10:00`, `2-00:00:00`).
    public var time: String?
    /// Memory per task, as sbatch reads it (`2G`, `500M`).
    public var memory: String?
    /// CPUs per task (default: the file's `threads`, else 1).
    public var cpusPerTask: Int?
    /// Most tasks running at once (`--array=0-N%M`).
    public var maxConcurrent: Int?
    /// More `#SBATCH` lines, e.g. `--account=astro`, `--qos=short`.
    public var extra: [String]?
    /// The almagest binary on the compute nodes (default: this one).
    public var almagest: String?
    public var jobName: String?

    public init(
        partition: String? = nil, time: String? = nil, memory: String? = nil, cpusPerTask: Int? = nil,
        maxConcurrent: Int? = nil, extra: [String]? = nil, almagest: String? = nil, jobName: String? = nil
    ) {
        self.partition = partition
        self.time = time
        self.memory = memory
        self.cpusPerTask = cpusPerTask
        self.maxConcurrent = maxConcurrent
        self.extra = extra
        self.almagest = almagest
        self.jobName = jobName
    }

    public init(from decoder: Decoder) throws {
        try PlanKeys.refuseUnknown(decoder, known: CodingKeys.allNames, in: "slurm")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        partition = try c.decodeIfPresent(String.self, forKey: .partition)
        time = try c.decodeIfPresent(String.self, forKey: .time)
        memory = try c.decodeIfPresent(String.self, forKey: .memory)
        cpusPerTask = try c.decodeIfPresent(Int.self, forKey: .cpusPerTask)
        maxConcurrent = try c.decodeIfPresent(Int.self, forKey: .maxConcurrent)
        extra = try c.decodeIfPresent([String].self, forKey: .extra)
        almagest = try c.decodeIfPresent(String.self, forKey: .almagest)
        jobName = try c.decodeIfPresent(String.self, forKey: .jobName)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case partition, time, memory, cpusPerTask, maxConcurrent, extra, almagest, jobName
        static var allNames: [String] { allCases.map(\.rawValue) }
    }

    func check(source: String) throws {
        func bad(_ reason: String) -> DataError { .malformed(source: source, reason: "slurm.\(reason)") }
        if let n = cpusPerTask, n < 1 { throw bad("cpusPerTask = \(n): expected at least 1") }
        if let n = maxConcurrent, n < 1 { throw bad("maxConcurrent = \(n): expected at least 1") }
        for line in extra ?? [] where !line.hasPrefix("-") || line.contains("\n") {
            throw bad("extra \"\(line)\": expected sbatch options such as --account=astro, one per entry")
        }
        for (name, value) in [("partition", partition), ("time", time), ("memory", memory), ("jobName", jobName)] {
            if let value, value.isEmpty || value.contains(where: { $0.isWhitespace }) {
                throw bad("\(name) \"\(value)\": expected a value without spaces")
            }
        }
    }
}

/// Where the runs of a sweep stand (`almagest sweep status`).
public struct SweepStatus: Sendable {
    public var total: Int
    public var jobs: [String]
    public var done = 0
    public var running = 0
    public var pending = 0
    public var notSubmitted = 0
    public var failures = [(index: Int, key: String, reason: String)]()

    public var failed: Int { failures.count }

    /// "6 runs: 4 done, 1 running, 0 pending, 1 failed, 0 not submitted (jobs 12)" and a line per failure.
    public var description: String {
        var text = "\(total) runs: \(done) done, \(running) running, \(pending) pending, \(failed) failed, \(notSubmitted) not submitted"
        if !jobs.isEmpty { text += " (Slurm jobs \(jobs.joined(separator: ", ")))" }
        for f in failures { text += "\n  failed run \(f.index) [\(f.key)]: \(f.reason)" }
        return text
    }
}

/// Errors of the sweep backends.
public enum SweepError: Error, Sendable, CustomStringConvertible {
    case slurm(String)
    case invalidRun(index: Int, arguments: String, reason: String)

    public var description: String {
        switch self {
        case let .slurm(message): return message
        case let .invalidRun(index, arguments, reason): return "run \(index) (almagest \(arguments)): \(reason)"
        }
    }
}

/// Runs a program found on PATH and collects its output.
enum Shell {
    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { throw SweepError.slurm("cannot run \(program): \(error)") }
        let out = output.fileHandleForReading.readDataToEndOfFile(), err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}

enum UTCStamp {
    static func now() -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss-SSS"
        return f.string(from: Date())
    }
}

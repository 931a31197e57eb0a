import AlmagestData
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The local backend: runs a sweep's combinations as child processes (`SweepProcess`), `jobs` at
/// a time, each logged in the sweep's log as it starts and ends; a failed run is logged with its
/// error and the sweep goes on. A progress line (done / running / failed / left, elapsed, ETA) is
/// redrawn on a terminal; otherwise one plain line per ended run. The first Ctrl-C stops starting
/// runs and lets the running ones finish; a second one stops them (SIGTERM), logged interrupted.
/// Nothing logged is lost: every event is appended (and synced) as it happens.
///
/// Memory: O(jobs) besides the list of run indices; the combinations are made one at a time.
///
/// ```swift
/// let summary = try LocalSweep(plan: plan, name: "k", log: log, executable: almagest, store: runs, jobs: 2)
///     .run(indices: Array(0..<plan.count), output: .standardError)
/// ```
public struct LocalSweep: Sendable {
    public var plan: SweepPlan
    public var name: String
    public var log: SweepLog
    public var executable: URL
    /// The run store the runs write to.
    public var store: URL
    public var jobs: Int

    public init(plan: SweepPlan, name: String, log: SweepLog, executable: URL, store: URL, jobs: Int) {
        self.store = store
        self.plan = plan
        self.name = name
        self.log = log
        self.executable = executable
        self.jobs = max(1, jobs)
    }

    /// Default concurrency: the cores divided by the threads each run uses (at least 1).
    public static func defaultJobs(threadsPerRun: Int) -> Int {
        max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, threadsPerRun))
    }

    /// Runs `indices` (positions in the plan) and returns the counts. `progress` receives the
    /// progress text; `terminal` redraws one line instead of printing one per run.
    public func run(indices: [Int], progress: SweepConsole = .standardError) throws -> SweepSummary {
        SweepSignals.install()
        let start = Date()
        var summary = SweepSummary(total: indices.count)
        var next = 0
        var running = [SweepProcess]()
        var stopping = false
        var lastDraw = Date.distantPast
        while next < indices.count || !running.isEmpty {
            if SweepSignals.interruptCount + SweepSignals.terminationCount > 0 && !stopping {
                stopping = true
                progress.line("\nstopping: no new runs; \(running.count) running run(s) finish (Ctrl-C again stops them)")
            }
            if SweepSignals.interruptCount > 1 || SweepSignals.terminationCount > 1 {
                for child in running where child.poll() == nil { child.send(SIGTERM) }
            }
            while !stopping && running.count < jobs && next < indices.count {
                let combination = try plan.combination(indices[next])
                next += 1
                try log.append(SweepEvent(.started, key: combination.key, index: combination.index))
                do {
                    running.append(try SweepProcess.start(
                        executable: executable, combination: combination, sweep: name, threads: plan.threadsPerRun, store: store,
                        output: log.outputURL(key: combination.key)))
                } catch {
                    summary.failed += 1
                    try log.append(SweepEvent(.failed, key: combination.key, index: combination.index, error: "\(error)"))
                }
            }
            var ended = false
            running.removeAll { child in
                guard let status = child.poll() else { return false }
                ended = true
                let c = child.combination
                if status == 0 {
                    summary.finished += 1
                    try? log.append(SweepEvent(.finished, key: c.key, index: c.index, seconds: child.seconds))
                    if !progress.isTerminal { progress.line("finished run \(c.index) [\(c.key)] in \(Self.clock(child.seconds)): \(c.summary)") }
                } else if stopping && status < 0 {
                    summary.interrupted += 1
                    try? log.append(SweepEvent(.interrupted, key: c.key, index: c.index, error: "stopped by Ctrl-C", seconds: child.seconds))
                    if !progress.isTerminal { progress.line("interrupted run \(c.index) [\(c.key)]") }
                } else {
                    summary.failed += 1
                    let error = child.failure()
                    try? log.append(SweepEvent(.failed, key: c.key, index: c.index, error: error, seconds: child.seconds))
                    if !progress.isTerminal { progress.line("FAILED run \(c.index) [\(c.key)]: \(error); \(c.summary)") }
                }
                return true
            }
            if stopping && running.isEmpty { break }
            if progress.isTerminal && (ended || Date().timeIntervalSince(lastDraw) >= 0.5) {
                lastDraw = Date()
                progress.redraw(status(summary, running: running.count, left: indices.count - next, since: start))
            }
            if !ended { usleep(20_000) }
        }
        summary.notStarted = indices.count - next
        summary.seconds = Date().timeIntervalSince(start)
        if progress.isTerminal { progress.redraw(status(summary, running: 0, left: summary.notStarted, since: start)); progress.line("") }
        return summary
    }

    // MARK: - Private

    private func status(_ s: SweepSummary, running: Int, left: Int, since start: Date) -> String {
        let elapsed = Date().timeIntervalSince(start)
        let ended = s.finished + s.failed + s.interrupted
        var text = "\(s.finished) done, \(running) running, \(s.failed) failed, \(left) left, \(Self.clock(elapsed)) elapsed"
        if ended > 0 && left + running > 0 {
            text += ", ETA \(Self.clock(elapsed / Double(ended) * Double(left + running)))"
        }
        return text
    }

    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return String(format: "%.1fs", seconds) }
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}

/// How a sweep (or part of it) ended.
public struct SweepSummary: Sendable, Equatable {
    public var total: Int
    public var finished = 0
    public var failed = 0
    public var interrupted = 0
    /// Runs never started (after a Ctrl-C).
    public var notStarted = 0
    public var seconds = 0.0

    public init(total: Int) { self.total = total }

    /// "20 runs: 18 finished, 2 failed in 12.3s".
    public var description: String {
        var parts = ["\(finished) finished", "\(failed) failed"]
        if interrupted > 0 { parts.append("\(interrupted) interrupted") }
        if notStarted > 0 { parts.append("\(notStarted) not started") }
        return "\(total) runs: " + parts.joined(separator: ", ") + " in \(LocalSweep.clock(seconds))"
    }
}

/// Where a sweep tells its progress: standard error, with a redrawn line on a terminal.
public struct SweepConsole: Sendable {
    public var isTerminal: Bool
    public var quiet: Bool

    public static var standardError: SweepConsole { SweepConsole(isTerminal: isatty(2) == 1, quiet: false) }
    public static let silent = SweepConsole(isTerminal: false, quiet: true)

    public init(isTerminal: Bool, quiet: Bool) {
        self.isTerminal = isTerminal
        self.quiet = quiet
    }

    /// Writes a line.
    public func line(_ text: String) {
        if !quiet { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    }

    /// Redraws the progress line in place.
    func redraw(_ text: String) {
        if !quiet { FileHandle.standardError.write(Data(("\r\u{1b}[K" + text).utf8)) }
    }
}

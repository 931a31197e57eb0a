import AlmagestData
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One run of a sweep as a child process: `almagest <command> --key value ...` with
/// `--runs STORE` and `ALMAGEST_THREADS` set to the run's thread count and `ALMAGEST_SWEEP`/`ALMAGEST_SWEEP_KEY`
/// naming the sweep and the run's key (the run store logs them in the run's record), its output
/// and errors in the run's output file, in a process group of its own (so a Ctrl-C on the
/// terminal reaches the sweep driver, not the runs). The local backend starts several at once;
/// a Slurm array task starts one (`almagest sweep task`). Cost: one `posix_spawn`.
///
/// ```swift
/// let child = try SweepProcess.start(executable: almagest, combination: c, sweep: "k", threads: 1, store: runs, output: log.outputURL(key: c.key))
/// while child.poll() == nil { usleep(50_000) }
/// ```
public final class SweepProcess: @unchecked Sendable {
    public let pid: pid_t
    public let combination: SweepCombination
    public let output: URL
    public let started = Date()
    /// The exit status once ended (negative: killed by that signal).
    public private(set) var status: Int32?

    /// Starts the child.
    public static func start(
        executable: URL, combination: SweepCombination, sweep: String, threads: Int, store: URL, output: URL
    ) throws -> SweepProcess {
        var environment = ProcessInfo.processInfo.environment
        environment["ALMAGEST_THREADS"] = String(threads)
        environment["ALMAGEST_SWEEP"] = sweep
        environment["ALMAGEST_SWEEP_KEY"] = combination.key
        let argv = [executable.path] + combination.arguments + ["--runs", store.path]
        let env = environment.map { "\($0.key)=\($0.value)" }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF))

        var pid: pid_t = 0
        let result = withCStrings(argv) { cArgv in
            withCStrings(env) { cEnv in posix_spawn(&pid, executable.path, &actions, &attributes, cArgv, cEnv) }
        }
        guard result == 0 else {
            throw DataError.io(path: executable.path, reason: "cannot start: \(String(cString: strerror(result)))")
        }
        return SweepProcess(pid: pid, combination: combination, output: output)
    }

    /// The exit status if the child has ended (without blocking), nil while it runs.
    public func poll() -> Int32? {
        if let status { return status }
        var raw: Int32 = 0
        let r = waitpid(pid, &raw, WNOHANG)
        guard r == pid else { return nil }
        let signal = raw & 0x7f
        status = signal == 0 ? (raw >> 8) & 0xff : -signal
        return status
    }

    /// Sends `signal` to the child's process group.
    public func send(_ signal: Int32) { kill(-pid, signal) }

    /// Seconds since the start.
    public var seconds: Double { Date().timeIntervalSince(started) }

    /// The error to log for a run that failed: the last line the command wrote (its
    /// `almagest: ...` message), or how it ended.
    public func failure() -> String {
        if let status, status < 0 {
            let names: [Int32: String] = [SIGTERM: "SIGTERM", SIGKILL: "SIGKILL", SIGINT: "SIGINT", SIGSEGV: "SIGSEGV", SIGABRT: "SIGABRT"]
            let name = names[-status].map { " (\($0))" } ?? ""
            let why = -status == SIGTERM || -status == SIGKILL ? ": stopped from outside (scancel, a time or memory limit, kill)" : ""
            return "killed by signal \(-status)\(name)\(why)"
        }
        let how = "exit code \(status ?? -1)"
        let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
        let lines = text.split(whereSeparator: \.isNewline).map { String($0) }
        if let message = lines.last(where: { $0.hasPrefix("almagest:") || $0.hasPrefix("Error:") }) ?? lines.last {
            return "\(message.trimmingCharacters(in: .whitespaces)) (\(how))"
        }
        return how
    }

    private init(pid: pid_t, combination: SweepCombination, output: URL) {
        self.pid = pid
        self.combination = combination
        self.output = output
    }
}

/// Signals that ask a sweep to stop: SIGINT (Ctrl-C) and SIGTERM (scancel, kill), counted.
public enum SweepSignals {
    /// Installs the handlers (once); from then on the signals only count.
    public static func install() {
        signal(SIGINT) { _ in interrupts.add(1, ordering: .relaxed) }
        signal(SIGTERM) { _ in terminations.add(1, ordering: .relaxed) }
    }

    /// Ctrl-C presses so far.
    public static var interruptCount: Int { interrupts.load(ordering: .relaxed) }
    /// SIGTERMs so far.
    public static var terminationCount: Int { terminations.load(ordering: .relaxed) }
}

private let interrupts = Atomic<Int>(0)
private let terminations = Atomic<Int>(0)

// MARK: - Private

private func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
    var pointers = strings.map { strdup($0) }
    pointers.append(nil)
    defer { for p in pointers { free(p) } }
    return body(pointers)
}

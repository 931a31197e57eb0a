import AlmagestCore
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a long command is doing, phase by phase (reading, features, fitting, metrics, writing).
/// On a terminal each phase shows one line that counts its seconds while it runs and ends with its
/// duration; elsewhere (a log file, CI) each phase writes one plain line when it ends. The
/// library's experiments take a log and say nothing with the default, `ProgressLog.silent`.
///
/// ```swift
/// let progress = ProgressLog.standardError          // what the command line uses
/// let data = try progress.phase("read data.csv") { try Dataset.load(from: url) }
/// ```
public final class ProgressLog: @unchecked Sendable {
    /// Writes nothing.
    public static let silent = ProgressLog(write: nil, isTerminal: false)

    /// Standard error, live on a terminal, plain lines otherwise.
    public static var standardError: ProgressLog {
        ProgressLog(write: { text in FileHandle.standardError.write(Data(text.utf8)) }, isTerminal: isatty(2) == 1)
    }

    /// A log that hands its text to `write`; `isTerminal` chooses live lines over plain ones.
    public init(write: (@Sendable (String) -> Void)?, isTerminal: Bool) {
        self.write = write
        self.isTerminal = isTerminal
    }

    /// Runs `body` as the phase `name`, telling its start (live) and its duration. On a terminal
    /// the live line also shows the fit's last `FitProgress` report (restart, iteration, epoch).
    public func phase<T>(_ name: String, _ body: () throws -> T) rethrows -> T {
        guard let write else { return try body() }
        let start = DispatchTime.now().uptimeNanoseconds
        var ticker: DispatchSourceTimer?
        let running = Running()
        if isTerminal {
            write("\u{1B}[2K\r\(name) …")
            let timer = DispatchSource.makeTimerSource(queue: .global())
            timer.schedule(deadline: .now() + 1, repeating: 1)
            timer.setEventHandler {
                running.ifRunning { detail in
                    write("\u{1B}[2K\r\(name) … \(Self.seconds(since: start))" + (detail.map { " · \($0)" } ?? ""))
                }
            }
            timer.resume()
            ticker = timer
        }
        defer {
            running.stop()
            ticker?.cancel()
            write((isTerminal ? "\u{1B}[2K\r" : "") + "\(name): \(Self.seconds(since: start))\n")
        }
        guard isTerminal else { return try body() }
        return try FitProgress.listening({ running.detail($0) }, body)
    }

    // MARK: - Private

    /// Whether a phase still runs, so that its ticker never writes after its last line.
    private final class Running: @unchecked Sendable {
        private let lock = NSLock()
        private var isRunning = true
        private var last: String?

        /// Calls `body` with the last detail while the phase runs.
        func ifRunning(_ body: (String?) -> Void) { lock.withLock { if isRunning { body(last) } } }
        func detail(_ text: String) { lock.withLock { last = text } }
        func stop() { lock.withLock { isRunning = false } }
    }

    private let write: (@Sendable (String) -> Void)?
    private let isTerminal: Bool

    private static func seconds(since start: UInt64) -> String {
        String(format: "%.2f s", Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
}

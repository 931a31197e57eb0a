import Foundation

/// Where a long fit is (restart 3 of 10, iteration 40, epoch 12 of 100), told to whoever
/// listens — the command line's progress line — without the estimators knowing about terminals.
///
/// Estimators call `FitProgress.report(...)` at a coarse step (per restart, iteration or epoch,
/// never per row); when nobody listens it costs one task-local read and the text is never built.
/// A listener installs itself with `listening(_:_:)` for the length of a body (`ProgressLog.phase`
/// does so). The listener is task-local: it hears the reports of its own body — also from the
/// threads of `Parallel`'s loops, which carry it to their workers — and never those of fits that
/// run meanwhile elsewhere in the process (other tests, other requests of a server). A nested
/// `listening` replaces the outer one until it returns.
///
/// ```swift
/// FitProgress.report("restart \(r + 1)/\(restarts), iteration \(t)")
/// let model = try FitProgress.listening({ print($0) }) { try KMeans(clusters: 10).fit(x) }
/// ```
public enum FitProgress {
    /// Tells the listener, if any, where the fit is; `text` is only built when someone listens.
    public static func report(_ text: @autoclosure () -> String) {
        guard let listener else { return }
        listener(text())
    }

    /// Runs `body` with `listener` receiving every report made meanwhile by `body`.
    public static func listening<T>(_ listener: @escaping @Sendable (String) -> Void, _ body: () throws -> T) rethrows -> T {
        try $listener.withValue(listener) { try body() }
    }

    /// Runs `body` with the listener `captured` from another thread (`Parallel`'s workers).
    static func carrying<T>(_ captured: (@Sendable (String) -> Void)?, _ body: () throws -> T) rethrows -> T {
        guard let captured else { return try body() }
        return try $listener.withValue(captured) { try body() }
    }

    /// The listener of the calling task or thread.
    @TaskLocal static var listener: (@Sendable (String) -> Void)?
}

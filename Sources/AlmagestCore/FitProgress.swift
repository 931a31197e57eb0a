import Foundation
import Synchronization

/// Where a long fit is (restart 3 of 10, iteration 40, epoch 12 of 100), told to whoever
/// listens — the command line's progress line — without the estimators knowing about terminals.
///
/// Estimators call `FitProgress.report(...)` at a coarse step (per restart, iteration or epoch,
/// never per row); it costs one relaxed atomic load when nobody listens. A listener installs
/// itself with `listening(_:_:)` for the length of a body (`ProgressLog.phase` does so); reports
/// from any thread reach it, the last one wins. One listener at a time per process: a nested
/// `listening` replaces the outer one until it returns.
///
/// ```swift
/// FitProgress.report("restart \(r + 1)/\(restarts), iteration \(t)")
/// let model = try FitProgress.listening({ print($0) }) { try KMeans(clusters: 10).fit(x) }
/// ```
public enum FitProgress {
    /// Tells the listener, if any, where the fit is; `text` is only built when someone listens.
    @inlinable
    public static func report(_ text: @autoclosure () -> String) {
        guard isListening.load(ordering: .relaxed) else { return }
        deliver(text())
    }

    /// Runs `body` with `listener` receiving every report made meanwhile.
    public static func listening<T>(_ listener: @escaping @Sendable (String) -> Void, _ body: () throws -> T) rethrows -> T {
        let previous = state.withLock { state -> (@Sendable (String) -> Void)? in
            let old = state
            state = listener
            return old
        }
        isListening.store(true, ordering: .relaxed)
        defer {
            state.withLock { $0 = previous }
            isListening.store(previous != nil, ordering: .relaxed)
        }
        return try body()
    }

    // MARK: - Private

    @usableFromInline static let isListening = Atomic<Bool>(false)
    private static let state = Mutex<(@Sendable (String) -> Void)?>(nil)

    @usableFromInline static func deliver(_ text: String) {
        state.withLock { $0 }?(text)
    }
}

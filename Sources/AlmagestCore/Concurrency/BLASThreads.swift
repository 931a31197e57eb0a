import CBLAS
import Synchronization

/// The thread count OpenBLAS uses inside one BLAS or LAPACK call.
///
/// Almagest starts OpenBLAS with 1 thread so that its own parallel loops (which call BLAS from
/// several threads) never nest two levels of threads. A call site that makes one big call on an
/// otherwise idle machine (a 2048 x 2048 GEMM, an SVD) can ask for more with `withThreads`.
public enum BLAS {
    private static let current = Mutex<Int>(-1)

    /// Sets the OpenBLAS thread count for later calls.
    public static func setThreads(_ n: Int) {
        current.withLock { value in
            let wanted = Swift.max(1, n)
            if value != wanted {
                openblas_set_num_threads(Int32(wanted))
                value = wanted
            }
        }
    }

    /// The OpenBLAS thread count in force.
    public static var threads: Int {
        ensureConfigured()
        return current.withLock { $0 }
    }

    /// Runs `body` with OpenBLAS using `n` threads, then restores the previous count.
    public static func withThreads<R>(_ n: Int, _ body: () throws -> R) rethrows -> R {
        let old = threads
        setThreads(n)
        defer { setThreads(old) }
        return try body()
    }

    /// Applies the numeric runtime's defaults once, before the first BLAS call of a pipeline: the
    /// single-thread OpenBLAS default, and `HeapRetention` (freed buffers kept for reuse).
    public static func ensureConfigured() {
        let unset = current.withLock { $0 < 0 }
        if unset {
            setThreads(1)
            HeapRetention.apply()
        }
    }
}

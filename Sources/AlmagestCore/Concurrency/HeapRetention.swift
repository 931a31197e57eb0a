import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Keeps freed buffers of up to 32 MB inside the process for reuse, instead of handing them back to
/// the kernel after every free (glibc's defaults for threads other than the main one).
///
/// Numeric code allocates and frees the same large buffers over and over — every tensor operation
/// of a training step, every GEMM workspace of a loop. With glibc's defaults each of those buffers
/// came back from the kernel as fresh zeroed pages: 5.4 million page faults in 500 steps of
/// autograd NMF on 2000 x 784, 12.5 s; with the heap kept, 28 thousand faults and 2.8 s. This is
/// the cost PyTorch's caching allocator avoids the same way. The price: memory freed by Almagest stays
/// reserved by the process (up to its peak use) until it exits.
///
/// Applied once, by `BLAS.ensureConfigured()` (the start of every numeric pipeline); a user's own
/// `MALLOC_MMAP_THRESHOLD_` or `MALLOC_TRIM_THRESHOLD_` in the environment wins. Does nothing
/// outside glibc. Cost: O(1).
///
/// ```swift
/// HeapRetention.apply()   // idempotent
/// ```
public enum HeapRetention {
    /// Applies the settings (the first call only); true when they are in force.
    @discardableResult
    public static func apply() -> Bool { applied }

    // MARK: - Private

    private static let applied: Bool = {
        #if canImport(Glibc)
        let environment = ProcessInfo.processInfo.environment
        guard environment["MALLOC_MMAP_THRESHOLD_"] == nil, environment["MALLOC_TRIM_THRESHOLD_"] == nil else { return false }
        // Allocations up to 32 MB (glibc's largest allowed threshold) come from the heap, and the
        // heap is trimmed only when more than 1 GB at its top is free.
        let mmap = glibcMallopt(mmapThreshold, 32 << 20)
        let trim = glibcMallopt(trimThreshold, 1 << 30)
        return mmap == 1 && trim == 1
        #else
        return false
        #endif
    }()

    /// `M_MMAP_THRESHOLD` and `M_TRIM_THRESHOLD` of glibc's <malloc.h> (not in Swift's Glibc module).
    private static let mmapThreshold: Int32 = -3, trimThreshold: Int32 = -1
}

#if canImport(Glibc)
/// glibc's `int mallopt(int param, int value)` (declared in <malloc.h>, which Swift's Glibc module
/// does not export); returns 1 on success.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

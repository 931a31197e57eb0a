import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Keeps freed buffers inside the process for reuse, instead of handing them back to the kernel
/// after every free (glibc's defaults).
///
/// Numeric code allocates and frees the same large buffers over and over — every tensor operation
/// of a training step, every GEMM workspace of a loop. With glibc's defaults each of those buffers
/// came back from the kernel as fresh zeroed pages: 5.4 million page faults in 500 steps of
/// autograd NMF on 2000 x 784, 12.5 s; with the heap kept, 28 thousand faults and 2.8 s. This is
/// the cost PyTorch's caching allocator avoids the same way. Buffers above glibc's largest mmap
/// threshold (32 MB: a VGG activation or im2col matrix of a batch) also come from the heap, as
/// glibc cannot otherwise keep them: a VGG-11 step on 16 x 3 x 128 x 128 spent 10% of its time
/// in the kernel zeroing fresh pages (3.35 s, then 2.86 s, same peak memory). The price: memory
/// freed by Almagest stays reserved by the process (up to its peak use) until it exits.
///
/// Applied once, by `BLAS.ensureConfigured()` (the start of every numeric pipeline); a user's own
/// `MALLOC_MMAP_THRESHOLD_`, `MALLOC_MMAP_MAX_` or `MALLOC_TRIM_THRESHOLD_` in the environment wins. Does nothing
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
        guard ["MALLOC_MMAP_THRESHOLD_", "MALLOC_MMAP_MAX_", "MALLOC_TRIM_THRESHOLD_"].allSatisfy({ environment[$0] == nil }) else {
            return false
        }
        // Allocations up to 32 MB (glibc's largest allowed threshold) come from the heap, larger
        // ones too (no mmap'd chunks; glibc still maps memory for a thread arena that cannot
        // grow), and the heap is trimmed only when more than 1 GB at its top is free.
        let mmap = glibcMallopt(mmapThreshold, 32 << 20)
        let noMaps = glibcMallopt(mmapMaximum, 0)
        let trim = glibcMallopt(trimThreshold, 1 << 30)
        return mmap == 1 && noMaps == 1 && trim == 1
        #else
        return false
        #endif
    }()

    /// `M_MMAP_THRESHOLD`, `M_MMAP_MAX` and `M_TRIM_THRESHOLD` of glibc's <malloc.h> (not in Swift's Glibc module).
    private static let mmapThreshold: Int32 = -3, mmapMaximum: Int32 = -4, trimThreshold: Int32 = -1
}

#if canImport(Glibc)
/// glibc's `int mallopt(int param, int value)` (declared in <malloc.h>, which Swift's Glibc module
/// does not export); returns 1 on success.
@_silgen_name("mallopt")
private func glibcMallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif

#if canImport(Glibc)
import Glibc
#endif

/// Asks Linux to back a large, freshly allocated buffer with transparent huge pages (2 MiB) before
/// it is first written.
///
/// Buffers of 32 MiB and more come straight from `mmap` in glibc's malloc and go back to the kernel
/// when freed, so every forward and backward pass of a large network touches fresh pages: with
/// 4 KiB pages that is one page fault per 4 KiB (a 33 MB activation: 8,192 faults). With
/// `MADV_HUGEPAGE` it is one fault per 2 MiB. Only the 2 MiB-aligned interior is advised; smaller
/// buffers, other systems and kernels with THP off are left alone (the call is a hint).
///
/// ```swift
/// let out = [Float](unsafeUninitializedCapacity: n) { buffer, initialized in
///     adviseHugePages(buffer)
///     ...
/// }
/// ```
@inline(__always)
func adviseHugePages(_ buffer: UnsafeMutableBufferPointer<Float>) {
    #if os(Linux)
    guard buffer.count * MemoryLayout<Float>.stride >= hugePageMinimumBytes, let base = buffer.baseAddress else { return }
    let address = Int(bitPattern: base), huge = 2 << 20
    let start = (address + huge - 1) & ~(huge - 1)
    let end = (address + buffer.count * MemoryLayout<Float>.stride) & ~(huge - 1)
    guard end > start, let pointer = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(pointer, end - start, Int32(MADV_HUGEPAGE))
    #endif
}

// MARK: - Private

/// glibc's largest dynamic mmap threshold: buffers from here up are always their own mapping.
private let hugePageMinimumBytes = 32 << 20

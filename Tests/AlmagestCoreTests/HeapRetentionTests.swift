import AlmagestCore
import Foundation
import Testing

#if canImport(Glibc)
import Glibc

/// Freed buffers come back without page faults once `HeapRetention` is in force: 40 rounds of
/// allocating, filling and freeing 8 MB on one thread fault about one buffer's pages in total,
/// not one buffer's pages per round (glibc's default for threads other than the main one).
@Suite struct HeapRetentionTests {
    @Test func freedBuffersAreReusedWithoutPageFaults() throws {
        guard ProcessInfo.processInfo.environment["MALLOC_MMAP_THRESHOLD_"] == nil,
              ProcessInfo.processInfo.environment["MALLOC_TRIM_THRESHOLD_"] == nil
        else { return }  // the user's own malloc settings win; nothing to check
        #expect(HeapRetention.apply())
        let count = 1 << 20  // 8 MB of Double
        let pages = count * 8 / 4096
        let before = threadMinorFaults()
        var checksum = 0.0
        for round in 0..<40 {
            let buffer = UnsafeMutableBufferPointer<Double>.allocate(capacity: count)
            for i in stride(from: 0, to: count, by: 512) { buffer[i] = Double(round + i) }
            checksum += buffer[count - 512]
            buffer.deallocate()
        }
        let faults = threadMinorFaults() - before
        #expect(checksum > 0)
        #expect(faults < 4 * pages, "\(faults) page faults for 40 rounds of \(pages) pages")
    }

    private func threadMinorFaults() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(1), &usage)  // RUSAGE_THREAD (Linux), not exported by Swift's Glibc
        return usage.ru_minflt
    }
}
#endif

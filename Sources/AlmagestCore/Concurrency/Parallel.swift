import Dispatch
import Foundation
import Synchronization

/// Deterministic parallel loops over fixed chunks.
///
/// Work `0..<count` is cut into chunks of `chunkSize` whose boundaries depend only on `count` and
/// `chunkSize`, never on the thread count. Each chunk is handed its index, so it can derive its own
/// random stream (`RandomStream(seed:stream: chunkIndex)`) and write its partial result into its own
/// slot; reductions then combine the slots in chunk order. Results are therefore bit-identical with
/// 1 or N threads.
///
/// The thread count is explicit (`Parallel.threads`, default: `ALMAGEST_THREADS` or the active
/// cores). Our loops and OpenBLAS threads are never nested: BLAS runs single-threaded unless a call
/// site asks otherwise with `BLAS.withThreads`.
///
/// ```swift
/// let partial = Parallel.mapChunks(count: n, chunkSize: 1024) { range, chunk in
///     range.reduce(0.0) { $0 + values[$1] }
/// }
/// let total = partial.reduce(0, +)          // same bits whatever the thread count
/// ```
public enum Parallel {
    private static let configuredThreads = Mutex<Int>(defaultThreads())

    /// Threads used by Almagest's own parallel loops (at least 1).
    public static var threads: Int {
        get { configuredThreads.withLock { $0 } }
        set { configuredThreads.withLock { $0 = Swift.max(1, newValue) } }
    }

    /// Runs `body` with `threads` temporarily set to `n`.
    public static func withThreads<R>(_ n: Int, _ body: () throws -> R) rethrows -> R {
        let old = threads
        threads = n
        defer { threads = old }
        return try body()
    }

    /// Number of chunks `count` items make with `chunkSize` items per chunk.
    public static func chunkCount(count: Int, chunkSize: Int) -> Int {
        count <= 0 ? 0 : (count + chunkSize - 1) / Swift.max(chunkSize, 1)
    }

    /// Calls `body(range, chunkIndex)` for every chunk, in parallel over `threads` threads.
    public static func forEachChunk(
        count: Int, chunkSize: Int, threads: Int? = nil, _ body: @Sendable (Range<Int>, Int) -> Void
    ) {
        let size = Swift.max(chunkSize, 1)
        let chunks = chunkCount(count: count, chunkSize: size)
        guard chunks > 0 else { return }
        // A loop inside another loop's chunk runs its chunks in order on that thread: the outer
        // loop already keeps the cores busy (same chunks, so the same results).
        let workers = isInsideLoop ? 1 : Swift.min(threads ?? self.threads, chunks)
        let range: @Sendable (Int) -> Range<Int> = { c in (c * size)..<Swift.min((c + 1) * size, count) }
        if workers <= 1 {
            for c in 0..<chunks { body(range(c), c) }
            return
        }
        let next = Atomic<Int>(0)
        let listener = FitProgress.listener  // workers report to the caller's listener
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            let outer = pthread_getspecific(insideLoopKey)
            pthread_setspecific(insideLoopKey, UnsafeRawPointer(bitPattern: 1))
            defer { pthread_setspecific(insideLoopKey, outer) }
            FitProgress.carrying(listener) {
                while true {
                    let c = next.wrappingAdd(1, ordering: .relaxed).oldValue
                    if c >= chunks { break }
                    body(range(c), c)
                }
            }
        }
    }

    /// Whether the calling thread is running a chunk of a parallel loop.
    public static var isInsideLoop: Bool { pthread_getspecific(insideLoopKey) != nil }

    /// Maps every chunk to a value; the values come back in chunk order.
    public static func mapChunks<T: Sendable>(
        count: Int, chunkSize: Int, threads: Int? = nil, _ body: @Sendable (Range<Int>, Int) -> T
    ) -> [T] {
        let chunks = chunkCount(count: count, chunkSize: Swift.max(chunkSize, 1))
        let slots = ResultSlots<T>(count: chunks)
        forEachChunk(count: count, chunkSize: chunkSize, threads: threads) { range, c in
            slots.store(body(range, c), at: c)
        }
        return slots.values()
    }

    /// Calls `body(i)` for i in 0..<count, `count` small tasks (e.g. k-means restarts) in parallel.
    public static func forEach(_ count: Int, threads: Int? = nil, _ body: @Sendable (Int) -> Void) {
        forEachChunk(count: count, chunkSize: 1, threads: threads) { range, _ in body(range.lowerBound) }
    }

    /// Maps `0..<count` to values in parallel; results in index order.
    public static func map<T: Sendable>(_ count: Int, threads: Int? = nil, _ body: @Sendable (Int) -> T) -> [T] {
        mapChunks(count: count, chunkSize: 1, threads: threads) { range, _ in body(range.lowerBound) }
    }

    private static func defaultThreads() -> Int {
        if let text = ProcessInfo.processInfo.environment["ALMAGEST_THREADS"], let n = Int(text), n > 0 { return n }
        return Swift.max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}

/// The thread-specific mark of a thread running a parallel loop's chunks.
private let insideLoopKey: pthread_key_t = {
    var key = pthread_key_t()
    precondition(pthread_key_create(&key, nil) == 0, "pthread_key_create failed")
    return key
}()

/// Write-once slots that parallel chunks fill, each its own.
final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private var storage: [T?]
    private let lock = NSLock()
    init(count: Int) { storage = Array(repeating: nil, count: count) }
    func store(_ value: T, at index: Int) {
        lock.lock()
        storage[index] = value
        lock.unlock()
    }
    func values() -> [T] { storage.map { $0! } }
}

/// A raw pointer that parallel chunks may share because each writes a disjoint part of it.
/// The caller guarantees the disjointness and that the memory outlives the loop.
public struct SharedPointer<T>: @unchecked Sendable {
    public let base: UnsafeMutablePointer<T>
    public init(_ base: UnsafeMutablePointer<T>) { self.base = base }
    @inlinable public subscript(i: Int) -> T {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }
}

/// A read-only raw pointer shared by parallel chunks.
public struct SharedReadPointer<T>: @unchecked Sendable {
    public let base: UnsafePointer<T>
    public init(_ base: UnsafePointer<T>) { self.base = base }
    @inlinable public subscript(i: Int) -> T { base[i] }
}

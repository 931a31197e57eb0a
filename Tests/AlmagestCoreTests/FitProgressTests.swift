import AlmagestCore
import Foundation
import Synchronization
import Testing

/// Reports reach the listener from any thread while it listens, and cost nothing (the text is not
/// even built) when nobody does.
@Suite struct FitProgressTests {
    @Test func reportsReachTheListenerOnlyWhileItListens() {
        let built = Atomic<Int>(0)
        func text(_ s: String) -> String {
            built.add(1, ordering: .relaxed)
            return s
        }
        FitProgress.report(text("nobody"))
        #expect(built.load(ordering: .relaxed) == 0)
        let heard = Mutex<[String]>([])
        let value = FitProgress.listening({ t in heard.withLock { $0.append(t) } }) { () -> Int in
            Parallel.forEach(8, threads: 2) { i in FitProgress.report("step \(i)") }
            return 42
        }
        #expect(value == 42)
        #expect(heard.withLock { Set($0) } == Set((0..<8).map { "step \($0)" }))
        FitProgress.report(text("after"))
        #expect(built.load(ordering: .relaxed) == 0 && heard.withLock { $0.count } == 8)
    }

    /// A listener hears its own body only: a fit reporting meanwhile on another thread (another
    /// test, another request) never reaches it, and its own reports never reach the other.
    @Test func aListenerNeverHearsAnotherFit() {
        let started = DispatchSemaphore(value: 0)
        let stop = Atomic<Bool>(false)
        let otherHeard = Mutex<[String]>([])
        let other = Thread {
            FitProgress.listening({ t in otherHeard.withLock { $0.append(t) } }) {
                FitProgress.report("other")
                started.signal()
                while !stop.load(ordering: .relaxed) {
                    FitProgress.report("other")
                    Thread.sleep(forTimeInterval: 0.001)
                }
            }
        }
        other.start()
        started.wait()
        let heard = Mutex<[String]>([])
        FitProgress.listening({ t in heard.withLock { $0.append(t) } }) {
            for i in 0..<50 {
                FitProgress.report("mine \(i)")
                Thread.sleep(forTimeInterval: 0.001)
            }
        }
        stop.store(true, ordering: .relaxed)
        while !other.isFinished { Thread.sleep(forTimeInterval: 0.001) }
        #expect(heard.withLock { $0 } == (0..<50).map { "mine \($0)" })
        #expect(!otherHeard.withLock { $0 }.isEmpty && otherHeard.withLock { $0 }.allSatisfy { $0 == "other" })
    }
}

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
}

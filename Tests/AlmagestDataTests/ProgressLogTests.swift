import AlmagestCore
import AlmagestData
import Foundation
import Synchronization
import Testing

/// On a terminal, a phase's live line shows the fit's last progress report.
@Suite struct ProgressLogDetailTests {
    @Test func liveLineShowsTheLastFitReport() {
        let written = Mutex<String>("")
        let log = ProgressLog(write: { t in written.withLock { $0 += t } }, isTerminal: true)
        log.phase("fit") {
            FitProgress.report("epoch 3/10")
            // The live line is redrawn every second; wait for a redraw (up to 20 s on a loaded
            // machine, where a fixed 1.6 s sleep could end before the first one).
            let deadline = Date().addingTimeInterval(20)
            while Date() < deadline, !written.withLock({ $0.contains(" · epoch 3/10") }) {
                Thread.sleep(forTimeInterval: 0.1)
            }
        }
        let text = written.withLock { $0 }
        #expect(text.contains("fit … ") && text.contains(" · epoch 3/10"))
        #expect(text.hasSuffix("\rfit: " + (text.components(separatedBy: "\rfit: ").last ?? "")) && text.hasSuffix(" s\n"))
        // A plain log (not a terminal) writes one line per phase, without details.
        let plain = Mutex<String>("")
        ProgressLog(write: { t in plain.withLock { $0 += t } }, isTerminal: false).phase("fit") { FitProgress.report("epoch 1/2") }
        #expect(plain.withLock { $0 }.hasPrefix("fit: ") && !plain.withLock { $0 }.contains("epoch"))
    }
}

import AlmagestDashboard
import AlmagestTracking
import Foundation
import Synchronization

/// Pages as a user sees them: the dashboard served on a loopback port and each page loaded in
/// headless Chromium, which reports `data-ready-ms` — milliseconds from the start of navigation
/// until every script of the page has run (request, HTML parsing, stylesheet and script, the
/// clustering page decoding and drawing its points). The best of `repeats` fresh browser starts.
/// Without Chromium the tasks are reported as skipped.
func browserPageBenchmarks(store: RunStore, pages: [(task: String, path: String)], repeats: Int = 3) -> [BenchResult] {
    guard let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .first(where: { FileManager.default.isExecutableFile(atPath: $0) })
    else {
        return pages.map { BenchResult(task: $0.task, wallSeconds: 0, cpuSeconds: 0, peakMemoryMB: 0, extra: ["skipped": "no chromium"]) }
    }
    let port = Mutex<Int?>(nil)
    let started = DispatchSemaphore(value: 0)
    let server = Task {
        try await Dashboard(store: store, port: 0).run(handlesSignals: false) { bound in
            port.withLock { $0 = bound }
            started.signal()
        }
    }
    defer { server.cancel() }
    guard started.wait(timeout: .now() + 30) == .success, let bound = port.withLock({ $0 }) else {
        return pages.map { failedBenchmark($0.task, BrowserBenchError(message: "the dashboard did not start")) }
    }
    return pages.map { page in
        do {
            var best = Double.infinity
            var bytes = 0
            for _ in 0..<repeats {
                let dom = try dumpDOM(chromium, url: "http://127.0.0.1:\(bound)\(page.path)")
                guard dom.contains("data-script=\"ready\""), dom.contains("id=\"js-errors\" data-count=\"0\""),
                      let ms = readyMilliseconds(dom)
                else { throw BrowserBenchError(message: "\(page.path): the page's script did not finish cleanly") }
                best = min(best, ms / 1000)
                bytes = dom.utf8.count
            }
            return BenchResult(task: page.task, wallSeconds: best, cpuSeconds: 0, peakMemoryMB: 0,
                               extra: ["dom_bytes": bytes, "under_200ms": best < 0.2, "measured_by": "chromium data-ready-ms"])
        } catch {
            return failedBenchmark(page.task, error)
        }
    }
}

private struct BrowserBenchError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// The page's DOM after its scripts ran, from a fresh headless Chromium.
private func dumpDOM(_ chromium: String, url: String) throws -> String {
    let profile = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-bench-chromium-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: profile) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: chromium)
    process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
                         "--window-size=1400,1000", "--dump-dom", url]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw BrowserBenchError(message: "chromium exited with \(process.terminationStatus) on \(url)")
    }
    return String(decoding: data, as: UTF8.self)
}

private func readyMilliseconds(_ dom: String) -> Double? {
    guard let start = dom.range(of: "data-ready-ms=\"") else { return nil }
    return dom[start.upperBound...].split(separator: "\"", maxSplits: 1).first.flatMap { Double($0) }
}

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Measures one benchmark task and formats it as a JSON line: wall time, CPU time (user + system
/// of the whole process, so parallel work shows up as CPU > wall), peak resident memory of the
/// task (the kernel's high-water mark is reset before the task through /proc/self/clear_refs),
/// and any quality figures the task reports.
struct BenchResult {
    var task: String
    var wallSeconds: Double
    var cpuSeconds: Double
    var peakMemoryMB: Double
    var extra: [String: Any]

    var jsonLine: String {
        var object: [String: Any] = [
            "task": task, "wall_s": round6(wallSeconds), "cpu_s": round6(cpuSeconds), "peak_rss_mb": round6(peakMemoryMB),
        ]
        for (k, v) in extra { object[k] = v }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}

private func round6(_ x: Double) -> Double { (x * 1e6).rounded() / 1e6 }

/// Runs `body` `repeats` times and keeps the fastest wall time (the usual benchmark convention);
/// `body` returns the quality figures to report.
func measure(_ task: String, repeats: Int = 3, _ body: () throws -> [String: Any]) rethrows -> BenchResult {
    resetPeakMemory()
    var best = Double.infinity, bestCPU = 0.0
    var extra: [String: Any] = [:]
    for _ in 0..<max(1, repeats) {
        let cpu0 = cpuTime()
        let t0 = DispatchTime.now().uptimeNanoseconds
        extra = try body()
        let wall = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        let cpu = cpuTime() - cpu0
        if wall < best {
            best = wall
            bestCPU = cpu
        }
    }
    return BenchResult(task: task, wallSeconds: best, cpuSeconds: bestCPU, peakMemoryMB: peakMemoryMB(), extra: extra)
}

/// The line of a task that could not run: zero times and the error's message.
func failedBenchmark(_ task: String, _ error: Error) -> BenchResult {
    BenchResult(task: task, wallSeconds: 0, cpuSeconds: 0, peakMemoryMB: 0, extra: ["error": "\(error)"])
}

private func cpuTime() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

private func resetPeakMemory() {
    try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .ascii)
}

private func peakMemoryMB() -> Double {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .ascii) else { return .nan }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? .nan
        return kb / 1024
    }
    return .nan
}

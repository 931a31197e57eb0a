import AlmagestDashboard
import AlmagestTracking
import Foundation
import Testing

/// The suites that start servers and browsers, one test at a time (2 cores).
@Suite(.serialized) enum LiveDashboardTests {}

/// Starts the dashboard on a free loopback port, runs `body` with the port, then stops the server.
func withDashboard<T: Sendable>(_ store: RunStore, _ body: @Sendable (Int) async throws -> T) async throws -> T {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    let server = Task {
        try await Dashboard(store: store, host: "127.0.0.1", port: 0).run(handlesSignals: false) { port in
            continuation.yield(port)
        }
    }
    var iterator = ports.makeAsyncIterator()
    guard let port = await iterator.next() else {
        server.cancel()
        throw TestFailure("the dashboard did not start")
    }
    do {
        let result = try await body(port)
        server.cancel()
        _ = await server.result
        return result
    } catch {
        server.cancel()
        _ = await server.result
        throw error
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// `runProgram` on a Dispatch thread, so waiting never blocks the cooperative threads the server's
/// handlers run on.
func runProgram(_ path: String, _ arguments: [String], timeout: Double = 90) async throws -> (status: Int32, out: String, err: String) {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async {
            continuation.resume(with: Result { try runProgramBlocking(path, arguments, timeout: timeout) })
        }
    }
}

/// Runs a program to completion (killed after `timeout` seconds); returns its exit status, standard
/// output and standard error. Blocks the calling thread.
func runProgramBlocking(_ path: String, _ arguments: [String], timeout: Double = 90) throws -> (status: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-proc-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let outURL = dir.appendingPathComponent("out"), errURL = dir.appendingPathComponent("err")
    FileManager.default.createFile(atPath: outURL.path, contents: nil)
    FileManager.default.createFile(atPath: errURL.path, contents: nil)
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
    if process.isRunning {
        process.terminate()
        process.waitUntilExit()
        throw TestFailure("\(path) \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
    }
    let out = (try? String(contentsOf: outURL, encoding: .utf8)) ?? ""
    let err = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
    return (process.terminationStatus, out, err)
}

/// The first of `names` found on PATH.
func findProgram(_ names: [String]) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for name in names {
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
    }
    return nil
}

/// GETs `path` from the server with curl (`--path-as-is`, so `../` reaches the server unchanged).
func fetch(port: Int, _ path: String) async throws -> (status: Int, body: String) {
    guard let curl = findProgram(["curl"]) else { throw TestFailure("curl is needed for the server tests") }
    let r = try await runProgram(curl, ["-s", "--path-as-is", "-w", "\n%{http_code}", "http://127.0.0.1:\(port)\(path)"], timeout: 30)
    let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false)
    return (Int(lines.last ?? "") ?? -1, lines.dropLast().joined(separator: "\n"))
}

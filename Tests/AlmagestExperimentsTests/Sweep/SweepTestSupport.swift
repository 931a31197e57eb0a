import AlmagestCore
import AlmagestTracking
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The almagest binary as the sweep tests run it, a seeded data file, and a one-node Slurm
/// cluster started by scripts/slurm-local.sh.
enum SweepTestSupport {
    static var almagest: URL {
        let products = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        return products.map { $0.appendingPathComponent("almagest") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? products[0].appendingPathComponent("almagest")
    }

    static func folder(_ name: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `almagest arguments` in `directory`, with `environment` added.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, output: String, errors: String) {
        try #require(FileManager.default.isExecutableFile(atPath: almagest.path), "build the almagest product first (\(almagest.path))")
        let process = Process()
        process.executableURL = almagest
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile(), err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    /// Runs `almagest arguments` with its output thrown away; returns its exit status and its
    /// peak resident memory in kB. A child started from this (large) test process would inherit
    /// the test's high-water mark in `ru_maxrss` (the kernel keeps the larger of the memory before
    /// and after exec), so a small Python process starts it and reports its children's peak: an
    /// upper bound of almagest's own peak (Python's own is about 10 MB).
    static func peakMemory(_ arguments: [String]) throws -> (status: Int32, maxRSSKB: Int) {
        let script = """
            import resource, subprocess, sys
            code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
            print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, almagest.path] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let numbers = text.split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        try #require(numbers.count == 2, "python3 said: \(text)")
        return (Int32(numbers[0]), numbers[1])
    }

    /// `rows` points around `centers` well-separated centres in 4 dimensions (seeded), as CSV
    /// with a `label` column.
    static func blobs(rows: Int, centers: Int, seed: Int, to url: URL) throws {
        var random = RandomStream(seed: seed)
        var text = "a,b,c,d,label\n"
        for row in 0..<rows {
            let c = row % centers
            text += (0..<4).map { j in String(format: "%.6f", Double(c * (j + 1)) * 2.5 + random.nextNormal()) }.joined(separator: ",")
            text += ",\(c)\n"
        }
        try Data(text.utf8).write(to: url)
    }

    /// The runs of a store by sweep key.
    static func runsByKey(_ store: URL) throws -> [String: RunRecord] {
        var runs = [String: RunRecord]()
        for run in try RunStore(root: store).runs() where run.sweepKey != nil { runs[run.sweepKey!] = run }
        return runs
    }
}

/// A one-node Slurm cluster for one test: started by scripts/slurm-local.sh, stopped by `stop`.
/// Where it cannot start (no root, no packages), `start` says why and records an issue only
/// under CI.
struct LocalSlurm {
    let folder: URL
    let environment: [String: String]

    static let script = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("scripts/slurm-local.sh")

    static func start() throws -> LocalSlurm? {
        let folder = URL(fileURLWithPath: "/tmp/almagest-slurm-\(UUID().uuidString.prefix(8))")
        let (status, output, errors) = shell([script.path, "start", folder.path])
        guard status == 0 else {
            let message = "NO SLURM: the Slurm sweep tests did not run: \(errors.suffix(2_000))"
            print(message)
            if ProcessInfo.processInfo.environment["CI"] != nil { Issue.record(Comment(rawValue: message)) }
            return nil
        }
        _ = output
        return LocalSlurm(folder: folder, environment: ["SLURM_CONF": folder.appendingPathComponent("slurm.conf").path])
    }

    func stop() { _ = Self.shell([Self.script.path, "stop", folder.path]) }

    /// Runs a Slurm client (squeue, scancel) against this cluster.
    func client(_ arguments: [String]) -> (status: Int32, output: String, errors: String) {
        Self.shell(["/usr/bin/env"] + arguments, environment: environment)
    }

    /// Waits until no job of the cluster is left (at most `seconds`).
    func waitForEmptyQueue(seconds: Double = 45) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            let q = client(["squeue", "-h"])
            if q.status == 0 && q.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return true }
            usleep(200_000)
        }
        return false
    }

    /// Runs a command with posix_spawn and a blocking waitpid, its output in files: the daemons
    /// the start script leaves running must hold neither a pipe nor Foundation's child monitor.
    private static func shell(_ arguments: [String], environment: [String: String] = [:]) -> (status: Int32, output: String, errors: String) {
        let argv0 = arguments[0].hasSuffix(".sh") ? ["/bin/bash"] + arguments : ["/bin/bash", "-c", "exec \"$@\"", "sh"] + arguments
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-slurm-shell-\(UUID().uuidString)")
        let outPath = base.path + ".out", errPath = base.path + ".err"
        defer { unlink(outPath); unlink(errPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        var cArgs = argv0.map { strdup($0) } + [nil]
        var cEnv = env.map { strdup($0) } + [nil]
        defer { for p in cArgs + cEnv { free(p) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/bash", &actions, nil, &cArgs, &cEnv) == 0 else { return (-1, "", "cannot start bash") }
        var raw: Int32 = 0
        while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
        let o = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "", e = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return ((raw >> 8) & 0xff, o, e)
    }
}

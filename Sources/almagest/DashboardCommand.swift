import AlmagestDashboard
import AlmagestTracking
import ArgumentParser
import Foundation

/// `almagest dashboard`: the web dashboard over a run store, on 127.0.0.1 by default.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "Serve the web dashboard of a run store (read-only; Ctrl-C stops it).",
        discussion: """
            Pages: the runs table with filters and sorting, one page per run (for clustering runs the \
            rotatable 3-D scatter, example images, silhouettes and contingency table) and a compare page. \
            Binds 127.0.0.1 unless --host is given; serves only files inside the runs folder.
            """)

    @Option(name: .long, help: "Folder of the run store (run directories and runs.jsonl).")
    var runs: String = "runs"

    @Option(name: .long, help: "Port to listen on (0 picks a free one).")
    var port: Int = 8080

    @Option(name: .long, help: "Address to bind; other machines can reach the dashboard only if you give one.")
    var host: String = "127.0.0.1"

    func run() async throws {
        let root = URL(fileURLWithPath: runs)
        guard FileManager.default.fileExists(atPath: root.appendingPathComponent("runs.jsonl").path) else {
            FileHandle.standardError.write(Data("almagest: no run store at \(runs): expected a folder holding runs.jsonl (run almagest demo, or give --runs DIR)\n".utf8))
            throw ExitCode(1)
        }
        do {
            let store = try RunStore(root: root)
            let host = self.host
            try await Dashboard(store: store, host: host, port: port).run { port in
                FileHandle.standardOutput.write(
                    Data("Almagest dashboard on http://\(host):\(port)/ over \(root.path) — Ctrl-C stops it\n".utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("almagest: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

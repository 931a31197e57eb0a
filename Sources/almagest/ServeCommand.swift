import AlmagestCore
import AlmagestServe
import ArgumentParser
import Foundation

/// `almagest serve`: the prediction server over one fitted pipeline, on 127.0.0.1 by default.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve predictions of a trained pipeline over HTTP (Ctrl-C stops it).",
        discussion: """
            --model is a model.json written by almagest classify, a run folder, or a run id (or unique \
            prefix) of the store given by --runs. Routes: POST /predict (JSON: one object or an array of \
            objects by feature name; or text/csv with a header row) answers each row's class and \
            probabilities; GET /model describes the pipeline; GET /health. \
            Example: curl -s localhost:8080/predict -H 'Content-Type: application/json' -d '{"fLength": 28.8, ...}'
            """)

    @Option(name: .long, help: "The model: a model.json file, a run folder, or a run id in --runs.")
    var model: String

    @Option(name: .long, help: "Folder of the run store (run directories and runs.jsonl).")
    var runs: String = "runs"

    @Option(name: .long, help: "Port to listen on (0 picks a free one).")
    var port: Int = 8080

    @Option(name: .long, help: "Address to bind; other machines can reach the server only if you give one.")
    var host: String = "127.0.0.1"

    @Option(name: .long, help: "Largest request body in megabytes (larger ones get 413).")
    var maxBodyMb: Double = 8

    @Option(name: .long, help: "Threads of one request's prediction (default: all cores or ALMAGEST_THREADS); concurrent requests already share the cores, so 1 suits many clients.")
    var threads: Int?

    func run() async throws {
        do {
            guard maxBodyMb.isFinite, maxBodyMb > 0, maxBodyMb <= 4096 else {
                throw ServeError.badSetting(name: "--max-body-mb", value: "\(maxBodyMb)", expected: "a size in (0, 4096] megabytes")
            }
            if let threads {
                guard threads >= 1 else { throw ServeError.badSetting(name: "--threads", value: "\(threads)", expected: "at least 1") }
                Parallel.threads = threads
            }
            let served = try ServedModel.load(model, runs: URL(fileURLWithPath: runs))
            let server = try PredictionServer(model: served, host: host, port: port, maxBodyBytes: Int(maxBodyMb * 1_048_576))
            let host = self.host
            let d = served.description
            try await server.run { port in
                FileHandle.standardOutput.write(Data("""
                    Almagest serve on http://\(host):\(port)/predict — \(d.steps.map(\.estimator).joined(separator: " → "))\
                    \(d.steps.isEmpty ? "" : " → ")\(d.classifier.estimator), \(d.features.count) features, classes \
                    \(d.classes.joined(separator: ", "))\(d.runID.map { " (run \($0))" } ?? "") — Ctrl-C stops it

                    """.utf8))
            }
        } catch {
            FileHandle.standardError.write(Data("almagest: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

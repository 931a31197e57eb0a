import AlmagestCore
import AlmagestLearn
import AlmagestServe
import Foundation
import Synchronization

/// The prediction server under load: a 100-tree random forest (seed 0) fitted on the MAGIC
/// training part (stratified 80%, seed 0), served in process on a loopback port and driven by
/// concurrent keep-alive HTTP clients:
/// - `serve_rf100_single_row`: each request one JSON object (256 different test rows in turn);
/// - `serve_rf100_1000_rows`: each request an array of 1,000 test rows (about 200 KB); again with
///   `Parallel.threads = 1` (`almagest serve --threads 1`: each request predicted on one thread).
/// The client is `wrk` (Debian package `wrk`; 1 thread, 16 or 4 connections, 10 s) when it is on
/// PATH — it is written in C and leaves most of the 2 cores to the server — else threads of
/// `LoopbackHTTPClient` (the figures then include that client's cost). Each line reports requests
/// and rows per second, the mean latency, the client and any non-200 answers; `in_process_*` lines
/// give the pipeline's own time for the same rows, without HTTP, for comparison.
func serveBenchmarks() -> [BenchResult] {
    let (features, labels, source) = magicGammaRows()
    let names = ["fLength", "fWidth", "fSize", "fConc", "fConc1", "fAsym", "fM3Long", "fM3Trans", "fAlpha", "fDist"]
    let model: PipelineModel
    let test: Matrix<Double>
    do {
        let parts = try StratifiedSplit(testFraction: 0.2, seed: 0).split(labels: labels)
        test = features.rows(at: parts.test)
        let pipeline = try Pipeline(steps: [], final: EstimatorSpec("random-forest", options: ["trees": 100, "seed": 0]))
        model = try pipeline.fit(features.rows(at: parts.train), labels: parts.trainLabels(labels), featureNames: names,
                                 classNames: ["g", "h"])
    } catch {
        return [failedBenchmark("serve_rf100", error)]
    }
    func object(_ i: Int) -> String {
        "{" + names.enumerated().map { j, name in "\"\(name)\":\(test[i, j])" }.joined(separator: ",") + "}"
    }
    let singles = (0..<256).map(object)
    let batch = "[" + (0..<1000).map(object).joined(separator: ",") + "]"

    var results = [BenchResult]()
    let one = test.rows(at: [0]), thousand = test.rows(at: Array(0..<1000))
    results.append(measure("serve_rf100_in_process_single_row", repeats: 3) {
        let t0 = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<1000 { _ = try! model.predictProbabilities(one) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        return ["predictions": 1000, "predictions_per_s": 1000 / seconds, "data": source]
    })
    results.append(measure("serve_rf100_in_process_1000_rows", repeats: 3) {
        ["rows": try! model.predictProbabilities(thousand).rows, "data": source]
    })

    let port = Mutex<Int?>(nil)
    let started = DispatchSemaphore(value: 0)
    let server = Task {
        try await PredictionServer(model: ServedModel(pipeline: model), port: 0, maxBodyBytes: 16 << 20)
            .run(handlesSignals: false) { bound in
                port.withLock { $0 = bound }
                started.signal()
            }
    }
    defer { server.cancel() }
    guard started.wait(timeout: .now() + 30) == .success, let bound = port.withLock({ $0 }) else {
        return results + [failedBenchmark("serve_rf100", LoopbackHTTPClient.Failure(description: "the server did not start"))]
    }
    let load = ServeLoad(port: bound)
    results.append(load.run("serve_rf100_single_row", bodies: singles, rowsPerRequest: 1, connections: 16))
    results.append(load.run("serve_rf100_1000_rows", bodies: [batch], rowsPerRequest: 1000, connections: 4))
    // Concurrent requests already fill the cores: each prediction on its own thread (--threads 1).
    results.append(Parallel.withThreads(1) {
        load.run("serve_rf100_1000_rows_threads1", bodies: [batch], rowsPerRequest: 1000, connections: 4)
    })
    return results
}

/// Drives `POST /predict` on a loopback port with concurrent keep-alive connections.
private struct ServeLoad {
    let port: Int
    var seconds = 10

    func run(_ task: String, bodies: [String], rowsPerRequest: Int, connections: Int) -> BenchResult {
        var result = measure(task, repeats: 1) {
            var figures: [String: Any] = ["rows_per_request": rowsPerRequest, "connections": connections, "duration_s": seconds]
            let (requests, meanLatency, errors, client) = wrkPath.map { wrk(path: $0, bodies: bodies, connections: connections) }
                ?? threads(bodies: bodies, connections: connections)
            figures["client"] = client
            figures["requests_per_s"] = requests
            figures["rows_per_s"] = requests * Double(rowsPerRequest)
            figures["mean_latency_ms"] = meanLatency
            figures["non_200"] = errors
            return figures
        }
        result.extra["goal_5000_single_row_per_s"] = rowsPerRequest == 1 ? ((result.extra["requests_per_s"] as? Double ?? 0) >= 5000) : nil
        return result
    }

    private var wrkPath: String? {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .map { "\($0)/wrk" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// wrk with a Lua script that sends the bodies in turn; parses its summary.
    private func wrk(path: String, bodies: [String], connections: Int) -> (Double, Double, Int, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-serve-bench-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var script = "local bodies = {}\n"
        for (k, body) in bodies.enumerated() {
            let file = dir.appendingPathComponent("body\(k).json")
            try? Data(body.utf8).write(to: file)
            script += "do local f = io.open(\"\(file.path)\", \"rb\"); bodies[\(k + 1)] = f:read(\"*a\"); f:close() end\n"
        }
        script += """
            local n = 0
            local headers = { ["Content-Type"] = "application/json" }
            request = function()
              n = n % #bodies + 1
              return wrk.format("POST", "/predict", headers, bodies[n])
            end
            done = function(summary, latency, requests)
              io.write(string.format("ALMAGEST %d %d %f %d\\n", summary.requests, summary.duration,
                latency.mean, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
            end

            """
        let scriptURL = dir.appendingPathComponent("post.lua")
        try? Data(script.utf8).write(to: scriptURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-t1", "-c\(connections)", "-d\(seconds)s", "-s", scriptURL.path, "http://127.0.0.1:\(port)/predict"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        guard (try? process.run()) != nil else { return threads(bodies: bodies, connections: connections) }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("ALMAGEST ") }) else { return (0, 0, -1, "wrk (no summary)") }
        let f = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard f.count == 4, f[1] > 0 else { return (0, 0, -1, "wrk (bad summary)") }
        return (f[0] / (f[1] / 1e6), f[2] / 1000, Int(f[3]), "wrk 1 thread")
    }

    /// `connections` threads of `LoopbackHTTPClient`, each sending for `seconds`.
    private func threads(bodies: [String], connections: Int) -> (Double, Double, Int, String) {
        let counts = Mutex<(requests: Int, errors: Int, latency: Double)>((0, 0, 0))
        let payloads = bodies.map { Array($0.utf8) }
        let deadline = Date().addingTimeInterval(Double(seconds))
        let t0 = Date()
        DispatchQueue.concurrentPerform(iterations: connections) { c in
            guard let client = try? LoopbackHTTPClient(port: port) else {
                counts.withLock { $0.errors += 1 }
                return
            }
            var (requests, errors, latency) = (0, 0, 0.0)
            var k = c
            while Date() < deadline {
                let start = DispatchTime.now().uptimeNanoseconds
                let answer = try? client.send("POST", "/predict", headers: ["Content-Type": "application/json"], body: payloads[k % payloads.count])
                latency += Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
                if answer?.status != 200 { errors += 1 }
                requests += 1
                k += 1
            }
            counts.withLock { $0 = ($0.requests + requests, $0.errors + errors, $0.latency + latency) }
        }
        let elapsed = Date().timeIntervalSince(t0)
        let c = counts.withLock { $0 }
        return (Double(c.requests) / elapsed, c.latency / Double(max(1, c.requests)), c.errors, "LoopbackHTTPClient x \(connections) threads")
    }
}

import AlmagestCore
import AlmagestLearn
import AlmagestServe
import Foundation
import Testing

extension LiveServeTests {
    /// The prediction server on loopback, called over keep-alive HTTP with the fixture's MAGIC rows.
    @Suite struct PredictionServerTests {
        @Test("an array of rows over HTTP gets exactly the in-process classes and probabilities",
              arguments: ["logistic", "forest", "imputing"])
        func arrayMatchesInProcess(_ which: String) async throws {
            let fixture = try ServeFixture.get()
            let model = [("logistic", fixture.logistic), ("forest", fixture.forest), ("imputing", fixture.imputing)].first { $0.0 == which }!.1
            let rows = 0..<fixture.test.rows
            let body = "[" + fixture.jsonObjects(rows).joined(separator: ",\n") + "]"
            let answer = try await withServer(model) { port in try await send(port: port, "POST", "/predict", body: body) }
            #expect(answer.status == 200)
            #expect(answer.headers["content-type"]?.hasPrefix("application/json") == true)
            let got = try decode(PredictionAnswer.self, answer)
            #expect(got.predictions == (try fixture.expected(model, rows)))
            // And the served classes are right on real held-out rows (MAGIC: ~79% for logistic regression).
            let accuracy = Double(zip(got.predictions, fixture.testClasses).filter { $0.class == $1 }.count) / Double(rows.count)
            #expect(accuracy > 0.74, "accuracy \(accuracy)")
        }

        @Test("a single object, and CSV with the header in another order, get the in-process answer")
        func singleObjectAndCSV() async throws {
            let fixture = try ServeFixture.get()
            let model = fixture.forest
            let order = ServeFixture.names.indices.reversed()
            var csv = order.map { ServeFixture.names[$0] }.joined(separator: ",") + "\r\n"
            for i in 0..<25 { csv += order.map { "\(fixture.test[i, $0])" }.joined(separator: ",") + "\r\n" }
            let body = csv
            let (single, table) = try await withServer(model) { port in
                (try await send(port: port, "POST", "/predict", body: fixture.jsonObjects(7..<8)[0]),
                 try await send(port: port, "POST", "/predict", contentType: "text/csv; charset=utf-8", body: body))
            }
            #expect(try decode(PredictionAnswer.self, single).predictions == (try fixture.expected(model, 7..<8)))
            #expect(try decode(PredictionAnswer.self, table).predictions == (try fixture.expected(model, 0..<25)))
        }

        @Test("bad requests get 400/413/415 with a message naming the row and the feature, and the server stays up")
        func badRequests() async throws {
            let fixture = try ServeFixture.get()
            let good = fixture.jsonObjects(0..<2)
            let unknown = good[1].replacingOccurrences(of: "\"fAlpha\"", with: "\"fBeta\"")
            let dropped = "{" + ServeFixture.names.dropLast().map { "\"\($0)\": 1" }.joined(separator: ",") + "}"
            let text = good[1].replacingOccurrences(of: "\"fSize\": ", with: "\"fSize\": \"big\", \"x\": ")
            let cases: [(String, String, Int, [String])] = [
                ("malformed", "[" + good[0] + ",", 400, ["malformed JSON"]),
                ("malformed", "{\"fLength\": 1.5.2}", 400, ["malformed JSON at byte"]),
                ("unknown", "[" + good[0] + "," + unknown + "]", 400, ["row 1", "\"fBeta\"", "unknown feature"]),
                ("missing", "[" + good[0] + "," + dropped + "]", 400, ["row 1", "\"fDist\"", "missing feature"]),
                ("non-numeric", "[" + good[0] + "," + text + "]", 400, ["row 1", "\"fSize\"", "non-numeric value \"big\""]),
                ("null", "[" + good[0].replacingOccurrences(of: "\"fConc\": ", with: "\"fConc\": null, \"y\": ") + "]", 400,
                 ["row 0", "\"fConc\"", "imputer"]),
                ("empty", "[]", 400, ["no rows"]),
            ]
            let csvBad = "fLength,fWidth\n1,2\n"
            let big = "[" + Array(repeating: good[0], count: 40).joined(separator: ",") + "]"
            try await withServer(fixture.logistic, maxBodyBytes: 4096) { port in
                for (name, body, status, fragments) in cases {
                    let answer = try await send(port: port, "POST", "/predict", body: body)
                    #expect(answer.status == status, "\(name): \(answer.text)")
                    let error = try decode(ErrorAnswer.self, answer)
                    for fragment in fragments { #expect(error.error.contains(fragment), "\(name): \(error.error)") }
                    #expect(error.status == status)
                }
                let csv = try await send(port: port, "POST", "/predict", contentType: "text/csv", body: csvBad)
                let csvError = try decode(ErrorAnswer.self, csv).error
                #expect(csv.status == 400 && csvError.contains("\"fSize\"") && csvError.contains("missing feature"), "\(csvError)")
                let wrongType = try await send(port: port, "POST", "/predict", contentType: "text/plain", body: good[0])
                #expect(wrongType.status == 415 && wrongType.text.contains("text/plain"), "\(wrongType.text)")
                let tooLarge = try await send(port: port, "POST", "/predict", body: big)
                #expect(tooLarge.status == 413 && tooLarge.text.contains("4096 bytes"), "\(tooLarge.status) \(tooLarge.text)")
                let noRoute = try await send(port: port, "GET", "/nothing")
                #expect(noRoute.status == 404)
                // Still up, and still right.
                let after = try await send(port: port, "POST", "/predict", body: good[0])
                #expect(try decode(PredictionAnswer.self, after).predictions == (try fixture.expected(fixture.logistic, 0..<1)))
            }
        }

        @Test("a chunked body (no Content-Length) over the limit is cut off at the limit with 413; under it, answered")
        func chunkedBodies() async throws {
            let fixture = try ServeFixture.get()
            let curl = ["/usr/bin/curl", "/bin/curl"].first { FileManager.default.isExecutableFile(atPath: $0) }
            try #require(curl != nil, "curl is needed to send a chunked body")
            let small = "[" + fixture.jsonObjects(0..<2).joined(separator: ",") + "]"
            let big = "[" + Array(repeating: fixture.jsonObjects(0..<1)[0], count: 40).joined(separator: ",") + "]"
            let statuses = try await withServer(fixture.logistic, maxBodyBytes: 4096) { port in
                try await [small, big].asyncMap { body in
                    try await onThread { try chunkedPost(curl: curl!, port: port, body: body) }
                }
            }
            #expect(statuses.map(\.status) == [200, 413])
            #expect(statuses[1].body.contains("over the limit of 4096 bytes"), "\(statuses[1].body)")
        }

        @Test("null is a missing value when the pipeline starts with an imputer: the same answer as NaN in process")
        func missingValuesThroughAnImputer() async throws {
            let fixture = try ServeFixture.get()
            let row = fixture.jsonObjects(3..<4)[0].replacingOccurrences(of: "\"fWidth\": \(fixture.test[3, 1])", with: "\"fWidth\": null")
            let answer = try await withServer(fixture.imputing) { port in try await send(port: port, "POST", "/predict", body: row) }
            var x = fixture.test.rows(at: [3])
            x[0, 1] = .nan
            let p = try fixture.imputing.pipeline.predictProbabilities(x)
            let got = try decode(PredictionAnswer.self, answer).predictions
            #expect(got.count == 1)
            #expect(got.first?.class == (try fixture.imputing.pipeline.predictNames(x)[0]))
            #expect(got.first?.probabilities == ["g": p[0, 0], "h": p[0, 1]])
        }

        @Test("8 concurrent keep-alive clients x 50 requests all get their own rows' answers")
        func concurrentClients() async throws {
            let fixture = try ServeFixture.get()
            let model = fixture.logistic
            let objects = fixture.jsonObjects(0..<50)
            let expected = try fixture.expected(model, 0..<50)
            let wrong = try await withServer(model) { port in
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for client in 0..<8 {
                        group.addTask {
                            try await onThread {
                                let connection = try LoopbackHTTPClient(port: port)
                                var wrong = 0
                                for k in 0..<50 {
                                    let i = (k + client * 7) % 50
                                    let answer = try connection.send(
                                        "POST", "/predict", headers: ["Content-Type": "application/json"], body: Array(objects[i].utf8))
                                    let got = try JSONDecoder().decode(PredictionAnswer.self, from: Data(answer.body))
                                    if got.predictions != [expected[i]] { wrong += 1 }
                                }
                                return wrong
                            }
                        }
                    }
                    return try await group.reduce(0, +)
                }
            }
            #expect(wrong == 0)
        }

        @Test("/model describes the pipeline and its run; /health answers ok")
        func modelAndHealth() async throws {
            let fixture = try ServeFixture.get()
            let (model, health) = try await withServer(fixture.logistic) { port in
                (try await send(port: port, "GET", "/model", contentType: nil), try await send(port: port, "GET", "/health", contentType: nil))
            }
            struct Description: Decodable {
                struct Step: Decodable {
                    let estimator: String
                    let options: [String: ParameterValue]?
                }
                let steps: [Step]
                let classifier: Step
                let features: [String]
                let classes: [String]
                let acceptsMissingValues: Bool
                let runId: String?
            }
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            let d = try decoder.decode(Description.self, from: Data(model.body))
            #expect(d.steps.map(\.estimator) == ["standard-scaler"])
            #expect(d.steps[0].options?["with_mean"] == .bool(true))
            #expect(d.classifier.estimator == "logistic-regression")
            #expect(d.classifier.options?["c"] == .double(1) || d.classifier.options?["c"] == .int(1))
            #expect(d.classifier.options?["test_fraction"] == nil)
            #expect(d.features == ServeFixture.names)
            #expect(d.classes == ["g", "h"])
            #expect(d.acceptsMissingValues == false)
            #expect(d.runId == fixture.runID)
            #expect(health.status == 200 && health.text.contains("\"status\":\"ok\""))
        }
    }
}

/// POSTs `body` with curl as a chunked request (no Content-Length); returns the status and body.
private func chunkedPost(curl: String, port: Int, body: String) throws -> (status: Int, body: String) {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-chunked-\(UUID().uuidString).json")
    try Data(body.utf8).write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: curl)
    process.arguments = ["-s", "-w", "\\n%{http_code}", "-H", "Content-Type: application/json",
                         "-H", "Transfer-Encoding: chunked", "--data-binary", "@\(file.path)", "http://127.0.0.1:\(port)/predict"]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    return (Int(lines.last ?? "") ?? -1, lines.dropLast().joined(separator: "\n"))
}

extension Array where Element: Sendable {
    /// `map` with an async transform, in order.
    fileprivate func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out = [T]()
        for element in self { out.append(try await transform(element)) }
        return out
    }
}

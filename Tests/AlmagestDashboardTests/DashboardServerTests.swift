import AlmagestDashboard
import AlmagestTracking
import Foundation
import Testing

/// The real HTTP server on a free loopback port: pages, traversal over the wire, and a burst of
/// 1,000 concurrent requests from a second process (curl --parallel), all answered without error.
extension LiveDashboardTests {
@Suite struct DashboardServerTests {
    @Test func servesPagesAndRefusesTraversalOverHTTP() async throws {
        let f = try DashboardFixture.get()
        let hogID = f.hogID
        try await withDashboard(f.store) { port in
            let home = try await fetch(port: port, "/")
            #expect(home.status == 200 && home.body.contains(hogID))
            #expect(try await fetch(port: port, "/run/\(hogID)").status == 200)
            #expect(try await fetch(port: port, "/assets/dashboard.css").body.contains("table.data"))
            for path in ["/files/../runs.jsonl", "/files/%2e%2e/%2e%2e/etc/passwd", "/files/..%2f..%2fetc%2fpasswd", "/../../etc/passwd"] {
                let r = try await fetch(port: port, path)
                #expect(r.status == 404, "\(path) answered \(r.status)")
                #expect(!r.body.contains("root:"))
            }
            #expect(try await fetch(port: port, "/files/runs.jsonl").body.contains(hogID))
        }
    }

    @Test func thousandConcurrentRequestsCompleteWithoutErrors() async throws {
        let f = try DashboardFixture.get()
        guard let curl = findProgram(["curl"]) else { throw TestFailure("curl is needed for the load test") }
        let paths = ["/", "/run/\(f.hogID)", "/compare?ids=\(f.hogID),\(f.histogramID)", "/assets/dashboard.js",
                     "/files/digits/\(f.hogID)/silhouette.csv"]
        let result = try await withDashboard(f.store) { port -> (Int, [String: Int], Double) in
            let config = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-load-\(UUID().uuidString).txt")
            defer { try? FileManager.default.removeItem(at: config) }
            let lines = (0..<1000).map { "url = \"http://127.0.0.1:\(port)\(paths[$0 % paths.count])\"\noutput = \"/dev/null\"" }
            try lines.joined(separator: "\n").write(to: config, atomically: true, encoding: .utf8)
            let start = Date()
            let r = try await runProgram(
                curl, ["-s", "--parallel", "--parallel-immediate", "--parallel-max", "200", "-w", "%{http_code}\n", "-K", config.path],
                timeout: 120)
            let codes = r.out.split(separator: "\n").map(String.init)
            return (codes.count, Dictionary(codes.map { ($0, 1) }, uniquingKeysWith: +), Date().timeIntervalSince(start))
        }
        print("dashboard load: 1000 requests, 200 concurrent, \(String(format: "%.2f", result.2)) s, codes \(result.1)")
        #expect(result.0 == 1000)
        #expect(result.1 == ["200": 1000])
    }
}
}

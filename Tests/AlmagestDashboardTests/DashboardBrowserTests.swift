import AlmagestDashboard
import Foundation
import Testing

/// The pages in a real browser (headless Chromium, installed by `make test` through
/// scripts/install-deps.sh --browser): the DOM after the page's script ran, console errors, and a
/// screenshot. Without a browser these tests say so loudly, and fail when CI is set.
extension LiveDashboardTests {
@Suite struct DashboardBrowserTests {
    @Test func scatterHasEveryPointAndSelectionMovesTheHighlight() async throws {
        guard let chromium = try browser() else { return }
        let f = try DashboardFixture.get()
        let sizes = f.hogClusterSizes
        let clusters = sizes.keys.sorted()
        let (first, second) = (clusters[0], clusters[clusters.count - 1])
        let id = f.hogID
        try await withDashboard(f.store) { port in
            let url = "http://127.0.0.1:\(port)/run/\(id)"
            var highlightedSets = [Set<String>]()
            for k in [first, second] {
                let (dom, log) = try await Chromium.dumpDOM(chromium, url: "\(url)#cluster=\(k)")
                #expect(dom.contains("data-script=\"ready\""), "the page's script did not run")
                let points = pointTags(in: dom)
                #expect(points.count == f.points)
                let lit = points.filter { $0.contains("class=\"point highlighted\"") }
                #expect(lit.count == sizes[k])
                #expect(lit.allSatisfy { $0.contains("data-label=\"\(k)\"") })
                #expect(dom.contains("data-selected=\"\(k)\""))
                #expect(count("class=\"examples\" data-cluster=\"\(k)\" data-count=\"\\d+\">", in: dom) == 1)
                highlightedSets.append(Set(lit.compactMap { tag in
                    tag.range(of: "data-index=\"\\d+\"", options: .regularExpression).map { String(tag[$0]) }
                }))
                Chromium.expectNoErrors(dom: dom, log: log)
            }
            #expect(highlightedSets.count == 2 && highlightedSets[0].isDisjoint(with: highlightedSets[1]) && !highlightedSets[1].isEmpty)

            // Rotation: the script re-projects every point from its data-x/y/z.
            let (turned, turnLog) = try await Chromium.dumpDOM(chromium, url: "\(url)#cluster=\(first)&rotate=40")
            #expect(turned.contains("data-azimuth=\"75.0\""))
            let before = pointTags(in: f.page("/run/\(id)").html).first { $0.contains("data-index=\"0\"") }
            let after = pointTags(in: turned).first { $0.contains("data-index=\"0\"") }
            let cx = { (tag: String?) in tag?.range(of: "cx=\"[^\"]+\"", options: .regularExpression).map { String(tag![$0]) } }
            #expect(cx(before) != nil && cx(after) != nil && cx(before) != cx(after))
            #expect(pointTags(in: turned).count == f.points)
            Chromium.expectNoErrors(dom: turned, log: turnLog)

            let shot = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-dashboard-run.png")
            try await Chromium.screenshot(chromium, url: "\(url)#cluster=\(second)", to: shot)
            let png = try Data(contentsOf: shot)
            #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000)
            print("screenshot of the clustering run page: \(shot.path)")
        }
    }

    @Test func compareAndHomePagesRenderTheBestCellWithoutErrors() async throws {
        guard let chromium = try browser() else { return }
        let f = try DashboardFixture.get()
        let (hog, hist) = (f.hogID, f.histogramID)
        let best = String(format: "%.4f", max(f.hogAMI, f.histogramAMI))
        try await withDashboard(f.store) { port in
            let (dom, log) = try await Chromium.dumpDOM(chromium, url: "http://127.0.0.1:\(port)/compare?ids=\(hog),\(hist)")
            #expect(dom.contains("<td class=\"best\">\(best)</td>"))
            #expect(count("<rect[^>]*class=\"bar\"", in: dom) == 2)
            Chromium.expectNoErrors(dom: dom, log: log)
            let (home, homeLog) = try await Chromium.dumpDOM(chromium, url: "http://127.0.0.1:\(port)/?sort=adjusted_mutual_information")
            #expect(count("name=\"ids\"", in: home) == 3)
            Chromium.expectNoErrors(dom: home, log: homeLog)
            let shot = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-dashboard-compare.png")
            try await Chromium.screenshot(chromium, url: "http://127.0.0.1:\(port)/compare?ids=\(hog),\(hist)", to: shot)
            #expect(try Data(contentsOf: shot).count > 20_000)
        }
    }

    private func browser() throws -> String? { try Chromium.find() }
}

}

/// Headless Chromium runs: DOM after scripts, screenshots, console errors.
enum Chromium {
    /// Chromium's path, or nil (after a loud message) when there is none and CI is not set.
    static func find() throws -> String? {
        if let path = findProgram(["chromium", "chromium-browser", "google-chrome"]) { return path }
        let message = """
            ************************************************************************
            NO BROWSER: the dashboard's browser tests need headless Chromium.
            Install it with `bash scripts/install-deps.sh --browser` (or `make test`).
            ************************************************************************
            """
        print(message)
        if ProcessInfo.processInfo.environment["CI"] != nil {
            Issue.record("no Chromium on PATH and CI is set: the browser tests cannot run")
        }
        return nil
    }

    static func arguments(_ extra: [String]) -> [String] {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-chromium-\(UUID().uuidString)")
        return ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=\(profile.path)",
                "--enable-logging=stderr", "--v=0", "--virtual-time-budget=5000"] + extra
    }

    static func dumpDOM(_ chromium: String, url: String) async throws -> (dom: String, log: String) {
        let r = try await runProgram(chromium, arguments(["--dump-dom", url]), timeout: 120)
        guard r.status == 0, r.out.contains("</html>") else {
            throw TestFailure("chromium --dump-dom \(url) failed (\(r.status)): \(r.err.suffix(800))")
        }
        return (r.out, r.err)
    }

    static func screenshot(_ chromium: String, url: String, to file: URL) async throws {
        try? FileManager.default.removeItem(at: file)
        let r = try await runProgram(chromium, arguments(["--window-size=1400,1500", "--screenshot=\(file.path)", url]), timeout: 120)
        guard r.status == 0, FileManager.default.fileExists(atPath: file.path) else {
            throw TestFailure("chromium --screenshot \(url) failed (\(r.status)): \(r.err.suffix(800))")
        }
    }

    /// No error written by the page's script, and no console error or refused resource in the log.
    static func expectNoErrors(dom: String, log: String) {
        #expect(dom.contains("id=\"js-errors\" data-count=\"0\""), "the page's script reported errors")
        let bad = log.split(separator: "\n").filter { line in
            line.contains("Uncaught") || line.contains("Refused to") || (line.contains("CONSOLE") && line.lowercased().contains("error"))
                || line.contains("Failed to load resource")
        }
        #expect(bad.isEmpty, "browser console: \(bad.joined(separator: "\n"))")
    }
}

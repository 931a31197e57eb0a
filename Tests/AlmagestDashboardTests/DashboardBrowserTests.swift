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
        let colors = try clusterColors(f.page("/run/\(id)").html)
        try await withDashboard(f.store) { port in
            let url = "http://127.0.0.1:\(port)/run/\(id)"
            var points0 = [String]()
            for k in [first, second] {
                let (dom, log) = try await Chromium.dumpDOM(chromium, url: "\(url)#cluster=\(k)")
                #expect(dom.contains("data-script=\"ready\""), "the page's script did not run")
                #expect(attribute("data-drawn-points", in: dom) == "\(f.points)")
                #expect(attribute("data-highlighted-points", in: dom) == "\(sizes[k]!)")
                #expect(dom.contains("data-selected=\"\(k)\""))
                #expect(count("class=\"examples\" data-cluster=\"\(k)\" data-count=\"\\d+\">", in: dom) == 1)
                #expect(count("<button type=\"button\" data-label=\"\(k)\" class=\"active\">", in: dom) == 1)
                points0.append(attribute("data-point0", in: dom) ?? "")
                Chromium.expectNoErrors(dom: dom, log: log)
            }
            #expect(points0[0] == points0[1] && !points0[0].isEmpty)

            // Rotation re-projects every point; #point=I names a point as hovering it does.
            let probe = 5
            let (turned, turnLog) = try await Chromium.dumpDOM(chromium, url: "\(url)#cluster=\(first)&rotate=40&point=\(probe)")
            #expect(attribute("data-azimuth", in: turned) == "75.0")
            #expect(attribute("data-point0", in: turned) != points0[0])
            #expect(attribute("data-drawn-points", in: turned) == "\(f.points)")
            #expect(attribute("data-hover", in: turned) == "\(probe)")
            #expect(turned.contains("point \(probe) · cluster \(f.hogLabels[probe]) · label "))
            Chromium.expectNoErrors(dom: turned, log: turnLog)

            // The canvas really shows the highlight: the selected cluster's colour, drawn opaque,
            // covers many more pixels than when another cluster is selected (faded).
            var painted = [Int: Int]()
            for k in [first, second] {
                let shot = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-dashboard-run-\(k).png")
                try await Chromium.screenshot(chromium, url: "\(url)#cluster=\(k)", to: shot)
                let data = try Data(contentsOf: shot)
                #expect(data.count > 20_000)
                painted[k] = try PNGPixels(data).count(hex: colors[first]!)
                print("screenshot of the clustering run page: \(shot.path)")
            }
            #expect(painted[first]! > painted[second]! + 10 * sizes[first]!, "pixels of cluster \(first)'s colour: \(painted)")
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
            #expect(home.contains("data-refresh-seconds=\"\""))  // automatic reload off by default
            Chromium.expectNoErrors(dom: home, log: homeLog)
            let (live, liveLog) = try await Chromium.dumpDOM(chromium, url: "http://127.0.0.1:\(port)/#refresh=60")
            #expect(live.contains("data-refresh-seconds=\"60\""))
            Chromium.expectNoErrors(dom: live, log: liveLog)
            let shot = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-dashboard-compare.png")
            try await Chromium.screenshot(chromium, url: "http://127.0.0.1:\(port)/compare?ids=\(hog),\(hist)", to: shot)
            #expect(try Data(contentsOf: shot).count > 20_000)
        }
    }

    /// The spectra page in the browser: its script runs without errors, the cluster in the address
    /// shows that cluster's spectra block only, and the Sankey against another run is drawn.
    @Test func spectraPageShowsTheSelectedClustersSpectra() async throws {
        guard let chromium = try browser() else { return }
        let f = try SpectraFixture.shared.get()
        let id = try #require(f.kmeans.runID), other = try #require(f.minibatch.runID)
        let clusters = Array(Set(f.kmeans.labels)).sorted()
        try await withDashboard(f.store) { port in
            for k in [clusters[0], clusters[clusters.count - 1]] {
                let url = "http://127.0.0.1:\(port)/run/\(id)?against=\(other)#cluster=\(k)"
                let (dom, log) = try await Chromium.dumpDOM(chromium, url: url)
                #expect(dom.contains("data-script=\"ready\""), "the page's script did not run")
                #expect(dom.contains("data-page-kind=\"spectra\"") && dom.contains("data-selected=\"\(k)\""))
                #expect(count("class=\"examples spectra\" data-cluster=\"\(k)\" data-count=\"3\">", in: dom) == 1)
                #expect(count("class=\"examples spectra\" data-cluster=\"\\d+\" data-count=\"3\" hidden", in: dom) == clusters.count - 1)
                #expect(count("<polygon[^>]*class=\"ribbon\"", in: dom) >= clusters.count)
                Chromium.expectNoErrors(dom: dom, log: log)
            }
        }
    }

    /// The scatter's colour of each cluster, as the page sends it (`data-colors`).
    private func clusterColors(_ html: String) throws -> [Int: String] {
        let text = try #require(attribute("data-colors", in: html)).replacingOccurrences(of: "&quot;", with: "\"")
        let map = try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        return Dictionary(uniqueKeysWithValues: map.map { (Int($0.key)!, $0.value) })
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

import AlmagestDashboard
import AlmagestTracking
import Foundation
import Testing

/// The classification, NMF and sweep pages in headless Chromium, after their scripts ran. A
/// browser dump cannot click or hover, so the tests drive the same functions through the address
/// (`#confusion=`, `#scale=`, `#x=`, `#hide=`), as a user's click or pointer would.
extension LiveDashboardTests {
@Suite struct PipelineBrowserTests {
    @Test func classificationToggleReadoutAndLegendWork() async throws {
        guard let chromium = try Chromium.find() else { return }
        let f = try PipelineFixture.get()
        let id = f.binaryID
        let curve = try f.csv(id, "training_curve.csv")
        let epoch = 3
        let loss = curve.rows[epoch - 1][curve.names.firstIndex(of: "training_loss")!]
        let accuracy = curve.rows[epoch - 1][curve.names.firstIndex(of: "validation_accuracy")!]
        try await withDashboard(f.store) { port in
            let url = "http://127.0.0.1:\(port)/run/\(id)"
            let (dom, log) = try await Chromium.dumpDOM(chromium, url: "\(url)#confusion=recall&x=\(epoch)&hide=validation%20loss")
            Chromium.expectNoErrors(dom: dom, log: log)
            #expect(dom.contains("data-script=\"ready\"") && dom.contains("data-curves=\"1\""))

            // The toggle shows the recall view instead of the counts the page is served with.
            #expect(dom.contains("id=\"confusion\" data-shown=\"recall\""))
            let before = visibleAnnotations(f.page("/run/\(id)").html), after = visibleAnnotations(dom)
            let counts = try f.json(id, "confusion_matrix.json", as: ClassificationRunPageTests.ConfusionFile.self).counts
            #expect(before == counts.flatMap { $0.map(String.init) })
            #expect(after.count == before.count && after != before)
            #expect(after.allSatisfy { $0 == "0" || $0 == "1" || $0.hasPrefix("0.") })

            // The readout at epoch 3 shows the visible series' values; the hidden one is off.
            let readout = try #require(matches("<p class=\"curve-readout\" data-x=\"\(epoch)\">[^<]*</p>", in: dom).first)
            #expect(readout.contains("x = \(epoch) ·") && !readout.contains("validation loss:"))
            #expect(abs(value(after: "training loss: ", in: readout) - loss) <= 1e-3 * abs(loss))
            #expect(abs(value(after: "validation accuracy: ", in: readout) - accuracy) <= 1e-3 * abs(accuracy))
            #expect(dom.contains("<g class=\"series off\" data-name=\"validation loss\""))
            #expect(count("class=\"legend-entry off\"", in: dom) == 1 && dom.contains("data-hidden=\"validation loss\""))

            try await expectScreenshot(chromium, url: "\(url)#x=\(epoch)", name: "classification")
        }
    }

    @Test func nmfScaleSwitchAndReadoutWork() async throws {
        guard let chromium = try Chromium.find() else { return }
        let f = try PipelineFixture.get()
        let id = f.nmfIDs[2]
        let history = try f.csv(id, "history.csv")
        let row = try #require(history.rows.first { $0[history.names.firstIndex(of: "iteration")!] == 10 })
        let rank = row[history.names.firstIndex(of: "effective_rank")!]
        try await withDashboard(f.store) { port in
            let url = "http://127.0.0.1:\(port)/run/\(id)"
            let (dom, log) = try await Chromium.dumpDOM(chromium, url: "\(url)#scale=linear&x=10")
            Chromium.expectNoErrors(dom: dom, log: log)
            #expect(dom.contains("data-curves=\"3\""))
            #expect(dom.contains("id=\"error-curve\" data-shown=\"linear\""))
            #expect(dom.contains("<div data-view=\"log\" hidden=\"\">") && dom.contains("<div data-view=\"linear\">"))
            let readouts = matches("<p class=\"curve-readout\" data-x=\"10\">[^<]*</p>", in: dom)
            #expect(readouts.count == 3)
            let rankReadout = try #require(readouts.first { $0.contains("effective rank: ") })
            #expect(abs(value(after: "effective rank: ", in: rankReadout) - rank) <= 1e-3 * rank)
            #expect(count("<line class=\"hover-line\"[^>]*x1=", in: dom) == 3)

            try await expectScreenshot(chromium, url: "\(url)#x=10", name: "nmf")
        }
    }

    @Test func imagePageLoadsEveryImageAndSwitchesViews() async throws {
        guard let chromium = try Chromium.find() else { return }
        let f = try PipelineFixture.get()
        let id = f.imagesID
        let views = try f.json(id, ActivationViewsArtifact.fileName, as: ActivationViewsArtifact.self)
        let layer = try #require(views.featureMaps.last?.layer)
        try await withDashboard(f.store) { port in
            let url = "http://127.0.0.1:\(port)/run/\(id)"
            let (dom, log) = try await Chromium.dumpDOM(chromium, url: "\(url)#gradcam=wrong&layer=\(layer)")
            Chromium.expectNoErrors(dom: dom, log: log)
            #expect(dom.contains("data-script=\"ready\"") && dom.contains("data-curves=\"1\""))
            // Every image of the page decoded in the browser (Grad-CAM pairs in both views, one
            // grid per convolution, filters, misclassified grid, augmentation, ROC per class).
            let images = count("<img ", in: dom)
            let wrong = views.gradCAM.filter { $0.trueClass != $0.predictedClass }.count
            #expect(images >= 2 * (views.gradCAM.count + wrong) + views.featureMaps.count + 2)
            #expect(dom.contains("data-images-loaded=\"\(images)\"") && dom.contains("data-images-broken=\"0\""))
            // The address chose the misclassified view and the last convolution's maps.
            #expect(dom.contains("id=\"gradcam\" data-shown=\"wrong\""))
            #expect(dom.contains("id=\"feature-maps\" data-shown=\"\(layer)\""))
            #expect(dom.contains("<div data-view=\"all\" hidden=\"\">") && dom.contains("<div data-view=\"\(layer)\">"))
            try await expectScreenshot(chromium, url: url, name: "images")
        }
    }

    @Test func sweepPageLinksPointsAndHasNoErrors() async throws {
        guard let chromium = try Chromium.find() else { return }
        let f = try PipelineFixture.get()
        try await withDashboard(f.store) { port in
            let url = "http://127.0.0.1:\(port)/sweep?experiment=\(PipelineFixture.sweep)&x=rank&y=relative_error"
            let (dom, log) = try await Chromium.dumpDOM(chromium, url: "\(url)#x=3")
            Chromium.expectNoErrors(dom: dom, log: log)
            #expect(dom.contains("class=\"almagest-chart lines linked\""))
            let readout = try #require(matches("<p class=\"curve-readout\" data-x=\"3\">[^<]*</p>", in: dom).first)
            #expect(readout.contains("nmf-mu: ") && readout.contains("nmf-gd: "))
            try await expectScreenshot(chromium, url: url, name: "sweep")
        }
    }
}
}

/// A screenshot of `url` that is a real PNG of more than 20 KB, kept in the temporary folder.
private func expectScreenshot(_ chromium: String, url: String, name: String) async throws {
    let shot = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-dashboard-\(name).png")
    try await Chromium.screenshot(chromium, url: url, to: shot)
    let png = try Data(contentsOf: shot)
    #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]) && png.count > 20_000)
    print("screenshot of the \(name) page: \(shot.path)")
}

/// The annotations of the confusion-matrix view that is not hidden.
private func visibleAnnotations(_ dom: String) -> [String] {
    let views = dom.components(separatedBy: "<div data-view=").dropFirst().filter { !$0.hasPrefix("\"counts\" hidden") && !$0.hasPrefix("\"recall\" hidden") }
    guard let shown = views.first(where: { $0.hasPrefix("\"counts\"") || $0.hasPrefix("\"recall\"") }) else { return [] }
    return texts(in: shown.components(separatedBy: "</figure>")[0], class: "count")
}

/// The number written after `label` in a readout (NaN when there is none).
private func value(after label: String, in text: String) -> Double {
    guard let r = text.range(of: label) else { return .nan }
    return Double(text[r.upperBound...].prefix { !$0.isWhitespace && $0 != "<" }) ?? .nan
}

import AlmagestDashboard
import AlmagestTracking
import Foundation
import Testing

/// The classification page against the files of real runs: what it shows must be what the run
/// wrote.
@Suite struct ClassificationRunPageTests {
    struct ConfusionFile: Decodable {
        var classes: [String]
        var counts: [[Int]]
    }

    @Test func confusionMatrixShowsTheCountsAndTheRecallOfTheRunsFile() throws {
        let f = try PipelineFixture.get()
        for id in [f.binaryID, f.multiclassID] {
            let page = f.page("/run/\(id)")
            #expect(page.status == 200)
            #expect(page.html.contains("data-page-kind=\"classification\""))
            let confusion = try f.json(id, "confusion_matrix.json", as: ConfusionFile.self)
            let k = confusion.classes.count
            let counts = cells(in: slice(page.html, from: "<div data-view=\"counts\"", to: "</figure>"))
            let recall = cells(in: slice(page.html, from: "<div data-view=\"recall\" hidden", to: "</figure>"))
            #expect(counts.count == k * k && recall.count == k * k)
            for (t, row) in confusion.counts.enumerated() {
                let total = Double(row.reduce(0, +))
                for (p, n) in row.enumerated() {
                    let key = "\(confusion.classes[t])|\(confusion.classes[p])"
                    #expect(counts[key]?.count == n, "count of \(key)")
                    #expect(counts[key]?.fraction == Double(n))
                    let expected = total > 0 ? Double(n) / total : 0
                    #expect(abs((recall[key]?.fraction ?? -1) - expected) < 1e-12, "recall of \(key)")
                }
            }
            // The annotations of the counts view are the counts, in row order.
            let shown = texts(in: slice(page.html, from: "<div data-view=\"counts\"", to: "</figure>"), class: "count")
            #expect(shown == confusion.counts.flatMap { $0.map(String.init) })
        }
    }

    @Test func perClassTableAndHeadlineAreTheMetricsFile() throws {
        let f = try PipelineFixture.get()
        for id in [f.binaryID, f.multiclassID] {
            let html = f.page("/run/\(id)").html
            let metrics = try f.json(id, "metrics.json", as: [String: Double].self)
            let classes = try f.json(id, "confusion_matrix.json", as: ConfusionFile.self).classes
            let rows = tableRows(slice(html, from: "id=\"per-class\"", to: "</table>"))
            #expect(rows.count == classes.count + 2)
            for (row, name) in zip(rows, classes) {
                let expected = [name] + ["precision", "recall", "f1", "support"].map { tableNumber(metrics["class_\(name)_\($0)"]!) }
                #expect(row == expected)
            }
            #expect(rows[classes.count] == ["<em>macro average</em>"]
                + ["precision", "recall", "f1"].map { tableNumber(metrics["\($0)_macro"]!) } + [tableNumber(metrics["test_samples"]!)])
            #expect(html.contains("<div data-metric=\"accuracy\"><dt>accuracy</dt><dd>\(tableNumber(metrics["accuracy"]!))</dd>"))
            #expect(html.contains("<div data-metric=\"f1_macro\"><dt>macro F1</dt><dd>\(tableNumber(metrics["f1_macro"]!))</dd>"))
            #expect(html.contains("data-metric=\"roc_auc\"") == (metrics["roc_auc"] != nil))
        }
    }

    @Test func rocCurveOnlyForTheBinaryRunWithItsAUC() throws {
        let f = try PipelineFixture.get()
        let binary = f.page("/run/\(f.binaryID)").html
        let auc = try #require(try f.json(f.binaryID, "metrics.json", as: [String: Double].self)["roc_auc"])
        let roc = slice(binary, from: "id=\"roc\"", to: "</figure>")
        #expect(count("<polyline[^>]*class=\"roc\"", in: roc) == 1)
        #expect(roc.contains("AUC = \(tableNumber(auc))"))
        let rocRows = try f.csv(f.binaryID, "roc.csv").rows.count
        #expect(roc.contains("\(rocRows) thresholds"))
        let multiclass = f.page("/run/\(f.multiclassID)").html
        #expect(!multiclass.contains("id=\"roc\""))
        #expect(try f.store.index.run(id: f.multiclassID)?.artifacts.contains("roc.csv") == false)
    }

    /// The importance figure draws one bar per feature from importances.json, most important first.
    @Test func importanceFigureFromTheRun() throws {
        let f = try PipelineFixture.get()
        let html = f.page("/run/\(f.binaryID)").html
        let figure = slice(html, from: "id=\"importance\"", to: "</figure>")
        let importance = try f.json(f.binaryID, "importances.json", as: ImportanceArtifact.self)
        #expect(importance.features.count == 10)
        let top = importance.features[importance.permutationMeans.indices.max { importance.permutationMeans[$0] < importance.permutationMeans[$1] }!]
        #expect(figure.contains(">\(top)<") && figure.contains("accuracy lost"))
    }

    /// The run's learning and validation curves are drawn from its files, one point per logged value.
    @Test func learningAndValidationCurvesFromTheRun() throws {
        let f = try PipelineFixture.get()
        let html = f.page("/run/\(f.multiclassID)").html
        let learning = try f.json(f.multiclassID, "learning_curve.json", as: LearningCurveArtifact.self).curve
        let validation = try f.json(f.multiclassID, "validation_curve.json", as: ValidationCurveArtifact.self).curve
        #expect(learning.test.count == 2 && validation.labels == ["0.001", "0.01"])
        let learningFigure = slice(html, from: "id=\"learning-curve\"", to: "</figure>")
        let validationFigure = slice(html, from: "id=\"validation-curve\"", to: "</figure>")
        #expect(learningFigure.contains("data-name=\"held-out accuracy\"") && learningFigure.contains("training rows"))
        #expect(validationFigure.contains("data-name=\"training accuracy\"") && validationFigure.contains("learning_rate"))
        // No curves on a run that asked for none.
        #expect(!f.page("/run/\(f.binaryID)").html.contains("id=\"learning-curve\""))
    }

    @Test func trainingCurveHasOneSeriesPerLoggedColumnWithEveryEpoch() throws {
        let f = try PipelineFixture.get()
        for id in [f.binaryID, f.multiclassID] {
            let html = f.page("/run/\(id)").html
            let csv = try f.csv(id, "training_curve.csv")
            let figure = slice(html, from: "id=\"training-curve\"", to: "</figure>")
            let logged = ["training_loss", "validation_loss", "validation_accuracy"].filter { name in
                let c = csv.names.firstIndex(of: name)!
                return csv.rows.contains { $0[c].isFinite }
            }
            #expect(count("<g class=\"series\"", in: figure) == logged.count)
            let loss = csv.rows.map { $0[csv.names.firstIndex(of: "training_loss")!] }
            let values = attribute("data-y", ofSeries: "training loss", in: figure).split(separator: " ").compactMap { Double($0) }
            #expect(values == loss)
            #expect(figure.contains("data-plot-x=") && figure.contains("data-y-scale=\"linear\""))
        }
        // Early stopping holds out a validation part: the binary run logs its curves too.
        #expect(count("<g class=\"series\"", in: slice(f.page("/run/\(f.binaryID)").html, from: "id=\"training-curve\"", to: "</figure>")) == 3)
    }

    @Test func registryKeepsClusteringFirstAndClaimsEachPipelinesRuns() throws {
        let f = try PipelineFixture.get()
        let pages = RunPageRegistry.standard
        let binary = try #require(try f.store.index.run(id: f.binaryID))
        let nmf = try #require(try f.store.index.run(id: f.nmfIDs[0]))
        #expect(pages.page(for: binary).name == "classification")
        #expect(pages.page(for: nmf).name == "factorization")
        var both = binary
        both.artifacts += ["labels.csv", "history.csv", "summary.json"]
        #expect(pages.page(for: both).name == "clustering")
        var hostile = binary
        hostile.artifacts = []
        #expect(pages.page(for: hostile).name == "generic")
    }
}

/// The text of `html` from the first `start` to the next `end` after it (empty when absent).
func slice(_ html: String, from start: String, to end: String) -> String {
    guard let a = html.range(of: start) else { return "" }
    let rest = html[a.lowerBound...]
    guard let b = rest.range(of: end) else { return String(rest) }
    return String(rest[..<b.upperBound])
}

/// Confusion cells by "true|predicted": their count and fraction.
func cells(in svg: String) -> [String: (count: Int, fraction: Double)] {
    var out = [String: (count: Int, fraction: Double)]()
    for tag in matches("<rect[^>]*class=\"cell[^\"]*\"[^>]*>", in: svg) {
        guard let t = attribute("data-true", in: tag), let p = attribute("data-predicted", in: tag),
              let n = attribute("data-count", in: tag).flatMap(Int.init),
              let fraction = attribute("data-fraction", in: tag).flatMap(Double.init) else { continue }
        out["\(t)|\(p)"] = (n, fraction)
    }
    return out
}

/// The texts of `<text class="NAME">` elements, in order.
func texts(in svg: String, class name: String) -> [String] {
    matches("<text[^>]*class=\"\(name)\"[^>]*>[^<]*</text>", in: svg).map { tag in
        String(tag[tag.range(of: ">")!.upperBound...].prefix { $0 != "<" })
    }
}

/// The cells (inner HTML) of each body row of a table.
func tableRows(_ table: String) -> [[String]] {
    let body = table.components(separatedBy: "<tbody>").last ?? ""
    return body.components(separatedBy: "<tr>").dropFirst().map { row in
        row.components(separatedBy: "<td").dropFirst().map { cell in
            let inner = cell[cell.range(of: ">")!.upperBound...]
            return String(inner[..<(inner.range(of: "</td>")?.lowerBound ?? inner.endIndex)])
        }
    }
}

/// Every match of a regular expression.
func matches(_ pattern: String, in text: String) -> [String] {
    guard let re = try? NSRegularExpression(pattern: pattern) else { return [] }
    return re.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { Range($0.range, in: text).map { String(text[$0]) } }
}

/// The value of `name="..."` in a tag.
func attribute(_ name: String, in tag: String) -> String? {
    guard let r = tag.range(of: " \(name)=\"") else { return nil }
    return String(tag[r.upperBound...].prefix { $0 != "\"" })
}

/// An attribute of the `<g class="series">` named `series` in a chart.
func attribute(_ name: String, ofSeries series: String, in svg: String) -> String {
    let tag = matches("<g class=\"series[^\"]*\"[^>]*>", in: svg).first { attribute("data-name", in: $0) == series }
    return tag.flatMap { attribute(name, in: $0) } ?? ""
}

import AlmagestTracking
import Foundation

/// The page model: one `RunPage` per kind of run (clustering, classification, NMF, ...), kept in
/// a `RunPageRegistry`. A pipeline adds its page by conforming a type to `RunPage` and registering
/// it; no other page changes. The first registered page whose `canRender` accepts a run draws it;
/// runs no page claims get `GenericRunPage` (parameters, metrics, timings, artifacts). A page
/// brings its own stylesheet and script as `assets`; the dashboard serves them appended to its
/// shared ones (one CSS and one script file, no external assets), each page's script isolated so
/// an error in one page's script is reported and never stops another's.
///
/// ```swift
/// struct GeminiRunPage: RunPage {
///     let name = "gemini"
///     func canRender(_ run: RunRecord) -> Bool { run.algorithm.hasPrefix("gemini") }
///     func render(_ run: RunArtifacts, context: PageContext) throws -> PageContent { ... }
/// }
/// var pages = RunPageRegistry.standard
/// pages.register(GeminiRunPage())
/// let dashboard = Dashboard(store: store, pages: pages)
/// ```
public protocol RunPage: Sendable {
    /// A short name of the page kind (shown on the page, used in tests).
    var name: String { get }
    /// The CSS and JavaScript the page needs (default: none).
    var assets: PageAssets { get }
    /// Whether this page draws `run`.
    func canRender(_ run: RunRecord) -> Bool
    /// The page for `run`, from the run's artifacts only (never recomputing a model).
    func render(_ run: RunArtifacts, context: PageContext) throws -> PageContent
}

extension RunPage {
    public var assets: PageAssets { PageAssets() }
}

/// A page's stylesheet rules and script. The script runs once on every dashboard page, after the
/// shared script, inside its own function and `try` (errors go to the page's error report); it
/// should look for its page's elements and return when they are absent.
public struct PageAssets: Sendable {
    public var css: String
    public var javascript: String

    public init(css: String = "", javascript: String = "") {
        self.css = css
        self.javascript = javascript
    }
}

/// What a page gets besides its run: the store (to look up other runs) and the request's query.
public struct PageContext: Sendable {
    public let store: RunStore
    public let query: Query

    public init(store: RunStore, query: Query) {
        self.store = store
        self.query = query
    }
}

/// A rendered page: its title and the HTML inside `<main>`.
public struct PageContent: Sendable {
    public var title: String
    public var body: String

    public init(title: String, body: String) {
        self.title = title
        self.body = body
    }
}

/// The run pages the dashboard knows, tried in order.
public struct RunPageRegistry: Sendable {
    public private(set) var pages: [any RunPage]

    public init(pages: [any RunPage] = []) {
        self.pages = pages
    }

    /// The pages of Almagest's own pipelines: spectra clustering first (runs with
    /// `cluster_spectra.json`), then clustering (it claims any run with `projection.csv` or
    /// `labels.csv`), image classification (`activation_views.json`), classification
    /// (`confusion_matrix.json`) and NMF (`history.csv` + `summary.json`).
    public static var standard: RunPageRegistry {
        RunPageRegistry(pages: [
            SpectraRunPage(), ClusteringRunPage(), ImageClassificationRunPage(), ClassificationRunPage(), FactorizationRunPage(),
        ])
    }

    /// Adds a page, tried before the ones already registered.
    public mutating func register(_ page: any RunPage) {
        pages.insert(page, at: 0)
    }

    /// The page that draws `run`.
    public func page(for run: RunRecord) -> any RunPage {
        pages.first { $0.canRender(run) } ?? GenericRunPage()
    }

    /// The shared stylesheet followed by every page's rules.
    var stylesheet: String {
        ([Assets.css] + pages.map { $0.assets.css }.filter { !$0.isEmpty }).joined(separator: "\n")
    }

    /// The shared script followed by every page's script, each in its own function so one page's
    /// error (reported into `#js-errors`) does not stop the others; at the end marks the body
    /// `data-script="ready"` and records in `data-ready-ms` the milliseconds from the start of
    /// navigation to then (request, parsing, every script; what `make bench` reports per page).
    var script: String {
        var out = Assets.javascript
        for page in pages where !page.assets.javascript.isEmpty {
            out += "\n(function () {\n'use strict';\ntry {\n\(page.assets.javascript)\n} catch (e) { almagest.report("
            out += "'\(page.name) page: ' + e); }\n})();\n"
        }
        out += "document.body.setAttribute('data-ready-ms', performance.now().toFixed(1));\n"
        return out + "document.body.setAttribute('data-script', 'ready');\n"
    }
}

/// The page of any run: parameters, metrics, timings and links to its artifacts.
public struct GenericRunPage: RunPage {
    public let name = "generic"

    public init() {}

    public func canRender(_ run: RunRecord) -> Bool { true }

    public func render(_ run: RunArtifacts, context: PageContext) throws -> PageContent {
        PageContent(
            title: "Run \(run.record.id)", body: Self.header(run.record) + Self.figures(run.record) + Self.details(run.record))
    }

    /// Every SVG figure the run wrote (confusion matrices, ROC and training curves, NMF heatmaps
    /// and signatures, ...), shown as images served from the run directory; empty when none.
    public static func figures(_ r: RunRecord) -> String {
        let charts = r.artifacts.filter { $0.hasSuffix(".svg") }.sorted().map { artifactFigure(r, $0, caption: $0) }
        guard !charts.isEmpty else { return "" }
        return "<section><h2>Figures</h2><div class=\"figures\">\(charts.joined())</div></section>"
    }

    /// The run's title line: experiment, algorithm, id, status, start, version; shared by the
    /// other run pages.
    public static func header(_ r: RunRecord) -> String {
        var out = "<section class=\"run-head\" data-page-kind=\"run\"><h1>\(HTML.escape(r.experiment)) · \(HTML.escape(r.algorithm))</h1>"
        out += "<p class=\"meta\">run <code>\(HTML.escape(r.id))</code> · <span class=\"status \(HTML.escape(r.status.rawValue))\">"
        out += "\(HTML.escape(r.status.rawValue))</span> · started \(HTML.date(r.startedAt)) UTC · Almagest \(HTML.escape(r.version))"
        out += " · <a href=\"/compare?ids=\(HTML.escape(Query.encode(r.id)))\">compare…</a></p>"
        if let error = r.error { out += "<p class=\"error\">\(HTML.escape(error))</p>" }
        return out + "</section>"
    }

    /// The run's parameter, metric and timing tables and artifact links; shared by the other run pages.
    public static func details(_ r: RunRecord) -> String {
        var out = "<section class=\"tables\">"
        out += keyValues("Parameters", r.parameters.mapValues { HTML.escape($0.description) })
        out += keyValues("Metrics", r.metrics.mapValues { HTML.number($0) }, id: "run-metrics")
        out += keyValues("Timings (s)", r.timings.mapValues { HTML.number($0) })
        let links = r.artifacts.map { name in "<li><a href=\"\(fileURL(r, name))\">\(HTML.escape(name))</a></li>" }
        out += "<div><h2>Artifacts</h2><ul class=\"artifacts\">\(links.joined())</ul></div></section>"
        return out
    }

    /// An image artifact of the run (an SVG or PNG figure it drew) as a figure with `caption`.
    static func artifactFigure(_ r: RunRecord, _ name: String, caption: String) -> String {
        "<figure class=\"chart\"><img class=\"artifact-figure\" src=\"\(fileURL(r, name))\" alt=\"\(HTML.escape(name))\">"
            + "<figcaption>\(HTML.escape(caption))</figcaption></figure>"
    }

    /// `/files/<run directory>/<artifact>`, each path segment URL-encoded and HTML-escaped.
    static func fileURL(_ r: RunRecord, _ name: String) -> String {
        let segments = r.directory.split(separator: "/") + name.split(separator: "/")
        return "/files/" + segments.map { HTML.escape(Query.encode(String($0))) }.joined(separator: "/")
    }

    // MARK: - Private

    private static func keyValues(_ title: String, _ values: [String: String], id: String? = nil) -> String {
        guard !values.isEmpty else { return "" }
        let rows = values.sorted { $0.key < $1.key }.map { [HTML.escape($0.key), $0.value] }
        return "<div><h2>\(HTML.escape(title))</h2>\(HTML.table(header: ["name", "value"], rows: rows, id: id))</div>"
    }
}

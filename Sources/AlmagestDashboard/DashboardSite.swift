import AlmagestTracking
import Foundation

/// The dashboard's routes, independent of the HTTP server: a request path and query in, a status,
/// content type and body out. The server (`Dashboard`) only forwards requests here, so pages can
/// be rendered and measured without a socket.
///
/// Routes (GET only):
/// - `/` — `HomePage`; `/compare?ids=…` — `ComparePage`; `/sweep?experiment=…&x=…&y=…` — `SweepPage`;
/// - `/run/<id>` — the page the `RunPageRegistry` picks for the run;
/// - `/files/<path>` — a file inside the runs folder (anything else, `..` and encoded `%2e%2e`
///   included, is a 404);
/// - `/assets/dashboard.css`, `/assets/dashboard.js` — the only stylesheet and script (no CDN).
///
/// ```swift
/// let site = DashboardSite(store: try RunStore(root: runs))
/// let response = site.respond(path: "/", query: "sort=inertia&order=asc")
/// ```
public struct DashboardSite: Sendable {
    public let store: RunStore
    public let pages: RunPageRegistry

    public init(store: RunStore, pages: RunPageRegistry = .standard) {
        self.store = store
        self.pages = pages
        self.stylesheet = Data(pages.stylesheet.utf8)
        self.script = Data(pages.script.utf8)
    }

    /// A response: status, content type and body.
    public struct Response: Sendable {
        public var status: Int
        public var contentType: String
        public var body: Data
    }

    /// Answers a request. `path` is the raw (percent-encoded) path, `query` the raw query string.
    /// Errors become 4xx pages; an unexpected error becomes a 500 page naming it.
    public func respond(method: String = "GET", path: String, query: String?) -> Response {
        do {
            guard method == "GET" || method == "HEAD" else { throw DashboardError.methodNotAllowed(method: method) }
            return try route(path: path, query: Query(query))
        } catch let error as DashboardError {
            return page(PageContent(title: "Error \(error.status)", body: "<p class=\"error\">\(HTML.escape("\(error)"))</p>"),
                        status: error.status)
        } catch {
            return page(PageContent(title: "Error 500", body: "<p class=\"error\">\(HTML.escape("\(error)"))</p>"), status: 500)
        }
    }

    // MARK: - Private

    /// The shared stylesheet and script with every page's own, composed once.
    private let stylesheet: Data
    private let script: Data

    private func route(path: String, query: Query) throws -> Response {
        let raw = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        let segments = try raw.map { segment -> String in
            guard let decoded = segment.removingPercentEncoding else { throw DashboardError.notFound(what: path) }
            return decoded
        }
        let context = PageContext(store: store, query: query)
        switch segments.first ?? "" {
        case "" where segments.count <= 1:
            return page(try HomePage().render(context: context))
        case "compare" where segments.count == 1:
            return page(try ComparePage().render(context: context))
        case "sweep" where segments.count == 1:
            return page(try SweepPage().render(context: context))
        case "run" where segments.count == 2:
            guard let record = try store.index.run(id: segments[1]) else { throw DashboardError.notFound(what: "run \(segments[1])") }
            let artifacts = try RunArtifacts(record: record, root: store.root)
            return page(try pages.page(for: record).render(artifacts, context: context))
        case "files":
            guard let url = SafePath.resolve(root: store.root, segments: Array(segments.dropFirst())),
                  !url.hasDirectoryPath, let data = try? Data(contentsOf: url)
            else { throw DashboardError.notFound(what: "file \(path)") }
            return Response(status: 200, contentType: Self.contentType(url.pathExtension), body: data)
        case "assets" where segments.count == 2:
            switch segments[1] {
            case "dashboard.css": return Response(status: 200, contentType: "text/css; charset=utf-8", body: stylesheet)
            case "dashboard.js": return Response(status: 200, contentType: "text/javascript; charset=utf-8", body: script)
            default: throw DashboardError.notFound(what: "asset \(segments[1])")
            }
        default:
            throw DashboardError.notFound(what: "page \(path)")
        }
    }

    private func page(_ content: PageContent, status: Int = 200) -> Response {
        Response(status: status, contentType: "text/html; charset=utf-8", body: Data(HTML.page(title: content.title, body: content.body).utf8))
    }

    private static func contentType(_ ext: String) -> String {
        switch ext.lowercased() {
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "json": return "application/json"
        case "csv", "txt", "jsonl", "md": return "text/plain; charset=utf-8"
        default: return "application/octet-stream"
        }
    }
}

import AlmagestTracking
import Foundation
import Hummingbird
import ServiceLifecycle

/// The web dashboard: a Hummingbird HTTP server over a run store, answering GET requests through
/// `DashboardSite` (home, run pages, compare, files inside the runs folder, the bundled assets).
///
/// Binds 127.0.0.1 unless another host is given; read-only (it never writes the store, and
/// other methods get 404/405); every response carries a Content-Security-Policy that allows only
/// the dashboard's own script and stylesheet (and `data:` images inside the charts), so nothing is
/// loaded from elsewhere. Pages never recompute a model: they read the runs' artifacts.
///
/// ```swift
/// let dashboard = Dashboard(store: try RunStore(root: URL(fileURLWithPath: "runs")), port: 8080)
/// try await dashboard.run { port in print("http://127.0.0.1:\(port)/") }
/// ```
public struct Dashboard: Sendable {
    public let site: DashboardSite
    public var host: String
    /// The port; 0 picks a free one (reported to `run`'s `onStart`).
    public var port: Int

    public init(store: RunStore, pages: RunPageRegistry = .standard, host: String = "127.0.0.1", port: Int = 8080) {
        self.site = DashboardSite(store: store, pages: pages)
        self.host = host
        self.port = port
    }

    /// Serves until the task is cancelled (or SIGINT/SIGTERM when `handlesSignals`); either one
    /// shuts the server down gracefully (open requests finish). `onStart` gets the port actually
    /// bound once the server listens.
    public func run(handlesSignals: Bool = true, onStart: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        guard (0...65535).contains(port) else {
            throw DashboardError.badRequest(what: "port \(port)", expected: "a port number in 0...65535")
        }
        let router = Router()
        let site = self.site
        let handler: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            Self.response(site.respond(method: request.method.rawValue, path: request.uri.path, query: request.uri.query))
        }
        router.get("/", use: handler)
        router.get("**", use: handler)
        router.head("**", use: handler)
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "almagest-dashboard"),
            onServerRunning: { channel in await onStart(channel.localAddress?.port ?? port) })
        let group = ServiceGroup(
            configuration: .init(
                services: [app], gracefulShutdownSignals: handlesSignals ? [.sigterm, .sigint] : [], logger: app.logger))
        // Cancelling the caller triggers a graceful shutdown instead of tearing connections down.
        let serving = Task { try await group.run() }
        try await withTaskCancellationHandler {
            try await serving.value
        } onCancel: {
            Task { await group.triggerGracefulShutdown() }
        }
    }

    // MARK: - Private

    private static let securityPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        + "connect-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

    private static func response(_ r: DashboardSite.Response) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = r.contentType
        headers[.init("Content-Security-Policy")!] = securityPolicy
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        headers[.cacheControl] = "no-cache"
        return Response(
            status: HTTPResponse.Status(code: r.status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: r.body)))
    }
}

import Foundation
import Hummingbird
import ServiceLifecycle

/// The prediction server: a Hummingbird HTTP server over one fitted pipeline (`ServedModel`),
/// answering through `PredictionService`:
///
/// - `POST /predict` — rows as JSON (one object or an array of objects, by feature name) or
///   `text/csv` with a header row; answers each row's class and per-class probabilities;
/// - `GET /model` — the pipeline: steps and options, features, classes, training run;
/// - `GET /health` — `{"status": "ok", ...}`.
///
/// Bad rows are a 400 naming the row and the feature, malformed JSON a 400, another content type a
/// 415, a body over `maxBodyBytes` a 413 (refused from its Content-Length before it is read, or
/// once the bytes read pass the limit); every answer is JSON and no request can stop the server.
/// Binds 127.0.0.1 unless another host is given; keep-alive connections are served by NIO's event
/// loops (one per core). Stops gracefully on cancellation (and SIGINT/SIGTERM when
/// `handlesSignals`).
///
/// ```swift
/// let server = try PredictionServer(model: try ServedModel.load("model.json", runs: runs), port: 8080)
/// try await server.run { port in print("http://127.0.0.1:\(port)/predict") }
/// ```
public struct PredictionServer: Sendable {
    public let service: PredictionService
    public var host: String
    /// The port; 0 picks a free one (reported to `run`'s `onStart`).
    public var port: Int
    /// The largest request body accepted, in bytes.
    public var maxBodyBytes: Int

    /// Throws `ServeError.badSetting` for a port outside 0...65535 or a limit below 1 byte.
    public init(model: ServedModel, host: String = "127.0.0.1", port: Int = 8080, maxBodyBytes: Int = 8 << 20) throws {
        guard (0...65535).contains(port) else {
            throw ServeError.badSetting(name: "port", value: "\(port)", expected: "a port number in 0...65535")
        }
        guard maxBodyBytes >= 1 else {
            throw ServeError.badSetting(name: "body limit", value: "\(maxBodyBytes) bytes", expected: "at least 1 byte")
        }
        self.service = PredictionService(model: model)
        self.host = host
        self.port = port
        self.maxBodyBytes = maxBodyBytes
    }

    /// Serves until the task is cancelled (or SIGINT/SIGTERM when `handlesSignals`); either one
    /// shuts the server down gracefully (open requests finish). `onStart` gets the port actually
    /// bound once the server listens.
    public func run(handlesSignals: Bool = true, onStart: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let router = Router()
        let service = self.service
        let limit = maxBodyBytes
        router.post("/predict") { request, _ -> Response in
            if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > limit {
                return Self.response(PredictionService.failure(.bodyTooLarge(limit: limit)))
            }
            let buffer: ByteBuffer
            do {
                buffer = try await request.body.collect(upTo: limit)
            } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
                return Self.response(PredictionService.failure(.bodyTooLarge(limit: limit)))
            }
            let body = buffer.getBytes(at: buffer.readerIndex, length: buffer.readableBytes) ?? []
            return Self.response(service.predict(body: body, contentType: request.headers[.contentType]))
        }
        router.get("/model") { _, _ in Self.response(service.describe) }
        router.get("/health") { _, _ in Self.response(service.health) }
        let notFound: @Sendable (Request, BasicRequestContext) async throws -> Response = { request, _ in
            Self.response(PredictionService.failure(.notFound(method: request.method.rawValue, path: request.uri.path)))
        }
        for method in [HTTPRequest.Method.get, .post, .put, .delete, .head] {
            router.on("/", method: method, use: notFound)
            router.on("**", method: method, use: notFound)
        }
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "almagest-serve"),
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

    private static func response(_ answer: PredictionService.Answer) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = answer.contentType
        headers[.cacheControl] = "no-store"
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}

import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A minimal blocking HTTP/1.1 client over one keep-alive TCP connection to a local server: what
/// the server's tests and the `serve` benchmark call it with (no HTTP client library needed). It
/// sends a request with a Content-Length body and reads the answer's status, headers and
/// Content-Length body (or, without one, everything until the server closes); the connection is
/// reused for the next request and reopened if the server closed it. Not for chunked answers or
/// TLS. Blocks the calling thread: call it from a Dispatch thread, not from Swift concurrency's
/// cooperative pool. Cost: one `write` and a few `read`s per request.
///
/// ```swift
/// let client = try LoopbackHTTPClient(port: 8080)
/// let answer = try client.send("POST", "/predict", headers: ["Content-Type": "application/json"], body: Array(json.utf8))
/// answer.status   // 200
/// ```
public final class LoopbackHTTPClient {
    /// An answer: status, headers (lower-case names) and body.
    public struct Answer: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: [UInt8]
        public var text: String { String(decoding: body, as: UTF8.self) }
    }

    public let host: String
    public let port: Int

    /// Connects to `host:port` (an IPv4 address).
    public init(host: String = "127.0.0.1", port: Int) throws {
        self.host = host
        self.port = port
        try connect()
    }

    deinit { if socket >= 0 { close(socket) } }

    /// Sends one request and reads its answer; reconnects once if the kept-alive connection was
    /// closed by the server before the request.
    public func send(_ method: String, _ path: String, headers: [String: String] = [:], body: [UInt8] = []) throws -> Answer {
        var request = "\(method) \(path) HTTP/1.1\r\nHost: \(host):\(port)\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        let bytes = Array(request.utf8) + body
        do {
            if socket < 0 { try connect() }
            try write(bytes)
            return try readAnswer()
        } catch ClientError.closed {
            try connect()
            try write(bytes)
            return try readAnswer()
        }
    }

    // MARK: - Private

    private var socket: Int32 = -1
    private var buffer = [UInt8]()

    private enum ClientError: Error { case closed }

    /// A connection or protocol failure, said in one line.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    private func connect() throws {
        if socket >= 0 { close(socket) }
        buffer.removeAll()
#if canImport(Glibc)
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
#else
        let fd = Darwin.socket(AF_INET, SOCK_STREAM, 0)
#endif
        guard fd >= 0 else { throw Self.failure("socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw Failure(description: "client host \(host) is not an IPv4 address; expected one such as 127.0.0.1")
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Self.failure("connect to \(host):\(port)")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        socket = fd
    }

    private func write(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(socket, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EPIPE || errno == ECONNRESET { throw ClientError.closed }
                throw Self.failure("send")
            }
            sent += n
        }
    }

    /// Reads more bytes into `buffer`; false when the server closed the connection.
    private func fill() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(socket, $0.baseAddress!, $0.count, 0) }
            if n > 0 {
                buffer.append(contentsOf: chunk[0..<n])
                return true
            }
            if n == 0 { return false }
            if errno == EINTR { continue }
            if errno == ECONNRESET { return false }
            throw Self.failure("recv")
        }
    }

    private func readAnswer() throws -> Answer {
        var headerEnd: Int?
        var scanned = 0
        while headerEnd == nil {
            if let end = Self.find([13, 10, 13, 10], in: buffer, from: max(0, scanned - 3)) {
                headerEnd = end
                break
            }
            scanned = buffer.count
            guard try fill() else {
                close(socket)
                socket = -1
                if buffer.isEmpty { throw ClientError.closed }
                throw Failure(description: "the server closed the connection inside an answer's headers")
            }
        }
        let head = String(decoding: buffer[0..<headerEnd!], as: UTF8.self).components(separatedBy: "\r\n")
        let statusWords = head[0].split(separator: " ")
        guard statusWords.count >= 2, let status = Int(statusWords[1]) else {
            throw Failure(description: "the server's status line \"\(head[0])\" is not HTTP")
        }
        var headers = [String: String]()
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let start = headerEnd! + 4
        if let length = headers["content-length"].flatMap({ Int($0) }) {
            while buffer.count < start + length {
                guard try fill() else { throw Failure(description: "the server closed the connection inside an answer's body") }
            }
            let body = Array(buffer[start..<(start + length)])
            buffer.removeFirst(start + length)
            if headers["connection"]?.lowercased() == "close" {
                close(socket)
                socket = -1
            }
            return Answer(status: status, headers: headers, body: body)
        }
        while try fill() {}
        let body = Array(buffer[start...])
        buffer.removeAll()
        close(socket)
        socket = -1
        return Answer(status: status, headers: headers, body: body)
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var i = from
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0] && haystack[i + 1] == needle[1] && haystack[i + 2] == needle[2] && haystack[i + 3] == needle[3] {
                return i
            }
            i += 1
        }
        return nil
    }

    private static func failure(_ what: String) -> Failure {
        Failure(description: "\(what) failed: \(String(cString: strerror(errno)))")
    }
}

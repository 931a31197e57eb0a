import Foundation

/// Errors of the dashboard; each becomes an HTTP status and a page saying what was wrong.
public enum DashboardError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A run, file or page that does not exist (also every refused path): 404.
    case notFound(what: String)
    /// A query value the page cannot use: 400.
    case badRequest(what: String, expected: String)
    /// A method other than GET or HEAD: 405 (the dashboard is read-only).
    case methodNotAllowed(method: String)
    /// A run's file that exists but does not hold what its page expects: 500.
    case unreadableArtifact(name: String, run: String, reason: String)

    /// The HTTP status code.
    public var status: Int {
        switch self {
        case .notFound: return 404
        case .badRequest: return 400
        case .methodNotAllowed: return 405
        case .unreadableArtifact: return 500
        }
    }

    public var description: String {
        switch self {
        case let .notFound(what): return "not found: \(what)"
        case let .badRequest(what, expected): return "cannot use \(what): expected \(expected)"
        case let .methodNotAllowed(method): return "method \(method) is not allowed: the dashboard is read-only (GET only)"
        case let .unreadableArtifact(name, run, reason): return "cannot read \(name) of run \(run): \(reason)"
        }
    }
}

/// Errors of the prediction server. Each says what was wrong, with the value, and what was
/// expected; `status` is the HTTP status a request error is answered with (loading errors stop the
/// server before it starts and have no status of their own).
///
/// ```swift
/// throw ServeError.badRow(row: 3, feature: "fWidth", reason: "non-numeric value \"abc\"; expected a number")
/// ```
public enum ServeError: Error, Equatable, Sendable, CustomStringConvertible {
    // Loading the model.
    /// The file exists but does not hold a saved pipeline.
    case notAModel(path: String, reason: String)
    /// Neither a file nor a run of the store.
    case modelNotFound(reference: String, runs: String)
    /// A run without a readable `model.json` (a clustering run, a failed run).
    case runWithoutModel(run: String, path: String)
    /// A bad server setting (port, body limit).
    case badSetting(name: String, value: String, expected: String)

    // Answering a request.
    /// The body is not well-formed JSON.
    case malformedJSON(offset: Int, reason: String)
    /// A CSV body the reader refused (its message names the line and column).
    case malformedCSV(reason: String)
    /// A row that cannot be predicted: an unknown, missing or repeated feature, a non-numeric value,
    /// a missing value the pipeline cannot fill.
    case badRow(row: Int, feature: String, reason: String)
    /// A body without rows, or with a shape other than an object or an array of objects.
    case badBody(reason: String)
    /// A content type other than JSON or CSV.
    case unsupportedContentType(String)
    /// A body over the limit.
    case bodyTooLarge(limit: Int)
    /// No such route.
    case notFound(method: String, path: String)
    /// The pipeline refused rows that passed the checks (a bug or a model that cannot predict).
    case predictionFailed(reason: String)

    /// The HTTP status of a request error (500 for loading errors, which never reach a client).
    public var status: Int {
        switch self {
        case .malformedJSON, .malformedCSV, .badRow, .badBody: return 400
        case .notFound: return 404
        case .bodyTooLarge: return 413
        case .unsupportedContentType: return 415
        case .notAModel, .modelNotFound, .runWithoutModel, .badSetting, .predictionFailed: return 500
        }
    }

    public var description: String {
        switch self {
        case let .notAModel(path, reason):
            return "\(path) is not a saved pipeline model (expected the model.json that almagest classify writes into its run folder): \(reason)"
        case let .modelNotFound(reference, runs):
            return "no model file and no run \"\(reference)\" in the run store \(runs); expected a model.json path, a run folder or a run id (see almagest runs list, or give --runs DIR)"
        case let .runWithoutModel(run, path):
            return "run \(run) has no readable classification model at \(path); expected a finished almagest classify run"
        case let .badSetting(name, value, expected):
            return "invalid \(name) \(value): expected \(expected)"
        case let .malformedJSON(offset, reason):
            return "malformed JSON at byte \(offset): \(reason)"
        case let .malformedCSV(reason):
            return "malformed CSV: \(reason)"
        case let .badRow(row, feature, reason):
            return "row \(row), feature \"\(feature)\": \(reason)"
        case let .badBody(reason):
            return "bad request body: \(reason)"
        case let .unsupportedContentType(type):
            return "unsupported content type \"\(type)\": expected application/json or text/csv"
        case let .bodyTooLarge(limit):
            return "request body over the limit of \(limit) bytes; send fewer rows per request (or start the server with a larger --max-body-mb)"
        case let .notFound(method, path):
            return "no route \(method) \(path): expected POST /predict, GET /model or GET /health"
        case let .predictionFailed(reason):
            return "the pipeline could not predict these rows: \(reason)"
        }
    }
}

/// The error types shared by every Almagest module.
///
/// Each case carries the offending value and what was expected, so that its `description` reads as
/// one complete sentence a user can act on, e.g. "k-means needs at least as many samples as
/// clusters: got 5 samples for 10 clusters".

/// A shape did not fit an operation.
public enum ShapeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Two operands of `operation` have shapes that do not fit together.
    case mismatch(operation: String, left: [Int], right: [Int], expected: String)
    /// A shape that cannot exist or does not match the element count.
    case invalid(shape: [Int], reason: String)
    /// An index outside `0..<bound`.
    case indexOutOfRange(what: String, index: Int, bound: Int)

    public var description: String {
        switch self {
        case let .mismatch(operation, left, right, expected):
            return "\(operation): shapes \(Self.format(left)) and \(Self.format(right)) do not fit; expected \(expected)"
        case let .invalid(shape, reason):
            return "invalid shape \(Self.format(shape)): \(reason)"
        case let .indexOutOfRange(what, index, bound):
            return "\(what) index \(index) is out of range: expected 0..<\(bound)"
        }
    }

    static func format(_ shape: [Int]) -> String { "(" + shape.map(String.init).joined(separator: ", ") + ")" }
}

/// An estimator refused its input or its configuration, or could not be fitted.
public enum FitError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data have no rows (or no columns).
    case emptyInput(what: String, rows: Int, columns: Int)
    /// A NaN or an infinity at a given place.
    case nonFinite(what: String, row: Int, column: Int, value: Double)
    /// A finite value outside the domain of the method (Box-Cox on a non-positive value).
    case outOfDomain(what: String, row: Int, column: Int, value: Double, expected: String)
    /// Fewer samples than the method needs.
    case tooFewSamples(method: String, needed: Int, got: Int, reason: String)
    /// A configuration value outside its valid range.
    case invalidParameter(name: String, value: String, expected: String)
    /// Labels or targets that do not fit the data.
    case invalidLabels(reason: String)
    /// Data of a different width than the model was fitted on.
    case featureCountMismatch(expected: Int, got: Int)
    /// A numerical routine failed (a LAPACK info code, a singular matrix, ...).
    case numerical(routine: String, reason: String)

    public var description: String {
        switch self {
        case let .emptyInput(what, rows, columns):
            return "\(what) is empty: got \(rows) rows and \(columns) columns; expected at least one of each"
        case let .nonFinite(what, row, column, value):
            return "\(what) holds a non-finite value \(value) at row \(row), column \(column) (counted from 0); expected finite numbers only"
        case let .outOfDomain(what, row, column, value, expected):
            return "\(what) holds \(value) at row \(row), column \(column) (counted from 0); expected \(expected)"
        case let .tooFewSamples(method, needed, got, reason):
            return "\(method) needs at least \(needed) samples: got \(got) (\(reason))"
        case let .invalidParameter(name, value, expected):
            return "invalid \(name) = \(value): expected \(expected)"
        case let .invalidLabels(reason):
            return "invalid labels: \(reason)"
        case let .featureCountMismatch(expected, got):
            return "the model was fitted on \(expected) features, but the data have \(got)"
        case let .numerical(routine, reason):
            return "\(routine) failed: \(reason)"
        }
    }
}

/// Checks a configuration value once, at the public boundary.
@inlinable
public func require(
    _ condition: Bool, _ name: String, _ value: @autoclosure () -> Any, expected: @autoclosure () -> String
) throws {
    if !condition { throw FitError.invalidParameter(name: name, value: "\(value())", expected: expected()) }
}

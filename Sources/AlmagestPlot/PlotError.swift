/// The one error type of the Plot module: a chart refused its input.
///
/// Every case names the offending value and what was expected, so that its `description` reads as a
/// sentence a user can act on, e.g. "scatter chart y has 9 values, but x has 10; expected equal lengths".
///
/// ```swift
/// do { _ = try ScatterChart(x: [1, 2], y: [1]).svg() } catch let error as PlotError { print(error) }
/// ```
public enum PlotError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A chart input has no values.
    case emptyData(what: String)
    /// Two inputs that must have equal lengths do not.
    case lengthMismatch(what: String, got: Int, expected: Int, reference: String)
    /// A NaN or infinity where a finite number is needed.
    case nonFinite(what: String, index: Int, value: Double)
    /// A value that cannot be shown on a logarithmic axis.
    case nonPositiveOnLogScale(what: String, index: Int, value: Double)
    /// A configuration value outside its valid range.
    case invalidParameter(name: String, value: String, expected: String)
    /// A label asked for (to highlight, to name) that the data do not contain.
    case unknownLabel(label: Int, known: [Int])
    /// Encoding the figure failed (zlib reported an error).
    case encodingFailed(reason: String)

    public var description: String {
        switch self {
        case let .emptyData(what):
            return "\(what) is empty; expected at least one value"
        case let .lengthMismatch(what, got, expected, reference):
            return "\(what) has \(got) values, but \(reference) has \(expected); expected equal lengths"
        case let .nonFinite(what, index, value):
            return "\(what) holds the non-finite value \(value) at index \(index); expected finite numbers only"
        case let .nonPositiveOnLogScale(what, index, value):
            return "\(what) holds \(value) at index \(index), which a logarithmic axis cannot show; expected values > 0"
        case let .invalidParameter(name, value, expected):
            return "invalid \(name) = \(value): expected \(expected)"
        case let .unknownLabel(label, known):
            let shown = known.prefix(20).map(String.init).joined(separator: ", ")
            return "label \(label) does not occur in the data; expected one of [\(shown)\(known.count > 20 ? ", ..." : "")]"
        case let .encodingFailed(reason):
            return "could not encode the figure: \(reason)"
        }
    }
}

// MARK: - Validation helpers shared by the charts

enum Validate {
    /// Throws unless `values` is non-empty and every value is finite.
    static func finite(_ values: [Double], _ what: String, allowEmpty: Bool = false) throws {
        if values.isEmpty && !allowEmpty { throw PlotError.emptyData(what: what) }
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw PlotError.nonFinite(what: what, index: i, value: values[i])
        }
    }

    /// Throws unless `count` equals `expected`.
    static func length(_ count: Int, _ what: String, equals expected: Int, _ reference: String) throws {
        if count != expected {
            throw PlotError.lengthMismatch(what: what, got: count, expected: expected, reference: reference)
        }
    }

    /// Throws unless the figure size is usable.
    static func size(width: Double, height: Double) throws {
        guard width.isFinite, width >= 100, width <= 20_000 else {
            throw PlotError.invalidParameter(name: "width", value: "\(width)", expected: "a number in 100...20000")
        }
        guard height.isFinite, height >= 80, height <= 20_000 else {
            throw PlotError.invalidParameter(name: "height", value: "\(height)", expected: "a number in 80...20000")
        }
    }
}

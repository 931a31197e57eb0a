import AlmagestCore
import Foundation
import Testing

/// The conformance suite every estimator runs (after scikit-learn's `check_estimator`): NaN and
/// empty input are refused with a typed error (an estimator that `acceptsMissingValues`, an
/// imputer, must instead fit data with NaN; infinity is refused by all), the same seed gives the same model, fitting does
/// not change its input, and a fitted model survives a JSON round trip unchanged.
public enum Conformance {
    /// Runs every check on `fit`, a closure that fits the estimator under test on `x`.
    public static func check<Model: Codable & Equatable>(
        _ name: String, data x: Matrix<Double>, acceptsMissingValues: Bool = false, fit: (Matrix<Double>) throws -> Model,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        // 1. NaN refused with a typed error that names the place (or, by an estimator that
        // accepts missing values, fitted).
        var withNaN = x
        withNaN[0, 0] = .nan
        if acceptsMissingValues {
            #expect(throws: Never.self, "\(name) must accept NaN as a missing value", sourceLocation: sourceLocation) {
                _ = try fit(withNaN)
            }
        } else {
            #expect(throws: FitError.self, "\(name) must refuse NaN", sourceLocation: sourceLocation) { try fit(withNaN) }
        }
        var withInfinity = x
        withInfinity[x.rows - 1, x.columns - 1] = .infinity
        #expect(throws: FitError.self, "\(name) must refuse infinity", sourceLocation: sourceLocation) { try fit(withInfinity) }
        // 2. Empty input refused.
        #expect(throws: FitError.self, "\(name) must refuse empty input", sourceLocation: sourceLocation) {
            try fit(Matrix<Double>(rows: 0, columns: x.columns))
        }
        // 3. Input not mutated; 4. same seed, same model.
        let copy = x
        let first = try fit(x)
        #expect(x == copy, "\(name) changed its input", sourceLocation: sourceLocation)
        let second = try fit(x)
        #expect(first == second, "\(name) is not deterministic for a fixed seed", sourceLocation: sourceLocation)
        // 5. JSON round trip.
        let data = try JSONEncoder().encode(first)
        let decoded = try JSONDecoder().decode(Model.self, from: data)
        #expect(decoded == first, "\(name) model changed through JSON", sourceLocation: sourceLocation)
    }
}

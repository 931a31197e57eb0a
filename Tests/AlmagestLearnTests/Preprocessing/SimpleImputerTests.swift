import AlmagestCore
import AlmagestLearn
import Testing

@Suite struct SimpleImputerTests {
    static let nan = Double.nan
    /// Column 0 has a gap, column 1 a tie for the most frequent value, column 2 is empty.
    static let x = try! Matrix([[1.0, 5, nan], [nan, 2, nan], [4, 2, nan], [10, 5, nan]])

    @Test(arguments: [
        (SimpleImputer.Strategy.mean, 5.0, 3.5),
        (.median, 4, 3.5),
        (.mostFrequent, 1, 2),
        (.constant, -1, -1),
    ])
    func fillsEachStrategy(_ strategy: SimpleImputer.Strategy, _ first: Double, _ second: Double) throws {
        let model = try SimpleImputer(strategy: strategy, fillValue: -1).fit(Self.x)
        #expect(model.statistics[0] == first && model.statistics[1] == second)
        let out = try model.transform(Self.x)
        // The empty column is dropped, except by the constant strategy.
        #expect(out.columns == (strategy == .constant ? 3 : 2))
        #expect(out.isFinite && out[1, 0] == first && out[0, 0] == 1)
    }

    @Test func keepsEmptyFeaturesAndAddsIndicators() throws {
        let model = try SimpleImputer(addIndicator: true, keepEmptyFeatures: true).fit(Self.x)
        #expect(model.indicatorColumns == [0, 2] && model.droppedColumns.isEmpty)
        let out = try model.transform(Self.x)
        #expect(out.columns == 5)
        #expect(out.column(2) == [0, 0, 0, 0])
        #expect(out.column(3) == [0, 1, 0, 0] && out.column(4) == [1, 1, 1, 1])
    }

    /// NaN is missing, not bad input; infinities and empty input are still refused.
    @Test func refusesInfinitiesButNotNaN() throws {
        var bad = Self.x
        bad[2, 1] = -.infinity
        let error = #expect(throws: FitError.self) { try SimpleImputer().fit(bad) }
        #expect(error == .nonFinite(what: "imputer input", row: 2, column: 1, value: -.infinity))
        let model = try SimpleImputer().fit(Self.x)
        #expect(throws: FitError.self) { try model.transform(bad) }
        #expect(throws: FitError.self) { try model.transform(try Matrix([[1.0, 2]])) }
        #expect(throws: FitError.self) { try SimpleImputer().fit(Matrix<Double>(rows: 0, columns: 3)) }
        // Only these take NaN as a missing value: the imputer, and gradient boosting's missing-value bin.
        #expect(Set(EstimatorRegistry.shared.entries().filter(\.acceptsMissingValues).map(\.name)) == ["simple-imputer", "gradient-boosting"])
    }
}

import AlmagestCore
import AlmagestLearn
import Testing

@Suite struct RobustScalerTests {
    /// Medians and quantile spreads by linear interpolation (numpy's percentile, computed by hand).
    @Test func medianAndInterpolatedQuantiles() throws {
        let x = try Matrix([[1.0, 10], [2, 20], [3, 30], [4, 40], [100, 50]])
        let model = try RobustScaler().fit(x)
        #expect(model.center == [3, 30])
        // 25th / 75th percentile of 5 values: order statistics 1 and 3 (0-based).
        #expect(model.scale == [2, 20])
        let wide = try RobustScaler(quantileRange: [10, 90]).fit(x)
        // positions 0.4 and 3.6: 1 + 0.4 · 1 = 1.4 and 4 + 0.6 · 96 = 61.6.
        #expect(abs(wide.scale[0] - 60.2) < 1e-12 && abs(wide.scale[1] - 32) < 1e-12)
        let z = try model.transform(x)
        #expect(z[4, 0] == 48.5 && z[0, 1] == -1)
        #expect(try model.inverseTransform(z).maxAbsDifference(x) < 1e-12)
    }

    @Test func switchesAndConstantColumns() throws {
        let x = try Matrix([[1.0, 7], [2, 7], [5, 7], [9, 7]])
        #expect(try RobustScaler(withCentering: false).fit(x).center == [0, 0])
        #expect(try RobustScaler(withScaling: false).fit(x).scale == [1, 1])
        #expect(try RobustScaler().fit(x).scale[1] == 1)   // a constant column is only centred
    }

    @Test(arguments: [[25.0], [75, 25], [-1, 50], [50, 101]])
    func refusesBadQuantileRanges(_ range: [Double]) {
        #expect(throws: FitError.self) { try RobustScaler(quantileRange: range).fit(try Matrix([[1.0], [2]])) }
    }
}

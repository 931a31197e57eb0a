import AlmagestCore
import AlmagestLearn
import Testing

@Suite struct MinMaxScalerTests {
    @Test func mapsTheTrainingRangeToTheFeatureRange() throws {
        let x = try Matrix([[1.0, -2, 4], [3, 0, 4], [2, 6, 4]])
        let model = try MinMaxScaler(featureRange: [-1, 1]).fit(x)
        #expect(model.dataMin == [1, -2, 4] && model.dataMax == [3, 6, 4] && model.dataRange == [2, 8, 0])
        let z = try model.transform(x)
        #expect(z.column(0) == [-1, 1, 0] && z.column(1) == [-1, -0.5, 1])
        #expect(z.column(2) == [-1, -1, -1])   // a constant column maps to the low end
        #expect(try model.inverseTransform(z).maxAbsDifference(x) < 1e-12)
    }

    @Test func clipsNewDataWhenAsked() throws {
        let x = try Matrix([[0.0], [10]])
        let outside = try Matrix([[-5.0], [20]])
        #expect(try MinMaxScaler().fit(x).transform(outside).column(0) == [-0.5, 2])
        #expect(try MinMaxScaler(clip: true).fit(x).transform(outside).column(0) == [0, 1])
    }

    @Test(arguments: [[1.0, 0], [0], [0, .infinity]])
    func refusesBadRanges(_ range: [Double]) {
        #expect(throws: FitError.self) { try MinMaxScaler(featureRange: range).fit(try Matrix([[1.0], [2]])) }
    }
}

import AlmagestCore
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

@Suite struct StandardScalerTests {
    @Test func matchesScikitLearnOnDigitsHOG() throws {
        let reference = try #require(try Reference.json("digits_features.json").object("hog_standard_scaler"))
        let model = try StandardScaler().fit(FeatureTestDigits.hogFeatures())
        let mean = try #require(reference.doubles("mean_"))
        let scale = try #require(reference.doubles("scale_"))
        let variance = try #require(reference.doubles("var_"))
        #expect(model.featureCount == 36 && model.sampleCount == 1797)
        for j in 0..<36 {
            #expect(isClose(model.mean[j], mean[j], relative: 1e-12), "mean[\(j)]")
            #expect(isClose(model.scale[j], scale[j], relative: 1e-12), "scale[\(j)]")
            #expect(isClose(model.variance[j], variance[j], relative: 1e-12), "variance[\(j)]")
        }
    }

    @Test func transformStandardisesAndInverts() throws {
        var rng = RandomStream(seed: 11)
        var x: Matrix<Double> = rng.normalMatrix(rows: 200, columns: 5)
        x = x * 3 + 7
        let model = try StandardScaler().fit(x)
        let z = try model.transform(x)
        let means = z.mean(axis: .rows).elements, variances = z.variance(axis: .rows).elements
        #expect(means.allSatisfy { abs($0) < 1e-12 })
        #expect(variances.allSatisfy { abs($0 - 1) < 1e-12 })
        #expect(try model.inverseTransform(z).maxAbsDifference(x) < 1e-12)
    }

    @Test func constantColumnGetsScaleOne() throws {
        let x = try Matrix<Double>([[1, 0.1], [2, 0.1], [3, 0.1]])
        let model = try StandardScaler().fit(x)
        #expect(model.scale[1] == 1 && model.variance[1] == 0)
        #expect(isClose(model.scale[0], (2.0 / 3).squareRoot()))
        let z = try model.transform(x)
        #expect(z.column(1).allSatisfy { abs($0) < 1e-15 })
    }

    @Test(arguments: [(true, false), (false, true), (false, false)])
    func optionsSwitchPartsOff(withMean: Bool, withStd: Bool) throws {
        let x = try Matrix<Double>([[1, 10], [3, 30], [5, 80]])
        let model = try StandardScaler(withMean: withMean, withStd: withStd).fit(x)
        let z = try model.transform(x)
        for i in 0..<3 {
            for j in 0..<2 {
                let expected = (x[i, j] - (withMean ? model.mean[j] : 0)) / (withStd ? model.variance[j].squareRoot() : 1)
                #expect(isClose(z[i, j], expected, relative: 1e-14))
            }
        }
        #expect(try model.inverseTransform(z).maxAbsDifference(x) < 1e-12)
    }

    @Test func refusesWidthMismatch() throws {
        let model = try StandardScaler().fit(Matrix([[1, 2], [3, 4]]))
        #expect(throws: FitError.featureCountMismatch(expected: 2, got: 3)) { try model.transform(Matrix([[1, 2, 3]])) }
        #expect(throws: FitError.self) { try model.inverseTransform(Matrix([[1, .nan]])) }
    }

    @Test func conformance() throws {
        var rng = RandomStream(seed: 3)
        let x: Matrix<Double> = rng.normalMatrix(rows: 50, columns: 4)
        try Conformance.check("StandardScaler", data: x) { try StandardScaler().fit($0) }
    }
}

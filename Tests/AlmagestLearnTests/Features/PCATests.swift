import AlmagestCore
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

@Suite struct PCATests {
    @Test(arguments: PCA.Solver.allCases)
    func matchesScikitLearnOnDigitsHOG(solver: PCA.Solver) throws {
        let reference = try #require(try Reference.json("digits_features.json").object("pca_hog"))
        let model = try PCA(components: 3, solver: solver).fit(FeatureTestDigits.hogFeatures())
        let checks: [(String, [Double])] = [
            ("explained_variance_", model.explainedVariance), ("explained_variance_ratio_", model.explainedVarianceRatio),
            ("singular_values_", model.singularValues),
        ]
        for (key, values) in checks {
            let expected = try #require(reference.doubles(key))
            #expect(expected.count == 3)
            for j in 0..<3 { #expect(isClose(values[j], expected[j], relative: 1e-10), "\(key)[\(j)]: \(values[j]) vs \(expected[j])") }
        }
        #expect(isClose(model.totalVariance, try #require(reference.double("total_variance_ddof1")), relative: 1e-10))
    }

    @Test func solversAgree() throws {
        let x = try FeatureTestDigits.hogFeatures()
        let svd = try PCA(components: 4, solver: .svd).fit(x)
        let eigen = try PCA(components: 4, solver: .covarianceEigen).fit(x)
        #expect(svd.components.maxAbsDifference(eigen.components) < 1e-10)
        #expect(zip(svd.singularValues, eigen.singularValues).allSatisfy { isClose($0, $1, relative: 1e-12) })
        #expect(isClose(svd.totalVariance, eigen.totalVariance, relative: 1e-12))
        #expect(try PCA(components: 4).fit(x) == eigen)   // 1797 >= 10 x 36: automatic picks the eigen route
        let wide = try PCA(components: 2).fit(x.rows(at: 0..<100))
        #expect(wide == (try PCA(components: 2, solver: .svd).fit(x.rows(at: 0..<100))))
    }

    @Test(arguments: PCA.Solver.allCases)
    func componentsAreOrthonormalSignNormalisedAndCarryTheVariance(solver: PCA.Solver) throws {
        let x = try FeatureTestDigits.hogFeatures()
        let model = try PCA(components: 5, solver: solver).fit(x)
        let gram = try Matrix.product(model.components, transposed: false, model.components, transposed: true)
        #expect(gram.maxAbsDifference(.identity(5)) < 1e-12)
        for k in 0..<5 {
            let row = Array(model.components.row(k))
            let largest = row.indices.max { abs(row[$0]) < abs(row[$1]) }!
            #expect(row[largest] > 0)
        }
        let z = try model.transform(x)
        let variances = z.variance(axis: .rows, ddof: 1).elements
        for k in 0..<5 { #expect(isClose(variances[k], model.explainedVariance[k], relative: 1e-10)) }
        #expect(zip(model.explainedVariance, model.explainedVariance.dropFirst()).allSatisfy { $0 >= $1 })
    }

    @Test func fullRankInverseReconstructs() throws {
        var rng = RandomStream(seed: 4)
        let x: Matrix<Double> = rng.normalMatrix(rows: 30, columns: 6)
        for solver in PCA.Solver.allCases {
            let model = try PCA(components: 6, solver: solver).fit(x)
            #expect(try model.inverseTransform(model.transform(x)).maxAbsDifference(x) < 1e-12)
            #expect(abs(model.explainedVarianceRatio.reduce(0, +) - 1) < 1e-12)
        }
        let model = try PCA(components: 6).fit(x)
        #expect(try model.inverseTransform(model.transform(x)).maxAbsDifference(x) < 1e-12)
        #expect(abs(model.explainedVarianceRatio.reduce(0, +) - 1) < 1e-12)
        // Rank 2 data: two components explain everything.
        let low = Matrix<Double>(rows: 30, columns: 4) { i, j in Double(i) * Double(j + 1) + Double(i % 3) * Double(4 - j) }
        let two = try PCA(components: 2).fit(low)
        #expect(abs(two.explainedVarianceRatio.reduce(0, +) - 1) < 1e-12)
        #expect(try two.inverseTransform(two.transform(low)).maxAbsDifference(low) < 1e-10)
    }

    @Test func refusesBadInput() throws {
        #expect(throws: FitError.self) { try PCA(components: 0) }
        let x = try Matrix<Double>([[1, 2, 3], [4, 5, 7]])
        #expect(throws: FitError.self) { try PCA(components: 3).fit(x) }
        #expect(throws: FitError.self) { try PCA(components: 1).fit(Matrix([[1, 2, 3]])) }
        let model = try PCA(components: 1).fit(x)
        #expect(throws: FitError.featureCountMismatch(expected: 3, got: 2)) { try model.transform(Matrix([[1, 2]])) }
        #expect(throws: FitError.featureCountMismatch(expected: 1, got: 2)) { try model.inverseTransform(Matrix([[1, 2]])) }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(PCA.self, from: Data(#"{"components":-1}"#.utf8)) }
    }

    @Test func conformance() throws {
        var rng = RandomStream(seed: 8)
        let x: Matrix<Double> = rng.normalMatrix(rows: 40, columns: 6)
        try Conformance.check("PCA", data: x) { try PCA(components: 3).fit($0) }
        try Conformance.check("PCA (covariance eigen)", data: x) { try PCA(components: 3, solver: .covarianceEigen).fit($0) }
    }
}

/// `whiten`: every kept coordinate has unit variance (ddof 1) and they are uncorrelated, as
/// scikit-learn's `whiten=True` gives; the inverse undoes it; models saved before it decode unwhitened.
@Suite struct PCAWhiteningTests {
    @Test(arguments: PCA.Solver.allCases)
    func whitenedCoordinatesHaveUnitVariance(solver: PCA.Solver) throws {
        let x = try FeatureTestDigits.hogFeatures()
        let plain = try PCA(components: 5, solver: solver).fit(x)
        let white = try PCA(components: 5, solver: solver, whiten: true).fit(x)
        let z = try white.transform(x), y = try plain.transform(x)
        let n = Double(z.rows - 1)
        let covariance = try Matrix.product(z, transposed: true, z).map { $0 / n }
        #expect(covariance.maxAbsDifference(.identity(5)) < 1e-10)
        for k in 0..<5 {
            let scale = plain.explainedVariance[k].squareRoot()
            for i in stride(from: 0, to: z.rows, by: 97) { #expect(abs(z[i, k] * scale - y[i, k]) < 1e-10) }
        }
        #expect(try white.inverseTransform(z).maxAbsDifference(try plain.inverseTransform(y)) < 1e-10)
        #expect(white.components == plain.components && white.whiten && !plain.whiten)
    }

    @Test func modelsAndConfigurationsFromBeforeDecodeUnwhitened() throws {
        let x = try FeatureTestDigits.hogFeatures()
        let model = try PCA(components: 2, whiten: true).fit(x)
        func without(_ data: Data) -> Data {
            Data(String(decoding: data, as: UTF8.self)
                .replacingOccurrences(of: #","whiten":true"#, with: "").replacingOccurrences(of: #""whiten":true,"#, with: "").utf8)
        }
        let old = try JSONDecoder().decode(PCAModel.self, from: without(try JSONEncoder().encode(model)))
        #expect(!old.whiten && old.components == model.components)
        #expect(try JSONDecoder().decode(PCAModel.self, from: try JSONEncoder().encode(model)) == model)
        let config = try JSONDecoder().decode(PCA.self, from: without(try JSONEncoder().encode(try PCA(components: 2, whiten: true))))
        #expect(!config.whiten && config.components == 2)
    }
}

/// Past 65,536 rows PCA fits and projects block by block (never a centred copy of the whole
/// input); the result equals the one-block computation to rounding.
@Suite struct PCABlockTests {
    @Test func blockedFitAndTransformMatchOneBlock() throws {
        var rng = RandomStream(seed: 4)
        let x = Matrix<Double>(rows: 70_000, columns: 6) { _, j in rng.nextNormal() * Double(j + 1) + Double(j) }
        let model = try PCA(components: 3, solver: .covarianceEigen).fit(x)
        let svd = try PCA(components: 3, solver: .svd).fit(x)
        #expect(model.components.maxAbsDifference(svd.components) < 1e-8)
        #expect(zip(model.explainedVariance, svd.explainedVariance).allSatisfy { abs($0 - $1) < 1e-8 * $1 })
        let z = try model.transform(x)
        let direct = try Matrix.product(x.map { $0 }.centredColumns(model.mean), transposed: false, model.components, transposed: true)
        #expect(z.rows == 70_000 && z.maxAbsDifference(direct) < 1e-10)
    }

    /// Wide rows make smaller blocks (at most 8 M values, so a block's copy stays near 64 MB beside
    /// a 68,000 x 3,600 input): 2,900 columns give blocks of 2,892 rows, and the blocked scatter
    /// and projection still give each component its variance and the total its sum.
    @Test func wideRowsAreBlockedByValues() throws {
        var rng = RandomStream(seed: 5)
        let x = Matrix<Double>(rows: 2_900, columns: 2_900) { _, j in rng.nextNormal() * (1 + Double(j % 7)) + Double(j % 3) }
        let model = try PCA(components: 3, solver: .covarianceEigen).fit(x)
        let z = try model.transform(x)
        let direct = try Matrix.product(x.centredColumns(model.mean), transposed: false, model.components, transposed: true)
        #expect(z.maxAbsDifference(direct) < 1e-9)
        let variances = z.variance(axis: .rows, ddof: 1).elements
        for k in 0..<3 { #expect(isClose(variances[k], model.explainedVariance[k], relative: 1e-9)) }
        let total = x.variance(axis: .rows, ddof: 1).elements.reduce(0, +)
        #expect(isClose(model.totalVariance, total, relative: 1e-10))
    }
}

private extension Matrix where Scalar == Double {
    func centredColumns(_ mean: [Double]) -> Matrix<Double> {
        Matrix(rows: rows, columns: columns) { i, j in self[i, j] - mean[j] }
    }
}

import AlmagestCore
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

@Suite struct PowerTransformerTests {
    /// The fit rows of a fixture case: the first 2000 MAGIC rows, or all of them.
    static func fitRows(_ fit: PowerTransformFixture.Fit) throws -> Matrix<Double> {
        let magic = try MagicGamma.dataset().features
        let x = magic.rows(at: 0..<fit.nFitRows)
        #expect(x.rows(at: 0..<20).rowArrays == fit.inputRows0_19, "MAGIC parsed differently from the fixture")
        return x
    }

    /// scikit-learn's Yeo-Johnson and Box-Cox on MAGIC (first 2000 rows, all rows), every column
    /// (Box-Cox: the strictly positive ones). Found independently: λ to 1e-6 of `lambdas_` (and
    /// 1e-9 of `lambdas_refined`, the exact optimum, which we reach), the log-likelihood at our λ
    /// at least scikit-learn's, standardised outputs of rows 0..<20 to 1e-6 (they have unit
    /// variance; the difference is scikit-learn's own λ error, about 1e-7), the unstandardised
    /// ones to 1e-6 relative. With scikit-learn's `lambdas_` given: outputs to 1e-9.
    @Test(arguments: [0, 1])
    func matchesScikitLearn(_ index: Int) throws {
        let fixture = try PowerTransformFixture.loaded.get()
        let fit = fixture.fits[index]
        let x = try Self.fitRows(fit)
        for (method, reference) in [(PowerTransformer.Method.yeoJohnson, fit.yeoJohnson), (.boxCox, fit.boxCox)] {
            let columns = reference.columnIndices ?? Array(0..<x.columns)
            let data = x.columns(at: columns)
            let model = try PowerTransformer(method: method).fit(data)
            let lambdaError = zip(model.lambdas, reference.lambdas).map { abs($0 - $1) }.max()!
            let refinedError = zip(model.lambdas, reference.lambdasRefined).map { abs($0 - $1) }.max()!
            #expect(lambdaError < 1e-6, "\(fit.name) \(method): λ differ by \(lambdaError)")
            #expect(refinedError < 1e-9, "\(fit.name) \(method): λ differ from the exact optimum by \(refinedError)")
            for (j, lambda) in model.lambdas.enumerated() {
                let ours = PowerTransformer.logLikelihood(data.column(j), lambda: lambda, method: method)
                #expect(ours >= reference.logLikelihoodAtLambdas[j] - 1e-9 * abs(ours), "\(fit.name) \(method) column \(j)")
            }
            let scaler = try #require(model.scaler)
            #expect(largestRelativeError([scaler.mean, scaler.scale],
                                         [reference.standardizerMean, reference.standardizerScale]) < 1e-5)
            let rows = data.rows(at: reference.transformedRows)
            let transformed = try model.transform(rows).rowArrays
            let error = largestRelativeError(transformed, reference.transformedValues, floor: 1)
            #expect(error < 1e-6, "\(fit.name) \(method): standardised values differ by \(error)")
            let unstandardized = try PowerTransformer(method: method, standardize: false).fit(data).transform(rows).rowArrays
            let unstandardizedError = largestRelativeError(unstandardized, reference.unstandardizedValues)
            #expect(unstandardizedError < 1e-6, "\(fit.name) \(method): unstandardised values differ by \(unstandardizedError)")

            let given = PowerTransformerModel(method: method, lambdas: reference.lambdas, scaler: nil)
            let givenScaler = try StandardScaler().fit(given.transform(data))
            let exact = PowerTransformerModel(method: method, lambdas: reference.lambdas, scaler: givenScaler)
            let givenError = largestRelativeError(try exact.transform(rows).rowArrays, reference.transformedValues, floor: 1)
            #expect(givenError < 1e-9, "\(fit.name) \(method): with scikit-learn's λ, values differ by \(givenError)")
            print("power transform \(fit.name) \(method): max |Δλ| \(lambdaError) (vs exact optimum \(refinedError)), max Δ standardised \(error), max relative Δ unstandardised \(unstandardizedError), with given λ \(givenError)")
        }
    }

    /// The other scalers of the fixture, on the same rows.
    @Test(arguments: [0, 1])
    func scalersMatchScikitLearn(_ index: Int) throws {
        let fit = try PowerTransformFixture.loaded.get().fits[index]
        let x = try Self.fitRows(fit)
        let robust = try RobustScaler().fit(x)
        #expect(largestRelativeError([robust.center, robust.scale], [fit.robustScaler.center, fit.robustScaler.scale]) < 1e-12)
        let minMax = try MinMaxScaler().fit(x)
        #expect(minMax.dataMin == fit.minmaxScaler.dataMin && minMax.dataMax == fit.minmaxScaler.dataMax)
    }

    @Test func inverseTransformRoundTrips() throws {
        let x = try Matrix([[0.5, -3, 2], [4, 0, 7], [1.5, 2, 0.1], [9, -1, 3], [2, 5, 12]])
        for method in PowerTransformer.Method.allCases {
            let data = method == .boxCox ? x.map { abs($0) + 0.5 } : x
            for standardize in [true, false] {
                let model = try PowerTransformer(method: method, standardize: standardize).fit(data)
                let back = try model.inverseTransform(model.transform(data))
                #expect(back.maxAbsDifference(data) < 1e-9, "\(method) standardize \(standardize)")
            }
        }
    }

    /// Box-Cox refuses a non-positive value with a typed error naming its row, column and value.
    @Test func boxCoxRefusesNonPositiveValues() throws {
        let x = try Matrix([[1.0, 2], [3, -0.5], [2, 4]])
        let error = #expect(throws: FitError.self) { try PowerTransformer(method: .boxCox).fit(x) }
        #expect(error == .outOfDomain(what: "Box-Cox input", row: 1, column: 1, value: -0.5,
                                      expected: "strictly positive values (Yeo-Johnson accepts zeros and negative values)"))
        #expect(error.map { "\($0)" }?.contains("row 1, column 1") == true)
        let model = try PowerTransformer(method: .boxCox).fit(x.map { abs($0) })
        #expect(throws: FitError.self) { try model.transform(try Matrix([[1.0, 0]])) }
    }

    /// Huge values and steep likelihoods: the log-variance is computed in logs, so the search
    /// stays finite where evaluating the transform directly would overflow.
    @Test func largeValuesDoNotOverflow() throws {
        let values: [Double] = (0..<200).map { i in exp(Double(i) / 8) }   // up to e^25 ≈ 7e10
        let x = try Matrix(rows: values.count, columns: 1, elements: values)
        for method in PowerTransformer.Method.allCases {
            let model = try PowerTransformer(method: method).fit(x)
            #expect(model.lambdas[0].isFinite && abs(model.lambdas[0]) < 1)
            #expect(try model.transform(x).isFinite)
            // At λ = 40 the transform of e^25 is e^1000: far past Double, yet the likelihood is finite.
            let ll = PowerTransformer.logLikelihood(values, lambda: 40, method: method)
            #expect(ll.isFinite)
        }
        let logVariance = PowerTransformer.logLikelihood([1e300, 2e300, 3e300], lambda: 3, method: .boxCox)
        #expect(logVariance.isFinite)
    }

    @Test func constantColumnKeepsLambdaOne() throws {
        let x = try Matrix([[1.0, 3], [2, 3], [4, 3]])
        let model = try PowerTransformer().fit(x)
        let z = try model.transform(x)
        #expect(model.lambdas[1] == 1 && z.isFinite)
    }
}

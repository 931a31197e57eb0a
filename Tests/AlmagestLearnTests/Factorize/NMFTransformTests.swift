import AlmagestCore
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

/// Fits through the `Factorizer` protocol only, as generic code (a pipeline, a benchmark) would.
private func fitThroughProtocol<F: Factorizer>(_ factorizer: F, _ a: Matrix<Double>) throws -> F.Model {
    try factorizer.fit(a)
}

@Suite("NMF transform")
struct NMFTransformTests {
    static let config = NMF(rank: 4, initialization: .nndsvda, stopping: NMFStopping(maxIterations: 300),
                            tracking: NMFTracking(every: 0))

    @Test func badInputIsRefusedWithTypedErrors() throws {
        let model = try Self.config.fit(lowRankData())
        let x = lowRankData(rows: 10, seed: 8)
        #expect(throws: FitError.featureCountMismatch(expected: 30, got: 29)) {
            try model.transform(x.view(columns: 0..<29).materialized())
        }
        #expect(throws: FitError.emptyInput(what: "NMF transform input", rows: 0, columns: 30)) {
            try model.transform(Matrix(rows: 0, columns: 30))
        }
        var nan = x
        nan[4, 7] = .nan
        #expect(throws: FitError.self) { try model.transform(nan) }
        var infinite = x
        infinite[9, 29] = .infinity
        #expect(throws: FitError.nonFinite(what: "NMF transform input", row: 9, column: 29, value: .infinity)) {
            try model.transform(infinite)
        }
        var negative = x
        negative[2, 3] = -0.5
        do {
            _ = try model.transform(negative)
            Issue.record("a negative entry was accepted")
        } catch let error as FitError {
            #expect("\(error)".contains("row 2, column 3") && "\(error)".contains("-0.5") && "\(error)".contains("non-negative"))
        }
        #expect(throws: FitError.self) { try model.coefficients(of: x, maxIterations: 0) }
        #expect(throws: FitError.self) { try model.coefficients(of: x, tolerance: -1) }
        #expect(throws: FitError.self) { try model.coefficients(of: x, tolerance: .nan) }
        #expect(throws: ShapeError.self) { try model.reconstruction(of: Matrix(rows: 2, columns: 3)) }
    }

    @Test func coefficientsAreNonNegativeAndTheErrorNeverRises() throws {
        let model = try Self.config.fit(lowRankData())
        let x = lowRankData(rows: 25, seed: 11)
        var previous = Double.infinity
        for iterations in stride(from: 5, through: 100, by: 5) {
            let result = try model.coefficients(of: x, maxIterations: iterations, tolerance: 0)
            #expect(result.iterations == iterations && !result.hasConverged)
            #expect(result.w.rows == 25 && result.w.columns == 4 && result.w.elements.allSatisfy { $0 >= 0 })
            let direct = try (x - model.reconstruction(of: result.w)).frobeniusNorm()
            #expect(isClose(result.error, direct, relative: 1e-9), "\(result.error) vs \(direct)")
            #expect(result.error <= previous * (1 + 1e-12), "\(iterations) iterations: \(result.error) > \(previous)")
            previous = result.error
        }
    }

    @Test func toleranceStopsOnAMultipleOfTen() throws {
        let model = try Self.config.fit(lowRankData())
        let result = try model.coefficients(of: lowRankData(rows: 25, seed: 11), maxIterations: 5000, tolerance: 1e-3)
        #expect(result.hasConverged && result.iterations < 5000 && result.iterations % 10 == 0)
    }

    @Test func trainingRowsAreReconstructedAtLeastAsWellAsByTheFit() throws {
        let a = lowRankData()
        let model = try Self.config.fit(a)
        let result = try model.coefficients(of: a, maxIterations: 3000, tolerance: 0)
        let fitted = (model.relativeError * a.squaredNorm()).squareRoot()
        // H fixed, the problem in W is convex: the optimum is no worse than the fit's own W.
        #expect(result.error <= fitted * 1.001, "\(result.error) vs \(fitted)")
        #expect(maxAbsDiff(try model.reconstruction(of: model.w), model.reconstruction()) < 1e-12)
    }

    @Test func zeroRowsGetZeroCoefficients() throws {
        let model = try Self.config.fit(lowRankData())
        var x = lowRankData(rows: 6, seed: 12)
        for j in 0..<x.columns { x[3, j] = 0 }
        let w = try model.transform(x)
        #expect((0..<4).allSatisfy { w[3, $0] == 0 })
        #expect((0..<4).contains { w[2, $0] > 0 })
        #expect(try model.transform(Matrix(rows: 2, columns: 30)) == Matrix(rows: 2, columns: 4))
    }

    @Test func floatTwinMatchesDouble() throws {
        let a = lowRankData()
        let double = try Self.config.fit(a)
        let single = try Self.config.fit(a.converted(to: Float.self))
        let x = lowRankData(rows: 12, seed: 13)
        let wd = try double.transform(x), ws = try single.transform(x.converted(to: Float.self))
        let ed = try (x - double.reconstruction(of: wd)).frobeniusNorm()
        let es = Double(try (x.converted(to: Float.self) - single.reconstruction(of: ws)).frobeniusNorm())
        #expect(abs(ed - es) < 1e-3 * ed, "\(ed) vs \(es)")
    }

    @Test func deepModelsGiveCoefficientsAgainstTheFinalH() throws {
        let a = lowRankData()
        let deep = NMF(rank: 4, method: .deep(DeepNMF(innerRanks: [6], loss: .global(l1: 0))), initialization: .nndsvda,
                       stopping: NMFStopping(maxIterations: 300), tracking: NMFTracking(every: 0))
        let model = try deep.fit(a)
        let result = try model.coefficients(of: a, maxIterations: 3000, tolerance: 0)
        #expect(result.w.rows == a.rows && result.w.columns == 4 && result.w.elements.allSatisfy { $0 >= 0 })
        let fitted = (model.relativeError * a.squaredNorm()).squareRoot()
        #expect(result.error <= fitted * 1.001, "\(result.error) vs \(fitted)")
    }

    @Test func nmfIsAFactorizer() throws {
        let a = lowRankData()
        let model = try fitThroughProtocol(Self.config, a)
        #expect(model == (try Self.config.fit(a)))
        #expect(model.w.shape == [40, 4] && model.h.shape == [4, 30] && model.reconstruction().shape == [40, 30])
        let codes = try model.transform(lowRankData(rows: 7, seed: 14))
        #expect(codes.shape == [7, 4])
    }
}

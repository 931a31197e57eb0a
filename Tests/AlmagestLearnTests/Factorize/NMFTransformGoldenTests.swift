import AlmagestCore
@testable import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

/// `NMFModel.transform` against scikit-learn 1.9.1's `NMF.transform` (solver='mu'), and the
/// Kullback–Leibler multiplicative updates against an independent NumPy implementation
/// (`nmf_transform_kl.json`, from `Tests/Reference/make_nmf_transform_reference.py`).
@Suite("NMF transform and KL golden values (nmf_transform_kl.json)")
struct NMFTransformGoldenTests {
    /// A model holding scikit-learn's fitted H (W is not used by `transform`).
    static func model(h: Matrix<Double>) -> NMFModel<Double> {
        NMFModel(w: Matrix(rows: 1, columns: h.rows), h: h, layers: [],
                 history: NMFHistory(points: [], stopReason: .maxIterations), iterations: 0, relativeError: 0)
    }

    @Test func transformDataMatchFixture() throws {
        let fixture = try NMFTransformFixture.shared()
        let data = fixture.transform.object("data")!
        #expect(fixture.transformRows.rows == 100 && fixture.transformRows.columns == 784)
        #expect(isClose(fixture.transformRows.squaredNorm(), data.double("sum_of_squares")!, relative: 1e-12))
    }

    @Test(arguments: 0..<4)
    func transformMatchesScikitLearn(caseIndex: Int) throws {
        let fixture = try NMFTransformFixture.shared()
        let section = fixture.transform
        let reference = section.objects("cases")![caseIndex]
        let model = Self.model(h: try NMFTransformFixture.matrix(section, "H"))
        let result = try model.coefficients(
            of: fixture.transformRows, maxIterations: reference.int("max_iter")!, tolerance: reference.double("tol")!)
        let expected = try NMFTransformFixture.matrix(reference, "W")
        #expect(result.iterations == reference.int("n_iter")!)
        let (relative, absolute) = maxRelativeDifference(result.w, expected)
        // Reached 1e-13 (OpenBLAS 0.3, x86-64); the margin covers other GEMM kernels.
        #expect(relative < 1e-11 && absolute < 1e-14, "max relative difference \(relative), absolute \(absolute)")
        #expect(isClose(result.error, reference.double("error")!, relative: 1e-12), "\(result.error)")
        #expect(result.hasConverged == (reference.double("tol")! > 0 && result.iterations < reference.int("max_iter")!))
        if caseIndex == 0 { #expect(try model.transform(fixture.transformRows) == result.w) }
    }

    @Test func klUpdatesMatchNumPy() throws {
        let fixture = try NMFTransformFixture.shared()
        let kl = fixture.kl
        let a = fixture.klRows
        let data = kl.object("data")!
        #expect(a.sum() == data.double("sum")! && a.squaredNorm() == data.double("sum_of_squares")!)
        let iterations = kl.int("iterations")!
        let config = NMF(
            rank: kl.int("rank")!, method: .multiplicative(loss: .kullbackLeibler),
            stopping: NMFStopping(maxIterations: iterations), tracking: NMFTracking(every: 1, spectrum: false))
        let model = try config.fit(
            a, w0: try NMFTransformFixture.matrix(kl, "W0"), h0: try NMFTransformFixture.matrix(kl, "H0"))
        #expect(model.iterations == iterations && model.history.points.count == iterations + 1)

        let divergences = kl.doubles("divergence")!, errors = kl.doubles("relative_squared_error")!
        var worstDivergence = 0.0, worstError = 0.0
        for (i, point) in model.history.points.enumerated() {
            #expect(point.iteration == i)
            worstDivergence = max(worstDivergence, abs(point.objective - divergences[i]) / divergences[i])
            worstError = max(worstError, abs(point.relativeError - errors[i]) / errors[i])
        }
        let w = maxRelativeDifference(model.w, try NMFTransformFixture.matrix(kl, "W_final"))
        let h = maxRelativeDifference(model.h, try NMFTransformFixture.matrix(kl, "H_final"))
        #expect(worstDivergence < 1e-12, "largest relative divergence difference \(worstDivergence)")
        #expect(worstError < 1e-12, "largest relative difference of ‖A − WH‖²/‖A‖² \(worstError)")
        // Reached 4e-14; divergences 4e-15.
        #expect(w.relative < 1e-12 && w.absolute < 1e-14, "W: \(w)")
        #expect(h.relative < 1e-12 && h.absolute < 1e-14, "H: \(h)")
        // scikit-learn's beta divergence (beta = 1) of the final factors: the same formula.
        #expect(isClose(model.history.points.last!.objective, kl.double("sklearn_beta_divergence_final")!, relative: 1e-12))
    }
}

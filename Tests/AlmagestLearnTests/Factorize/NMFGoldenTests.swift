import AlmagestCore
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

@Suite("NMF golden values (nmf_mu.json)")
struct NMFGoldenTests {
    let fixture = NMFFixture.shared

    @Test func dataMatchesFixture() {
        #expect(isClose(fixture.x.squaredNorm(), fixture.section("data").double("sum_of_squares")!, relative: 1e-12))
    }

    @Test func leeSeungReproducesAllIterations() throws {
        let mu = fixture.section("mu")
        let w0 = NMFFixture.matrix(mu.rows("W0")!), h0 = NMFFixture.matrix(mu.rows("H0")!)
        let config = NMF(
            rank: 10, method: .multiplicative(), stopping: NMFStopping(maxIterations: 50),
            tracking: NMFTracking(every: 1, spectrum: false))
        let model = try config.fit(fixture.x, w0: w0, h0: h0)
        let expected = mu.doubles("relative_error_all_iterations")!
        let errors = model.history.points.dropFirst().map(\.relativeError)
        #expect(errors.count == 50)
        for (i, (got, want)) in zip(errors, expected).enumerated() {
            #expect(isClose(got, want, relative: 1e-10), "iteration \(i + 1): \(got) vs \(want)")
        }
        #expect(maxAbsDiff(model.w, NMFFixture.matrix(mu.rows("W_final")!)) < 1e-8)
        #expect(maxAbsDiff(model.h, NMFFixture.matrix(mu.rows("H_final")!)) < 1e-8)
        #expect(model.stopReason == .maxIterations && model.iterations == 50)
        // Zero pixel columns become exactly 0 in H after the first update.
        for j in 0..<5 { for k in 0..<10 { #expect(model.h[k, j] == 0) } }
    }

    @Test func nndsvdMatchesExactSVDStart() throws {
        let ref = fixture.section("nndsvd_exact_svd")
        let (w, h) = try NNDSVD.start(for: fixture.x, rank: 10)
        #expect(maxAbsDiff(w, NMFFixture.matrix(ref.rows("W_init")!)) < 1e-9)
        #expect(maxAbsDiff(h, NMFFixture.matrix(ref.rows("H_init")!)) < 1e-9)
        #expect(w.elements.filter { $0 == 0 }.count == ref.int("W_zero_count")!)
        #expect(h.elements.filter { $0 == 0 }.count == ref.int("H_zero_count")!)
    }

    @Test func scikitLearnConventionFromNNDSVD() throws {
        let ref = fixture.section("nndsvd_exact_svd").object("sklearn_mu_from_this_init")!
        let config = NMF(
            rank: 10, method: .multiplicative(convention: .scikitLearn), initialization: .nndsvd,
            stopping: NMFStopping(maxIterations: 200), tracking: NMFTracking(every: 0))
        let model = try config.fit(fixture.x)
        let error = (model.relativeError * fixture.x.squaredNorm()).squareRoot()
        #expect(isClose(error, ref.double("reconstruction_err_")!, relative: 1e-8), "\(error)")
        #expect(isClose(model.relativeError, ref.double("relative_squared_error")!, relative: 1e-8))
        let w0 = ref.doubles("W_row_0")!
        for k in 0..<10 { #expect(abs(model.w[0, k] - w0[k]) < 1e-6) }
        #expect(model.iterations == ref.int("n_iter_")!)
    }

    @Test func effectiveRankOfData() throws {
        let spectrum = fixture.section("spectrum")
        let s = try fixture.x.singularValues()
        let summary = SpectrumSummary(singularValues: s)
        #expect(isClose(summary.effectiveRank, spectrum.double("exponential_effective_rank")!, relative: 1e-10))
        #expect(isClose(summary.nuclearOverOperator, spectrum.double("nuclear_over_operator_norm")!, relative: 1e-10))
        #expect(isClose(SpectrumTracker.effectiveRank(of: spectrum.doubles("singular_values")!),
                        spectrum.double("exponential_effective_rank")!, relative: 1e-12))
    }
}

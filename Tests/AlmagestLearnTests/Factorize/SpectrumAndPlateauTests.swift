import AlmagestCore
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

@Suite("Spectrum tracking and plateaus")
struct SpectrumAndPlateauTests {
    @Test(arguments: [1, 3, 7])
    func coreSingularValuesMatchExactSVD(rank: Int) throws {
        var rng = RandomStream(seed: rank)
        let w: Matrix<Double> = rng.uniformMatrix(rows: 50, columns: rank)
        let h: Matrix<Double> = rng.uniformMatrix(rows: rank, columns: 35)
        let cheap = try SpectrumTracker.singularValuesOfProduct(w, h)
        let exact = try (try w * h).singularValues()
        #expect(cheap.count == rank)
        for i in 0..<rank { #expect(abs(cheap[i] - exact[i]) <= 1e-9 * exact[0], "σ\(i + 1)") }
        let a = SpectrumSummary(singularValues: cheap), b = SpectrumSummary(singularValues: exact)
        #expect(abs(a.effectiveRank - b.effectiveRank) < 1e-6)
        #expect(abs(a.nuclearOverOperator - b.nuclearOverOperator) < 1e-6)
    }

    @Test func summaryOfKnownSpectra() {
        #expect(isClose(SpectrumSummary(singularValues: [2, 2, 2, 2]).effectiveRank, 4, relative: 1e-12))
        #expect(isClose(SpectrumSummary(singularValues: [5, 0, 0]).effectiveRank, 1, relative: 1e-12))
        let s = SpectrumSummary(singularValues: [1, 3, 2])
        #expect(s.sigma1 == 3 && s.sigma2 == 2 && s.nuclearOverOperator == 2)
        #expect(SpectrumSummary(singularValues: [0, 0]).effectiveRank == 0)
    }

    @Test func plateausOfAStaircase() {
        // Steps of length 8, 6, 10 at heights 1, 2.5, 4 with small wiggles, joined by ramps.
        var series = [Double]()
        series += (0..<8).map { 1 + 0.01 * Double($0 % 2) }
        series += [1.5, 2.0]
        series += (0..<6).map { 2.5 - 0.01 * Double($0 % 3) }
        series += [3.0, 3.5]
        series += (0..<10).map { 4 + 0.005 * Double($0) }
        let detector = PlateauDetector(window: 5, tolerance: 0.05)
        #expect(detector.plateaus(in: series) == [0..<8, 10..<16, 18..<28])
        #expect(PlateauDetector(window: 7, tolerance: 0.05).plateaus(in: series) == [0..<8, 18..<28])
        #expect(PlateauDetector(window: 5, tolerance: 0.001).plateaus(in: series).isEmpty)
        #expect(detector.isOnPlateau(series))
        #expect(!detector.isOnPlateau(Array(series.prefix(18))))
        #expect(detector.plateaus(in: [1, 1, .nan, 1, 1, 1, 1, 1]) == [3..<8])
    }

    @Test func plateauValidation() {
        #expect(throws: FitError.self) { try PlateauDetector(window: 1, tolerance: 0.1).validate() }
        #expect(throws: FitError.self) { try PlateauDetector(window: 3, tolerance: -1).validate() }
    }
}

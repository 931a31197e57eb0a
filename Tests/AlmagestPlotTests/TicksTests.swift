import AlmagestPlot
import Foundation
import Testing

@Suite struct TicksTests {
    static func isNice(_ step: Double) -> Bool {
        let magnitude = pow(10, log10(step).rounded(.down))
        let f = (step / magnitude * 1000).rounded() / 1000
        return [1, 2, 5, 10].contains(f)
    }

    @Test(arguments: [
        (0.13, 0.87), (-3.2, 17.9), (0, 1), (1e-6, 3e-6), (-1e5, 2e5), (42, 42), (-7.5, -7.4), (0.999, 1001),
    ])
    func linearTicksAreNiceAndCoverTheRange(lo: Double, hi: Double) {
        let ticks = Ticks.linear(covering: lo, hi)
        #expect(ticks.count >= 2 && ticks.count <= 12)
        #expect(ticks.first! <= lo && ticks.last! >= hi)
        let step = ticks[1] - ticks[0]
        #expect(Self.isNice(step))
        for (a, b) in zip(ticks, ticks.dropFirst()) { #expect(abs((b - a) - step) <= step * 1e-9) }
        for t in ticks { #expect(abs(t / step - (t / step).rounded()) < 1e-6) }  // multiples of the step
    }

    @Test func linearExamples() {
        #expect(Ticks.linear(covering: 0.13, 0.87) == [0, 0.2, 0.4, 0.6000000000000001, 0.8, 1])
        #expect(Ticks.linear(covering: 0, 10) == [0, 2, 4, 6, 8, 10])
        #expect(Ticks.niceStep(span: 11, count: 5) == 2)
        #expect(Ticks.niceStep(span: 40, count: 5) == 10)
    }

    @Test func logarithmicTicksArePowersOfTenCoveringTheRange() {
        let wide = Ticks.logarithmic(covering: 0.003, 20_000)
        #expect(wide == [0.001, 0.01, 0.1, 1, 10, 100, 1000, 10_000, 100_000])
        let narrow = Ticks.logarithmic(covering: 0.03, 0.9)
        #expect(narrow.first! <= 0.03 && narrow.last! >= 0.9)
        #expect(narrow.contains(0.05) && narrow.contains(0.1) && narrow.contains(0.2))
    }

    @Test func labels() {
        #expect(Ticks.label(0.6000000000000001, step: 0.2) == "0.6")
        #expect(Ticks.label(0.1, step: 0.1) == "0.1")
        #expect(Ticks.label(-1e-17, step: 0.5) == "0")
        #expect(Ticks.label(250, step: 50) == "250")
        #expect(Ticks.label(2_000_000, step: 500_000) == "2e+06")
        #expect(Ticks.label(0.5, step: 0.01) == "0.50")
        #expect(Ticks.logLabel(0.01) == "0.01")
        #expect(Ticks.logLabel(1) == "1")
        #expect(Ticks.logLabel(1e6) == "1e+06")
    }

    @Test func logAxisMapsDecadesEvenly() {
        let axis = AxisMapping.fitted(to: [1, 1000], scale: .logarithmic, pixels: (0, 300))
        #expect(axis.domain == 1...1000)
        #expect(abs(axis.position(of: 10) - 100) < 1e-9)
        #expect(abs(axis.position(of: 100) - 200) < 1e-9)
    }
}

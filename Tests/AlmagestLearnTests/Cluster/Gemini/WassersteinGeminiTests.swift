import AlmagestCore
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

/// The Wasserstein GEMINI against gemclus 1.1.1 (`gemini_objectives.json`: exact transport on
/// Euclidean distances), the exact solver against the closed form of 1-D transport, and the
/// Sinkhorn variant against the exact one and against finite differences.
@Suite struct WassersteinGeminiTests {
    typealias Fixture = GeminiObjectiveTests.Fixture

    @Test(arguments: ["wasserstein_ova_euclidean", "wasserstein_ovo_euclidean"])
    func exactMatchesGemclus(_ name: String) throws {
        let f = try GeminiObjectiveTests.fixture.get()
        let o = try #require(f.objectives.first { $0.name == name })
        let x = try Matrix(f.inputs.X), y = try Matrix(f.inputs.Y)
        let objective = WassersteinGemini(ovo: o.params.ovo)
        let distances = WassersteinGemini.euclideanDistances(x)
        let (value, gradient) = try objective.evaluate(y, distances: distances)
        #expect(abs(value - o.value) < 1e-9, "\(name): \(value) vs \(o.value)")
        let hard = try objective.evaluate(try GeminiObjectiveTests.hard(f), distances: distances).value
        #expect(abs(hard - o.value_hard_assignment) < 1e-9, "\(name) hard: \(hard) vs \(o.value_hard_assignment)")
        var worstGemclus = 0.0, worstFD = 0.0
        for i in 0..<y.rows {
            for c in 0..<y.columns {
                worstGemclus = max(worstGemclus, abs(gradient[i, c] - o.gradient_gemclus[i][c]))
                worstFD = max(worstFD, abs(gradient[i, c] - o.gradient_central_fd[i][c]))
            }
        }
        #expect(worstGemclus < 1e-9, "\(name): gradient off gemclus's by \(worstGemclus)")
        #expect(worstFD < 1e-8, "\(name): gradient off finite differences by \(worstFD)")
    }

    /// On a line, the transport cost is ∫ |F_a − F_b| (difference of the cumulative masses).
    @Test func exactEqualsOneDimensionalClosedForm() throws {
        var random = RandomStream(seed: 7)
        let points = (0..<30).map { _ in Double.random(in: -3...3, using: &random) }.sorted()
        let a = Self.normalised((0..<30).map { _ in Double.random(in: 0.01...1, using: &random) })
        let b = Self.normalised((0..<30).map { _ in Double.random(in: 0.01...1, using: &random) })
        let cost = Matrix<Double>(rows: 30, columns: 30) { abs(points[$0] - points[$1]) }
        let solution = try ExactTransport().solve(a: a, b: b, cost: cost)
        var closed = 0.0, fa = 0.0, fb = 0.0
        for i in 0..<29 {
            fa += a[i]
            fb += b[i]
            closed += abs(fa - fb) * (points[i + 1] - points[i])
        }
        #expect(solution.optimal)
        #expect(abs(solution.cost - closed) < 1e-12, "\(solution.cost) vs \(closed)")
        let dual = zip(a, solution.u).reduce(0.0) { $0 + $1.0 * $1.1 } + zip(b, solution.v).reduce(0.0) { $0 + $1.0 * $1.1 }
        #expect(abs(dual - closed) < 1e-12, "dual \(dual) vs \(closed)")
    }

    /// Sinkhorn tends to the exact GEMINI as ε shrinks, and its gradient is exact for its own value.
    @Test(arguments: [false, true])
    func sinkhornApproachesExactWithExactGradient(ovo: Bool) throws {
        let f = try GeminiObjectiveTests.fixture.get()
        // The first 16 samples (debug builds are slow): Sinkhorn's iterations are O(n²) each.
        let x = try Matrix(Array(f.inputs.X.prefix(16))), y = try Matrix(Array(f.inputs.Y.prefix(16)))
        let distances = WassersteinGemini.euclideanDistances(x)
        let exact = try WassersteinGemini(ovo: ovo).evaluate(y, distances: distances).value
        let sinkhorn = WassersteinGemini(ovo: ovo, transport: .sinkhorn(regularization: 0.2))
        let (value, gradient) = try sinkhorn.evaluate(y, distances: distances)
        // Entropic bias: 0 ≤ W_ε − W ≤ ε log(n²) per problem, times Σ weights ≤ 1.
        #expect(value >= exact - 1e-9 && value - exact < 0.2 * 2 * Foundation.log(16.0), "\(value) vs exact \(exact)")
        let step = 1e-6
        for (i, c) in [(0, 0), (15, 2)] {
            var plus = y, minus = y
            plus[i, c] += step
            minus[i, c] -= step
            let fd = (try sinkhorn.evaluate(plus, distances: distances).value - sinkhorn.evaluate(minus, distances: distances).value) / (2 * step)
            #expect(abs(fd - gradient[i, c]) < 1e-7, "ovo \(ovo) at (\(i), \(c)): \(gradient[i, c]) vs \(fd)")
        }
    }

    @Test func badShapesThrow() throws {
        let y = Matrix<Double>(rows: 5, columns: 2, repeating: 0.5)
        #expect(throws: FitError.self) { try WassersteinGemini(ovo: false).evaluate(y, distances: Matrix(rows: 4, columns: 4)) }
        #expect(throws: FitError.self) { try SinkhornTransport(regularization: 0).solve(a: [1], b: [1], cost: Matrix(rows: 1, columns: 1)) }
        #expect(throws: FitError.self) { try ExactTransport().solve(a: [0.5, 0.5], b: [1], cost: Matrix(rows: 1, columns: 1)) }
    }

    static func normalised(_ v: [Double]) -> [Double] {
        let s = v.reduce(0, +)
        return v.map { $0 / s }
    }
}

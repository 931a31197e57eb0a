import AlmagestCore
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

/// The GEMINI objectives against gemclus 1.1.1 (`gemini_objectives.json`): values to 1e-9 on soft
/// and hard assignments, gradients against gemclus's and against central finite differences.
@Suite struct GeminiObjectiveTests {
    struct Fixture: Decodable {
        struct Inputs: Decodable {
            let X: [[Double]]
            let Y: [[Double]]
            let Y_hard_argmax: [Int]
        }
        struct Objective: Decodable {
            struct Params: Decodable {
                let gemini: String
                let ovo: Bool
                let kernel: String?
                let gamma: Double?
            }
            let name: String
            let params: Params
            let value: Double
            let value_hard_assignment: Double
            let gradient_gemclus: [[Double]]
            let gradient_central_fd: [[Double]]
        }
        let inputs: Inputs
        let objectives: [Objective]
    }

    static let fixture = Result { try Reference.decode(Fixture.self, from: "gemini_objectives.json") }

    static func hard(_ f: Fixture) throws -> Matrix<Double> {
        let k = f.inputs.Y[0].count
        return try Matrix(f.inputs.Y_hard_argmax.map { c in (0..<k).map { $0 == c ? 1.0 : 0.0 } })
    }

    @Test(arguments: ["mmd_ova_linear", "mmd_ovo_linear", "mmd_ova_rbf", "mmd_ovo_rbf"])
    func mmdMatchesGemclus(_ name: String) throws {
        let f = try Self.fixture.get()
        let o = try #require(f.objectives.first { $0.name == name })
        let x = try Matrix(f.inputs.X), y = try Matrix(f.inputs.Y)
        let objective = MMDGemini(ovo: o.params.ovo)
        let kernel: GeminiKernel = o.params.kernel == "rbf" ? .rbf(gamma: o.params.gamma) : .linear
        // The linear kernel both ways: through the features (no n x n matrix) and through its Gram matrix.
        let affinities: [MMDGemini.Affinity] = kernel == .linear
            ? [.features(x), .gram(try kernel.matrix(x, x))] : [.gram(try kernel.matrix(x, x))]
        for affinity in affinities {
            let (value, gradient) = try objective.evaluate(y, affinity: affinity)
            #expect(abs(value - o.value) < 1e-9, "\(name): \(value) vs \(o.value)")
            let hard = try objective.evaluate(try Self.hard(f), affinity: affinity).value
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
    }

    /// The other kernels' gradients against our own central differences (no fixture has them).
    @Test(arguments: [GeminiKernel.polynomial(degree: 3, gamma: nil, coef0: 1), .sigmoid(gamma: 0.2, coef0: 0.5)], [false, true])
    func otherKernelsHaveExactGradients(kernel: GeminiKernel, ovo: Bool) throws {
        let f = try Self.fixture.get()
        let x = try Matrix(f.inputs.X), y = try Matrix(f.inputs.Y)
        let affinity = MMDGemini.Affinity.gram(try kernel.matrix(x, x))
        let objective = MMDGemini(ovo: ovo)
        let gradient = try objective.evaluate(y, affinity: affinity).gradient
        let step = 1e-6
        for (i, c) in [(0, 0), (7, 1), (39, 2), (20, 1)] {
            var plus = y, minus = y
            plus[i, c] += step
            minus[i, c] -= step
            let fd = (try objective.evaluate(plus, affinity: affinity).value - objective.evaluate(minus, affinity: affinity).value) / (2 * step)
            #expect(abs(fd - gradient[i, c]) < 1e-7 * max(1, abs(fd)), "\(kernel) ovo \(ovo) at (\(i), \(c)): \(gradient[i, c]) vs \(fd)")
        }
    }
}

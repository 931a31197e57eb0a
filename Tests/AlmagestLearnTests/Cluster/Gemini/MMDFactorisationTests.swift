import AlmagestCore
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

/// The linear-kernel MMD computed through the features (no n x n matrix) equals the one computed
/// from the full Gram matrix X Xᵀ, value and gradient, to 1e-10 (an independent computation).
@Suite struct MMDFactorisationTests {
    @Test(arguments: [false, true])
    func featuresEqualGram(ovo: Bool) throws {
        var random = RandomStream(seed: 11)
        let n = 120, d = 7, k = 4
        let x = Matrix<Double>(rows: n, columns: d) { _, _ in Double.random(in: -2...2, using: &random) }
        let logits = Matrix<Double>(rows: n, columns: k) { _, _ in Double.random(in: -2...2, using: &random) }
        let y = Matrix<Double>(rows: n, columns: k) { i, c in
            let total = (0..<k).reduce(0.0) { $0 + Foundation.exp(logits[i, $1]) }
            return Foundation.exp(logits[i, c]) / total
        }
        let objective = MMDGemini(ovo: ovo)
        let factorised = try objective.evaluate(y, affinity: .features(x))
        let gram = try Matrix.product(x, transposed: false, x, transposed: true)
        let full = try objective.evaluate(y, affinity: .gram(gram))
        #expect(abs(factorised.value - full.value) < 1e-10, "\(factorised.value) vs \(full.value)")
        var worst = 0.0
        for i in 0..<n { for c in 0..<k { worst = max(worst, abs(factorised.gradient[i, c] - full.gradient[i, c])) } }
        #expect(worst < 1e-10, "gradients differ by \(worst)")
    }
}

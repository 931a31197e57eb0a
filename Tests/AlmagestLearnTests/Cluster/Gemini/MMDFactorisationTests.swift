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

    /// The single-precision Gram matrix (the full-batch default with exact kernels) gives the
    /// double-precision value and gradient to about 1e-6 relative, on an RBF kernel.
    @Test(arguments: [false, true])
    func singlePrecisionGramIsClose(ovo: Bool) throws {
        var random = RandomStream(seed: 12)
        let n = 200, d = 5, k = 4
        let x = Matrix<Double>(rows: n, columns: d) { _, _ in Double.random(in: -2...2, using: &random) }
        let y = Matrix<Double>(rows: n, columns: k) { _, _ in Double.random(in: 0.05...1, using: &random) }
        let rows = (0..<n).map { i in (0..<k).reduce(0.0) { $0 + y[i, $1] } }
        let p = Matrix<Double>(rows: n, columns: k) { i, c in y[i, c] / rows[i] }
        let gram = Matrix<Double>(rows: n, columns: n) { i, j in
            Foundation.exp(-0.3 * (0..<d).reduce(0.0) { $0 + (x[i, $1] - x[j, $1]) * (x[i, $1] - x[j, $1]) })
        }
        let objective = MMDGemini(ovo: ovo)
        let double = try objective.evaluate(p, affinity: .gram(gram))
        let single = try objective.evaluate(p, affinity: .singlePrecisionGram(gram.converted(to: Float.self)))
        #expect(double.value > 0 && abs(single.value - double.value) <= 1e-5 * double.value, "\(single.value) vs \(double.value)")
        var worst = 0.0, largest = 0.0
        for i in 0..<n {
            for c in 0..<k {
                worst = max(worst, abs(single.gradient[i, c] - double.gradient[i, c]))
                largest = max(largest, abs(double.gradient[i, c]))
            }
        }
        #expect(largest > 0 && worst <= 1e-4 * largest, "gradients differ by \(worst) (largest \(largest))")
    }
}

import AlmagestCore
@testable import AlmagestNeural
import Testing

/// Central finite-difference check of every input's gradient.
///
/// The scalar checked is sum(f(x) * r) for fixed random weights r (so that, e.g., softmax's rows
/// summing to one do not hide errors); it is accumulated in Double to keep Float rounding out of
/// the differences. Returns the largest deviation relative to max(1, |analytic|, |numeric|).
func gradientError(_ inputs: [Tensor], step: Float = 1e-2, seed: Int = 99,
                   _ f: ([Tensor]) throws -> Tensor) throws -> Double {
    for x in inputs { x.requiresGradient = true; x.zeroGradient() }
    let out = try f(inputs)
    let weights = Tensor.randomUniform(out.shape, in: -1...1, seed: seed)
    try (out * weights).sum().backward()
    let analytic = inputs.map { $0.gradient ?? [Float](repeating: 0, count: $0.count) }
    func value() throws -> Double {
        let y = try Tensor.withoutGradient { try f(inputs) }
        return zip(y.data, weights.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
    }
    var worst = 0.0
    for (t, x) in inputs.enumerated() {
        for i in 0..<x.count {
            let original = x.data[i]
            x.data[i] = original + step
            let plus = try value()
            x.data[i] = original - step
            let minus = try value()
            x.data[i] = original
            let numeric = (plus - minus) / (2 * Double(step))
            let a = Double(analytic[t][i])
            worst = max(worst, abs(a - numeric) / max(1, abs(a), abs(numeric)))
        }
    }
    return worst
}

/// A tensor of uniform values in `range`, seeded.
func random(_ shape: [Int], _ range: ClosedRange<Float> = -1...1, seed: Int = 1) -> Tensor {
    Tensor.randomUniform(shape, in: range, seed: seed)
}

import AlmagestCore
import Foundation
import Testing

/// The shared Adam step against values worked out by hand (β₁ = 0.5, β₂ = 0.75 keep the
/// corrections simple: c₁ = 0.5, 0.75 and c₂ = 0.25, 0.4375 at steps 1 and 2).
struct AdamUpdateTests {
    /// Runs `steps` Adam steps with a fixed gradient; returns weights and both moments.
    func run<S: BinaryFloatingPoint & Sendable>(
        _ w: [S], gradient: [S], steps: Int, learningRate: S = 0.1, beta1: S = 0.5, beta2: S = 0.75, epsilon: S = 1e-8,
        weightDecay: WeightDecay<S> = .none, projection: ParameterProjection = .none
    ) -> (w: [S], m: [S], v: [S]) {
        var w = w, m = [S](repeating: 0, count: w.count), v = m
        for t in 1...steps {
            var c1: S = 1, c2: S = 1
            for _ in 0..<t { c1 *= beta1; c2 *= beta2 }
            let update = AdamUpdate(
                learningRate: learningRate, stepSize: learningRate / (1 - c1), rootSecondCorrection: (1 - c2).squareRoot(),
                beta1: beta1, beta2: beta2, epsilon: epsilon, weightDecay: weightDecay, projection: projection)
            gradient.withUnsafeBufferPointer { g in
                w.withUnsafeMutableBufferPointer { pw in
                    m.withUnsafeMutableBufferPointer { pm in
                        v.withUnsafeMutableBufferPointer { pv in
                            update.apply(to: pw, gradient: g, firstMoment: pm, secondMoment: pv)
                        }
                    }
                }
            }
        }
        return (w, m, v)
    }

    @Test func firstStepMovesByTheLearningRate() {
        // m = 0.5·0.5 = 0.25, v = 0.25·0.25 = 0.0625; m̂ = 0.25 / 0.5 = 0.5, √v̂ = √(0.0625 / 0.25) = 0.5,
        // so w = 1 − 0.1 · 0.5 / 0.5 = 0.9 (ε = 0: exact).
        let (w, m, v) = run([1.0], gradient: [0.5], steps: 1, epsilon: 0)
        #expect(w == [0.9] && m == [0.25] && v == [0.0625])
    }

    @Test func twoStepsWithAConstantGradient() {
        // Step 2: m = 0.5·m + 0.5·g = 0.75 g, v = 0.75·v + 0.25·g² = 0.4375 g², so m̂ = g and √v̂ = |g|:
        // each step moves by lr·sign(g) (less ε): w = 1 − 0.2 and −2 − 0.2.
        let (w, m, v) = run([1.0, -2], gradient: [0.5, 0.25], steps: 2)
        #expect(m == [0.375, 0.1875] && v == [0.109375, 0.02734375])
        #expect(abs(w[0] - 0.8) < 1e-7 && abs(w[1] - -2.2) < 1e-7)
    }

    @Test func l2DecayEntersTheGradient() {
        // Step 1: g = 0.5 + 0.1·1 = 0.6 and 0.25 + 0.1·(−2) = 0.05; the first step is still lr·sign(g):
        // w = 0.9 and −2.1. Step 2: g = 0.5 + 0.09 = 0.59, m = 0.3 + 0.295 = 0.595 ... as computed in full:
        let (w, m, _) = run([1.0, -2], gradient: [0.5, 0.25], steps: 2, weightDecay: .l2(0.1))
        #expect(abs(m[0] - 0.445) < 1e-9 && abs(m[1] - 0.0325) < 1e-9)
        #expect(abs(w[0] - 0.8001637211035498) < 1e-12 && abs(w[1] - -2.197244161082569) < 1e-12)
    }

    @Test func decoupledDecayShrinksTheWeightsOnly() {
        // w ← (1 − lr·λ) w = 0.99 w before each step; the moments are those without decay.
        // w = 0.99 (0.99·1 − 0.1) − 0.1 = 0.7811, and 0.99 (0.99·(−2) − 0.1) − 0.1 = −2.1592 (less ε).
        let (w, m, v) = run([1.0, -2], gradient: [0.5, 0.25], steps: 2, weightDecay: .decoupled(0.1))
        #expect(m == [0.375, 0.1875] && v == [0.109375, 0.02734375])
        #expect(abs(w[0] - 0.7811) < 1e-7 && abs(w[1] - -2.1592) < 1e-7)
    }

    @Test func nonNegativeProjectionClampsAtZero() {
        // One step of ±lr: 0.05 − 0.1 < 0 becomes 0; 1 + 0.1 is left alone; −0 stays −0.
        let (w, _, _) = run([0.05, 1, -0.0], gradient: [1, -1, 0], steps: 1, beta1: 0.9, beta2: 0.999,
                            projection: .nonNegative)
        #expect(w[0] == 0 && abs(w[1] - 1.1) < 1e-7)
        #expect(w[2] == 0 && w[2].sign == .minus)
        let (free, _, _) = run([0.05], gradient: [1], steps: 1, beta1: 0.9, beta2: 0.999)
        #expect(abs(free[0] - -0.05) < 1e-7)
    }

    @Test func floatMatchesDouble() {
        let float = run([Float(1), -2], gradient: [0.5, 0.25], steps: 2, weightDecay: .l2(0.1))
        #expect(abs(Double(float.w[0]) - 0.8001637211035498) < 1e-6 && abs(Double(float.w[1]) - -2.197244161082569) < 1e-6)
    }

    /// Float buffers of eight or more elements take the eight-wide loop: it must give the bits of
    /// the scalar loop (each element updated alone) for every decay and the projection.
    @Test(arguments: [0, 1, 2, 3])
    func eightWideLoopEqualsTheScalarLoop(setting: Int) {
        var random = RandomStream(seed: 40 + setting)
        let n = 8 * 5 + 3
        let w = (0..<n).map { _ in Float(random.nextNormal()) }
        let gradients = (0..<3).map { _ in (0..<n).map { _ in Float(random.nextNormal()) } }
        let decays: [WeightDecay<Float>] = [.none, .l2(0.01), .decoupled(0.05), .none]
        let projection: ParameterProjection = setting == 3 ? .nonNegative : .none
        func steps(_ elements: Range<Int>) -> (w: [Float], m: [Float], v: [Float]) {
            var w = Array(w[elements]), m = [Float](repeating: 0, count: elements.count), v = m
            for (t, g) in gradients.enumerated() {
                let update = AdamUpdate<Float>(
                    learningRate: 0.01, stepSize: 0.01 / (1 - powf(0.9, Float(t + 1))),
                    rootSecondCorrection: (1 - powf(0.999, Float(t + 1))).squareRoot(), weightDecay: decays[setting], projection: projection)
                Array(g[elements]).withUnsafeBufferPointer { pg in
                    w.withUnsafeMutableBufferPointer { pw in
                        m.withUnsafeMutableBufferPointer { pm in
                            v.withUnsafeMutableBufferPointer { pv in update.apply(to: pw, gradient: pg, firstMoment: pm, secondMoment: pv) }
                        }
                    }
                }
            }
            return (w, m, v)
        }
        let wide = steps(0..<n)
        let single = (0..<n).map { steps($0..<($0 + 1)) }
        #expect(wide.w.map(\.bitPattern) == single.map { $0.w[0].bitPattern })
        #expect(wide.m.map(\.bitPattern) == single.map { $0.m[0].bitPattern })
        #expect(wide.v.map(\.bitPattern) == single.map { $0.v[0].bitPattern })
        if setting == 3 { #expect(wide.w.contains(0)) }
    }
}


import AlmagestCore
import Testing

/// The shared SGD step against values worked out by hand.
struct MomentumUpdateTests {
    /// Runs `steps` steps with a fixed gradient; returns weights and velocity (which starts at `velocity`).
    func run(
        _ w: [Double], gradient: [Double], steps: Int, momentum: Double = 0, isNesterov: Bool = false,
        weightDecay: WeightDecay<Double> = .none, projection: ParameterProjection = .none, velocity: Double = 0
    ) -> (w: [Double], v: [Double]) {
        var w = w, v = [Double](repeating: velocity, count: w.count)
        let update = MomentumUpdate(learningRate: 0.1, momentum: momentum, isNesterov: isNesterov, weightDecay: weightDecay,
                                    projection: projection)
        for _ in 0..<steps {
            gradient.withUnsafeBufferPointer { g in
                w.withUnsafeMutableBufferPointer { pw in
                    v.withUnsafeMutableBufferPointer { pv in update.apply(to: pw, gradient: g, velocity: pv) }
                }
            }
        }
        return (w, v)
    }

    @Test func plainGradientDescentLeavesTheVelocityAlone() {
        // w = 1 − 0.1·0.5 − 0.1·0.5 = 0.9; with μ = 0 the velocity is never touched.
        let (w, v) = run([1], gradient: [0.5], steps: 2, velocity: 7)
        #expect(abs(w[0] - 0.9) < 1e-15 && v == [7])
    }

    @Test func heavyBallMomentum() {
        // v = 0.5, w = 1 − 0.05 = 0.95; v = 0.9·0.5 + 0.5 = 0.95, w = 0.95 − 0.095 = 0.855.
        let (w, v) = run([1], gradient: [0.5], steps: 2, momentum: 0.9)
        #expect(abs(w[0] - 0.855) < 1e-15 && abs(v[0] - 0.95) < 1e-15)
    }

    @Test func nesterovWithL2Decay() {
        // Step 1: g = 1 + 1·1 = 2, v = 2, w = 1 − 0.1 (2 + 0.5·2) = 0.7.
        // Step 2: g = 1 + 0.7 = 1.7, v = 0.5·2 + 1.7 = 2.7, w = 0.7 − 0.1 (1.7 + 0.5·2.7) = 0.395.
        let (w, v) = run([1], gradient: [1], steps: 2, momentum: 0.5, isNesterov: true, weightDecay: .l2(1))
        #expect(abs(w[0] - 0.395) < 1e-15 && abs(v[0] - 2.7) < 1e-15)
    }

    @Test func decoupledDecayAndProjection() {
        // Decoupled: w = 2 − 0.1·0.5·2 = 1.9 with a zero gradient.
        #expect(run([2], gradient: [0], steps: 1, weightDecay: .decoupled(0.5)).w == [1.9])
        // Projection: 0.02 − 0.1 < 0 becomes 0; 1 − 0.1 = 0.9 stays.
        let (w, _) = run([0.02, 1], gradient: [1, 1], steps: 1, projection: .nonNegative)
        #expect(w[0] == 0 && abs(w[1] - 0.9) < 1e-15)
    }
}

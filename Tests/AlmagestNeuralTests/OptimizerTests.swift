import AlmagestCore
@testable import AlmagestNeural
import Testing

struct OptimizerTests {
    /// A parameter with a given gradient.
    func parameter(_ values: [Float], gradient: [Float]) -> Tensor {
        let p = Tensor(uncheckedShape: [values.count], values: values, requiresGradient: true)
        p.accumulateGradient(gradient)
        return p
    }

    @Test func sgdMomentumNesterovAndDecay() throws {
        let p = parameter([1, 2], gradient: [0.5, -1])
        let sgd = try SGD(parameters: [p], learningRate: 0.1, momentum: 0.9)
        sgd.step()                     // v = g; p -= 0.1 g
        #expect(p.data == [0.95, 2.1])
        sgd.step()                     // v = 0.9 g + g = 1.9 g
        #expect(abs(p.data[0] - (0.95 - 0.1 * 0.95)) < 1e-6)

        let q = parameter([1], gradient: [1])
        try SGD(parameters: [q], learningRate: 0.1, momentum: 0.5, nesterov: true, weightDecay: 1).step()
        // g = 1 + 1·1 = 2, v = 2, step = 0.1 (2 + 0.5·2) = 0.3.
        #expect(abs(q.data[0] - 0.7) < 1e-6)
        #expect(throws: FitError.self) { try SGD(parameters: [q], learningRate: -1) }
    }

    @Test func adamFirstStepIsLearningRateTimesSign() throws {
        let p = parameter([1, 1, 1], gradient: [3, -0.001, 0])
        try Adam(parameters: [p], learningRate: 0.01).step()
        #expect(abs(p.data[0] - 0.99) < 1e-5 && abs(p.data[1] - 1.01) < 1e-4 && p.data[2] == 1)
        let q = parameter([2], gradient: [0])
        try AdamW(parameters: [q], learningRate: 0.1, weightDecay: 0.5).step()
        #expect(abs(q.data[0] - 2 * (1 - 0.05)) < 1e-6)     // decoupled decay only
        let frozen = parameter([5], gradient: [1])
        frozen.requiresGradient = false
        try Adam(parameters: [frozen]).step()
        #expect(frozen.data == [5])
    }

    @Test func adamMinimisesAQuadratic() throws {
        let x = try Tensor(shape: [2], values: [3, -4], requiresGradient: true)
        let opt = try Adam(parameters: [x], learningRate: 0.1)
        for _ in 0..<500 {
            opt.zeroGradients()
            try (x - Tensor(uncheckedShape: [2], values: [1, 2])).pow(2).sum().backward()
            opt.step()
        }
        #expect(abs(x.data[0] - 1) < 1e-2 && abs(x.data[1] - 2) < 1e-2)
    }

    @Test func schedulesAndClipping() {
        #expect(LearningRateSchedule.step(every: 10, factor: 0.5).rate(base: 1, epoch: 25) == 0.25)
        let cosine = LearningRateSchedule.cosineAnnealing(period: 10, minimum: 0.1)
        #expect(cosine.rate(base: 1, epoch: 0) == 1)
        #expect(abs(cosine.rate(base: 1, epoch: 5) - 0.55) < 1e-6)
        #expect(abs(cosine.rate(base: 1, epoch: 10) - 0.1) < 1e-6)
        let a = parameter([0, 0], gradient: [3, 0]), b = parameter([0], gradient: [4])
        #expect(clipGradientNorm([a, b], maxNorm: 1) == 5)
        #expect(abs(a.gradient![0] - 0.6) < 1e-5 && abs(b.gradient![0] - 0.8) < 1e-5)
        #expect(clipGradientNorm([a, b], maxNorm: 10) < 1.0001)
    }
}

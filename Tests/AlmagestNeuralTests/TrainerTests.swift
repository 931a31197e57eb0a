import AlmagestCore
@testable import AlmagestNeural
import Testing

struct TrainerTests {
    /// Two interleaved spirals-ish classes: XOR of the signs of two coordinates.
    func xorData(_ n: Int, seed: Int) -> (Tensor, [Int]) {
        let x = Tensor.randomUniform([n, 2], in: -1...1, seed: seed)
        let labels = (0..<n).map { (x.data[2 * $0] > 0) != (x.data[2 * $0 + 1] > 0) ? 1 : 0 }
        return (x, labels)
    }

    func network(seed: Int) -> Sequential {
        Sequential([Linear(inputs: 2, outputs: 16, seed: seed), Tanh(), Linear(inputs: 16, outputs: 2, seed: seed + 1)])
    }

    func ce(_ out: Tensor, _ t: TrainingTargets) throws -> Tensor { try crossEntropy(logits: out, labels: t.classLabels!) }

    @Test func tinyNetworkOverfitsToZeroError() throws {
        let (x, y) = xorData(24, seed: 3)
        let net = network(seed: 1)
        let opt = try Adam(parameters: net.trainableParameters(), learningRate: 0.03)
        let options = TrainingOptions(epochs: 400, batchSize: 8, seed: 1, showsProgress: false)
        let history = try Trainer(options: options).fit(net, optimizer: opt, inputs: x, targets: .classes(y), loss: ce)
        #expect(history.epochs.count == 400)
        #expect(history.epochs.last!.trainingLoss < 0.05)
        let predicted = try Tensor.withoutGradient { try net(x) }.argmaxRows()
        #expect(predicted == y)
    }

    @Test func validationAndEarlyStopping() throws {
        let (x, y) = xorData(200, seed: 4)
        let (xv, yv) = xorData(100, seed: 5)
        let net = network(seed: 2)
        let opt = try SGD(parameters: net.trainableParameters(), learningRate: 0.2, momentum: 0.9)
        let options = TrainingOptions(epochs: 300, batchSize: 16, seed: 2, patience: 5, showsProgress: false)
        let history = try Trainer(options: options).fit(net, optimizer: opt, inputs: x, targets: .classes(y),
                                                        validation: (xv, .classes(yv)), loss: ce)
        #expect(history.stoppedEarly)
        #expect(history.epochs.count < 300)
        #expect(history.epochs.count == history.bestEpoch + 5)
        // Best weights were restored: evaluation now reproduces the best epoch's validation loss.
        let best = history.epochs[history.bestEpoch - 1]
        let now = try Trainer(options: options).evaluate(net, inputs: xv, targets: .classes(yv), loss: ce)
        #expect(abs(now.loss - best.validationLoss!) < 1e-6)
        #expect(best.validationAccuracy! > 0.9)
        #expect(history.epochs.allSatisfy { $0.seconds >= 0 })
    }

    @Test(arguments: [1, 2])
    func sameSeedSameWeights(threads: Int) throws {
        func train() throws -> [Float] {
            try Parallel.withThreads(threads) {
                let (x, y) = xorData(64, seed: 6)
                let net = Sequential([Linear(inputs: 2, outputs: 8, seed: 3), ReLU(), try Dropout(probability: 0.2, seed: 4),
                                      Linear(inputs: 8, outputs: 2, seed: 5)])
                let opt = try Adam(parameters: net.trainableParameters(), learningRate: 0.01)
                _ = try Trainer(options: TrainingOptions(epochs: 5, batchSize: 10, seed: 9, showsProgress: false))
                    .fit(net, optimizer: opt, inputs: x, targets: .classes(y), loss: ce)
                return net.namedParameters().flatMap(\.tensor.data)
            }
        }
        let first = try train()
        #expect(first == (try train()))
        #expect(first == (try Parallel.withThreads(3 - threads) { try train() }))
    }

    @Test func regressionTargetsAndBadInput() throws {
        let x = Tensor.randomUniform([50, 3], in: -1...1, seed: 1)
        let w = try Tensor(shape: [3, 1], values: [1, -2, 0.5])
        let y = try x.matmul(w)
        let net = Linear(inputs: 3, outputs: 1, seed: 2)
        let opt = try SGD(parameters: net.trainableParameters(), learningRate: 0.1)
        let history = try Trainer(options: TrainingOptions(epochs: 100, batchSize: 10, showsProgress: false))
            .fit(net, optimizer: opt, inputs: x, targets: .values(y)) { out, t in try meanSquaredError(out, t.valueTensor!) }
        #expect(history.epochs.last!.trainingLoss < 1e-4)
        #expect(abs(net.weight.data[1] + 2) < 1e-2)
        #expect(throws: ShapeError.self) {
            try Trainer(options: TrainingOptions(epochs: 1)).fit(net, optimizer: opt, inputs: x, targets: .classes([0])) { o, _ in o.sum() }
        }
        #expect(throws: FitError.self) {
            try Trainer(options: TrainingOptions(epochs: 0)).fit(net, optimizer: opt, inputs: x, targets: .values(y)) { o, _ in o.sum() }
        }
    }
}

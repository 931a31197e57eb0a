import AlmagestCore
import Foundation

/// A training loop: seeded shuffled mini-batches, a validation pass each epoch, early stopping
/// with patience (restoring the best weights), a learning-rate schedule, optional gradient
/// clipping, per-epoch history, and a progress line when standard error is a terminal.
///
/// Cost per epoch: one forward and backward pass over the training rows plus one forward pass over
/// the validation rows.
///
/// ```swift
/// let net = Sequential([Linear(inputs: 10, outputs: 32, seed: 0), ReLU(), Linear(inputs: 32, outputs: 2, seed: 1)])
/// let opt = try Adam(parameters: net.trainableParameters(), learningRate: 1e-3)
/// let trainer = Trainer(options: TrainingOptions(epochs: 20, batchSize: 64, seed: 7, patience: 3))
/// let history = try trainer.fit(net, optimizer: opt, inputs: x, targets: .classes(y),
///                               validation: (xv, .classes(yv))) { logits, t in
///     try crossEntropy(logits: logits, labels: t.classLabels!)
/// }
/// print(history.epochs.last!.validationAccuracy!)
/// ```
public struct Trainer: Sendable {
    public var options: TrainingOptions

    public init(options: TrainingOptions) { self.options = options }

    /// Trains `model` in place; returns the history. `loss` maps a batch's outputs and targets to
    /// a scalar loss tensor.
    public func fit(_ model: any Layer, optimizer: any Optimizer, inputs: Tensor, targets: TrainingTargets,
                    validation: (inputs: Tensor, targets: TrainingTargets)? = nil,
                    loss: (Tensor, TrainingTargets) throws -> Tensor) throws -> TrainingHistory {
        try options.validate()
        guard inputs.rank >= 1, inputs.shape[0] == targets.count, inputs.shape[0] > 0 else {
            throw ShapeError.mismatch(operation: "Trainer.fit", left: inputs.shape, right: [targets.count],
                                      expected: "one target per input row, at least one row")
        }
        if let validation, validation.inputs.rank < 1 || validation.inputs.shape[0] != validation.targets.count
            || validation.targets.count == 0 {
            throw ShapeError.mismatch(operation: "Trainer.fit validation", left: validation.inputs.shape,
                                      right: [validation.targets.count], expected: "one target per validation row, at least one row")
        }
        let n = inputs.shape[0]
        let baseRate = optimizer.learningRate
        var rng = RandomStream(seed: options.seed, stream: 1)
        var records: [EpochRecord] = []
        var best = (loss: Double.infinity, epoch: 0, state: [[Float]]())
        var stale = 0, stoppedEarly = false
        let state = model.namedState().map(\.tensor)
        let progress = ProgressLine(enabled: options.showsProgress)

        for epoch in 0..<options.epochs {
            FitProgress.report("epoch \(epoch + 1)/\(options.epochs)")
            let start = DispatchTime.now().uptimeNanoseconds
            optimizer.learningRate = options.schedule.rate(base: baseRate, epoch: epoch)
            model.setTraining(true)
            let order = rng.permutation(n)
            var lossSum = 0.0
            var batchStart = 0
            while batchStart < n {
                let rows = Array(order[batchStart..<Swift.min(batchStart + options.batchSize, n)])
                batchStart += options.batchSize
                let x = try inputs.selectingRows(rows).detached()
                let value = try loss(try model(x), try targets.selecting(rows))
                guard value.count == 1 else {
                    throw ShapeError.invalid(shape: value.shape, reason: "the training loss must be a single value")
                }
                optimizer.zeroGradients()
                try value.backward()
                if let clip = options.gradientClipNorm { clipGradientNorm(optimizer.parameters, maxNorm: clip) }
                optimizer.step()
                lossSum += Double(value.item) * Double(rows.count)
            }
            var record = EpochRecord(epoch: epoch + 1, trainingLoss: lossSum / Double(n), validationLoss: nil,
                                     validationAccuracy: nil, learningRate: optimizer.learningRate, seconds: 0)
            if let validation {
                let result = try evaluate(model, inputs: validation.inputs, targets: validation.targets, loss: loss)
                record.validationLoss = result.loss
                record.validationAccuracy = result.accuracy
            }
            record.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            records.append(record)
            progress.show(record, of: options.epochs)

            let monitored = record.validationLoss ?? record.trainingLoss
            if monitored < best.loss {
                best = (monitored, epoch + 1, options.patience == nil ? [] : state.map(\.data))
                stale = 0
            } else if let patience = options.patience {
                stale += 1
                if stale >= patience {
                    stoppedEarly = true
                    break
                }
            }
        }
        progress.finish()
        if options.patience != nil, !best.state.isEmpty {
            for (t, values) in zip(state, best.state) { try t.assign(values) }
        }
        model.setTraining(false)
        optimizer.learningRate = baseRate
        return TrainingHistory(epochs: records, bestEpoch: best.epoch, stoppedEarly: stoppedEarly)
    }

    /// Mean loss (and accuracy for class targets) of `model` in evaluation mode, in batches.
    public func evaluate(_ model: any Layer, inputs: Tensor, targets: TrainingTargets,
                         loss: (Tensor, TrainingTargets) throws -> Tensor) throws -> (loss: Double, accuracy: Double?) {
        model.setTraining(false)
        defer { model.setTraining(true) }
        let n = inputs.shape[0]
        var lossSum = 0.0, correct = 0
        try Tensor.withoutGradient {
            var start = 0
            while start < n {
                let rows = Array(start..<Swift.min(start + 4096, n))
                start += 4096
                let batchTargets = try targets.selecting(rows)
                let output = try model(try inputs.selectingRows(rows))
                lossSum += Double(try loss(output, batchTargets).item) * Double(rows.count)
                if let labels = batchTargets.classLabels {
                    let predicted = output.argmaxRows()
                    correct += zip(predicted, labels).filter { $0 == $1 }.count
                }
            }
        }
        return (lossSum / Double(Swift.max(n, 1)), targets.classLabels == nil ? nil : Double(correct) / Double(Swift.max(n, 1)))
    }
}

extension Tensor {
    /// Index of the largest value of each row of a `[n, k]` tensor (first one on ties).
    public func argmaxRows() -> [Int] {
        guard rank >= 1, shape[0] > 0 else { return [] }
        let n = shape[0], k = count / n
        return (0..<n).map { i in
            var best = 0
            for j in 1..<Swift.max(k, 1) where data[i * k + j] > data[i * k + best] { best = j }
            return best
        }
    }
}

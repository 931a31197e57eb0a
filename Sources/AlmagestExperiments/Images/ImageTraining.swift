import AlmagestCore
import AlmagestData
import AlmagestNeural
import Foundation

/// The training loop of `ImageClassificationExperiment`: mini-batches of the training images in a
/// seeded order per epoch (`RandomStream(seed, stream: 1000 + epoch)`), each batch read from the
/// `ImageFolder` (decoded once, cached, the next batch prepared in the background) and augmented
/// per (seed, epoch, sample); cross-entropy, Adam or SGD (Nesterov momentum 0.9), a constant or
/// cosine learning rate; after each epoch the validation loss and accuracy in evaluation mode; the
/// weights with the lowest validation loss restored at the end (the last ones kept in
/// `lastState`); early stopping after `patience` epochs without improvement.
///
/// With `features` frozen and no augmentation the frozen part runs once per image (the
/// `FrozenFeatureCache` rows) and the epochs train the head on those rows.
///
/// Cost: per epoch one forward and backward pass over the training images (the head only with the
/// cache) and a forward pass over the validation images.
///
/// ```swift
/// let outcome = try ImageTraining(settings: s, folder: folder, net: net, split: split).fit()
/// ```
struct ImageTraining {
    let settings: ImageClassificationExperiment
    let folder: ImageFolder
    let net: VGG
    let split: ImageFolder.Split

    struct Outcome {
        let curves: TrainingCurves
        /// The state after the last epoch (the net holds the best one).
        let lastState: [[Float]]
        let usedCache: Bool
    }

    func fit(onEpoch: (ImageEpochRecord) -> Void = { _ in }) throws -> Outcome {
        let s = settings
        let baseRate = Float(s.learningRate ?? (s.optimizer == .adam ? 1e-3 : 0.01))
        let trainable = net.trainableParameters()
        guard !trainable.isEmpty else {
            throw FitError.invalidParameter(name: "freeze", value: s.freeze, expected: "something left to train")
        }
        let optimizer: any Optimizer = s.optimizer == .adam
            ? try Adam(parameters: trainable, learningRate: baseRate)
            : try SGD(parameters: trainable, learningRate: baseRate, momentum: 0.9, nesterov: true)
        let schedule: LearningRateSchedule = s.schedule == .cosine ? .cosineAnnealing(period: s.epochs, minimum: 0) : .constant
        let useCache = net.featuresFrozen && s.augmentation.isIdentity
        // With the cache: the frozen part's output for the training and validation images, once.
        var cached: (train: Tensor, validation: Tensor)?
        if useCache {
            cached = (try Self.frozenFeatures(net, folder: folder, indices: split.train, batchSize: s.batchSize),
                      try Self.frozenFeatures(net, folder: folder, indices: split.validation, batchSize: s.batchSize))
        }
        let model: any Layer = useCache ? net.classifier : net
        let state = net.namedState().map(\.tensor)
        var best = (loss: Double.infinity, epoch: 0, state: state.map(\.data))
        var records: [ImageEpochRecord] = [], stale = 0
        let trainLabels = split.train.map { folder.labels[$0] }, validationLabels = split.validation.map { folder.labels[$0] }
        for epoch in 0..<s.epochs {
            let start = DispatchTime.now().uptimeNanoseconds
            optimizer.learningRate = schedule.rate(base: baseRate, epoch: epoch)
            model.setTraining(true)
            if net.featuresFrozen { net.features.setTraining(false) }
            var rng = RandomStream(seed: s.seed, stream: 1000 + epoch)
            let order = rng.permutation(split.train.count)
            var lossSum = 0.0
            func step(_ x: Tensor, _ labels: [Int]) throws {
                let loss = try crossEntropy(logits: try model(x), labels: labels)
                optimizer.zeroGradients()
                try loss.backward()
                optimizer.step()
                lossSum += Double(loss.item) * Double(labels.count)
            }
            if let cached {
                var b = 0
                while b < order.count {
                    let rows = Array(order[b..<min(b + s.batchSize, order.count)])
                    b += s.batchSize
                    try step(try cached.train.selectingRows(rows).detached(), rows.map { trainLabels[$0] })
                }
            } else {
                let batches = try folder.batches(order.map { split.train[$0] }, batchSize: s.batchSize,
                                                 augmentation: s.augmentation, seed: s.seed, epoch: epoch)
                while let batch = try batches.nextBatch() {
                    try step(try Tensor(shape: batch.shape, values: batch.values), batch.labels)
                }
            }
            let validation: (loss: Double, accuracy: Double)
            if let cached {
                validation = try Self.evaluate(model, inputs: cached.validation, labels: validationLabels)
            } else {
                let p = try Self.scores(net, folder: folder, indices: split.validation, batchSize: s.batchSize)
                validation = Self.lossAndAccuracy(p, labels: validationLabels)
            }
            let record = ImageEpochRecord(epoch: epoch + 1, trainingLoss: lossSum / Double(order.count), validationLoss: validation.loss,
                                     validationAccuracy: validation.accuracy, learningRate: Double(optimizer.learningRate),
                                     seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
            records.append(record)
            onEpoch(record)
            if validation.loss < best.loss {
                best = (validation.loss, epoch + 1, state.map(\.data))
                stale = 0
            } else if let patience = s.patience {
                stale += 1
                if stale >= patience { break }
            }
        }
        let last = state.map(\.data)
        for (t, values) in zip(state, best.state) { try t.assign(values) }
        net.setTraining(false)
        let curves = TrainingCurves(trainingLoss: records.map(\.trainingLoss), validationLoss: records.map(\.validationLoss),
                                    validationAccuracy: records.map(\.validationAccuracy),
                                    epochSeconds: records.map(\.seconds), bestEpoch: best.epoch)
        return Outcome(curves: curves, lastState: last, usedCache: useCache)
    }

    /// Class probabilities of the images `indices` (no augmentation), in evaluation mode.
    static func scores(_ net: VGG, folder: ImageFolder, indices: [Int], batchSize: Int) throws -> [[Double]] {
        net.setTraining(false)
        defer { net.setTraining(true) }
        var out: [[Double]] = []
        let batches = try folder.batches(indices, batchSize: batchSize)
        while let batch = try batches.nextBatch() {
            let x = try Tensor(shape: batch.shape, values: batch.values)
            let p = try Tensor.withoutGradient { try net(x).softmax(axis: 1) }
            let k = p.shape[1]
            out += (0..<batch.indices.count).map { n in (0..<k).map { Double(p.data[n * k + $0]) } }
        }
        return out
    }

    // MARK: - Private

    private static func frozenFeatures(_ net: VGG, folder: ImageFolder, indices: [Int], batchSize: Int) throws -> Tensor {
        var parts: [Tensor] = []
        let batches = try folder.batches(indices, batchSize: batchSize)
        while let batch = try batches.nextBatch() {
            parts.append(try FrozenFeatureCache.features(net, images: try Tensor(shape: batch.shape, values: batch.values),
                                                         batchSize: batchSize))
        }
        return try Tensor.concatenate(parts, axis: 0)
    }

    private static func evaluate(_ model: any Layer, inputs: Tensor, labels: [Int]) throws -> (loss: Double, accuracy: Double) {
        model.setTraining(false)
        defer { model.setTraining(true) }
        let p = try Tensor.withoutGradient { try model(inputs).softmax(axis: 1) }
        let k = p.shape[1]
        return lossAndAccuracy((0..<labels.count).map { n in (0..<k).map { Double(p.data[n * k + $0]) } }, labels: labels)
    }

    /// Mean cross-entropy (probabilities floored at 1e-12) and accuracy.
    private static func lossAndAccuracy(_ p: [[Double]], labels: [Int]) -> (loss: Double, accuracy: Double) {
        var loss = 0.0, correct = 0
        for (row, label) in zip(p, labels) {
            loss -= Foundation.log(max(row[label], 1e-12))
            if row.indices.max(by: { row[$0] < row[$1] }) == label { correct += 1 }
        }
        let n = Double(max(labels.count, 1))
        return (loss / n, Double(correct) / n)
    }
}

/// One epoch of an image-classification run.
public struct ImageEpochRecord: Codable, Sendable, Equatable {
    /// 1-based.
    public let epoch: Int
    public let trainingLoss: Double
    public let validationLoss: Double
    public let validationAccuracy: Double
    public let learningRate: Double
    public let seconds: Double
}

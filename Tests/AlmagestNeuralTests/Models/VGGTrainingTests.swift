import AlmagestCore
@testable import AlmagestNeural
import Foundation
import Testing

/// Freezing, the frozen-feature cache, parameter groups, thread independence and Grad-CAM on a
/// small VGG with 16x16 grey images.
struct VGGTrainingTests {
    /// Noise images; class 1 has a bright 4x4 patch in the top-left corner, class 0 does not.
    static func cornerData(count: Int, seed: Int) -> (Tensor, [Int]) {
        var rng = RandomStream(seed: seed)
        var values = [Float](), labels = [Int]()
        for i in 0..<count {
            let label = i % 2
            for y in 0..<16 {
                for x in 0..<16 {
                    let noise = Float(rng.nextDouble()) * 0.5
                    values.append(label == 1 && y < 4 && x < 4 ? noise + 2 : noise)
                }
            }
            labels.append(label)
        }
        return (try! Tensor(shape: [count, 1, 16, 16], values: values), labels)
    }

    static func loss(_ logits: Tensor, _ t: TrainingTargets) throws -> Tensor {
        try crossEntropy(logits: logits, labels: t.classLabels!)
    }

    @Test func frozenBlocksStayBitIdentical() throws {
        let net = try VGG(.small(classes: 2), seed: 5)
        try net.freeze(throughBlock: 2)
        let frozenNames = net.namedParameters().map(\.name).filter { !net.trainableParameterNames.contains($0) }
        #expect(frozenNames == ["features.0.weight", "features.0.bias", "features.1.weight", "features.1.bias",
                                "features.4.weight", "features.4.bias", "features.5.weight", "features.5.bias"])
        let before = net.namedParameters().map(\.tensor.data)
        let statsBefore = net.namedState().filter { $0.name.hasSuffix("running_mean") || $0.name.hasSuffix("running_var") }
            .map { ($0.name, $0.tensor.data) }
        let (x, y) = Self.cornerData(count: 16, seed: 1)
        let opt = try ParameterGroups([
            try Adam(parameters: net.features.trainableParameters(), learningRate: 1e-3),
            try Adam(parameters: net.classifier.trainableParameters(), learningRate: 1e-2)])
        _ = try Trainer(options: TrainingOptions(epochs: 2, batchSize: 8, seed: 3)).fit(net, optimizer: opt, inputs: x,
                                                                                         targets: .classes(y), loss: Self.loss)
        for ((name, p), old) in zip(net.namedParameters(), before) {
            if frozenNames.contains(name) { #expect(p.data == old, "\(name) changed") } else { #expect(p.data != old, "\(name) did not train") }
        }
        // A frozen batch norm keeps its running statistics; a training one updates them.
        let statsAfter = Dictionary(uniqueKeysWithValues: net.namedState().map { ($0.name, $0.tensor.data) })
        #expect(statsBefore.count >= 4)
        for (name, old) in statsBefore {
            let layer = name.split(separator: ".").dropLast().joined(separator: ".")
            if frozenNames.contains(layer + ".weight") { #expect(statsAfter[name] == old, "\(name) moved") } else { #expect(statsAfter[name] != old, "\(name) did not move") }
        }
        // Each group kept its own rate; a schedule scales both.
        opt.learningRate = 5e-4
        #expect(opt.groups.map(\.learningRate) == [5e-4, 5e-3])
    }

    @Test func cachedFeaturesGiveTheSameHeadAsRecomputing() throws {
        let (x, y) = Self.cornerData(count: 24, seed: 2)
        let options = TrainingOptions(epochs: 3, batchSize: 8, seed: 4)
        func head(cached: Bool) throws -> [[Float]] {
            let net = try VGG(.small(classes: 2), seed: 6)
            try net.setFrozen(true, part: "features")
            let opt = try Adam(parameters: net.classifier.trainableParameters(), learningRate: 1e-2)
            if cached {
                _ = try FrozenFeatureCache.fit(net, optimizer: opt, inputs: x, targets: .classes(y), options: options, loss: Self.loss)
            } else {
                _ = try Trainer(options: options).fit(HeadOnly(net), optimizer: opt, inputs: x, targets: .classes(y), loss: Self.loss)
            }
            return net.classifier.namedParameters().map(\.tensor.data)
        }
        let a = try head(cached: true), b = try head(cached: false)
        #expect(a == b)                 // per-image im2col + GEMM: the cached features have the same bits
        #expect(throws: FitError.self) { try FrozenFeatureCache.features(VGG(.small(classes: 2), seed: 1), images: x) }
    }

    @Test func trainingStepsAreThreadIndependent() throws {
        let (x, y) = Self.cornerData(count: 8, seed: 3)
        func train(_ threads: Int) throws -> [[Float]] {
            try Parallel.withThreads(threads) {
                let net = try VGG(.small(classes: 2), seed: 7)
                let opt = try Adam(parameters: net.trainableParameters(), learningRate: 1e-3)
                _ = try Trainer(options: TrainingOptions(epochs: 1, batchSize: 4, seed: 5)).fit(net, optimizer: opt, inputs: x,
                                                                                              targets: .classes(y), loss: Self.loss)
                return net.namedState().map(\.tensor.data)
            }
        }
        #expect(try train(1) == train(2))
    }

    /// A net trained to detect a bright top-left patch: Grad-CAM for that class is largest in the
    /// top-left quarter of the first convolution's map and of the last one's.
    @Test func gradCAMLightsTheCorner() throws {
        let (x, y) = Self.cornerData(count: 48, seed: 9)
        let net = try VGG(.small(classes: 2), seed: 8)
        let opt = try Adam(parameters: net.trainableParameters(), learningRate: 3e-3)
        _ = try Trainer(options: TrainingOptions(epochs: 4, batchSize: 8, seed: 2)).fit(net, optimizer: opt, inputs: x,
                                                                                       targets: .classes(y), loss: Self.loss)
        let (test, labels) = Self.cornerData(count: 6, seed: 10)
        net.setTraining(false)
        #expect(try net(test).argmaxRows() == labels)
        let positives = try test.selectingRows([1, 3, 5])
        for layer in [net.convolutionIndices.first!, net.convolutionIndices.last!] {
            let cam = try GradCAM.compute(net, images: positives, layer: layer, classes: [1, 1, 1])
            for map in cam.upsampled(to: (16, 16)) {
                var quarters = [Float](repeating: 0, count: 4)
                for i in 0..<256 { quarters[(i / 16 >= 8 ? 2 : 0) + (i % 16 >= 8 ? 1 : 0)] += map[i] }
                #expect(quarters.firstIndex(of: quarters.max()!) == 0, "layer \(layer): \(quarters)")
            }
        }
        let maps = try GradCAM.featureMaps(net, images: positives, layer: 0)
        #expect(maps.shape == [3, 16, 16, 16])
        #expect(throws: ShapeError.self) { try GradCAM.compute(net, images: positives, layer: 2, classes: [1, 1, 1]) }
    }
}

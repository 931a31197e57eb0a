import AlmagestCore
@testable import AlmagestNeural
import Foundation
import Testing

struct LayerAndLossTests {
    static let tolerance = 1e-2

    @Test func linearGradients() throws {
        let layer = Linear(inputs: 4, outputs: 3, seed: 1)
        try layer.bias!.assign([0.1, -0.2, 0.3])
        let x = random([5, 4], seed: 2)
        #expect(try gradientError([x, layer.weight, layer.bias!]) { _ in try layer(x) } < Self.tolerance)
        // Matches x Wᵀ + b computed with matmul.
        let reference = try x.matmul(layer.weight.transposed()) + layer.bias!
        for (a, b) in zip(try layer(x).data, reference.data) { #expect(abs(a - b) < 1e-5) }
        #expect(throws: ShapeError.self) { try layer(random([5, 3])) }
    }

    /// A layer large enough for the column-blocked products (2^22 multiply-adds and more): the
    /// output and all three gradients equal a double-precision reference, and are the same bits
    /// at one and two threads.
    @Test func largeLinearIsBlockedExactlyAndDeterministically() throws {
        let (rows, inputs, outputs) = (24, 1_500, 300)
        func pass(threads: Int) throws -> [[Float]] {
            try Parallel.withThreads(threads) {
                let layer = Linear(inputs: inputs, outputs: outputs, seed: 5)
                let x = random([rows, inputs], seed: 6)
                x.requiresGradient = true
                let y = try layer(x)
                try (y * y).mean().backward()
                return [y.data, x.gradient!, layer.weight.gradient!, layer.bias!.gradient!]
            }
        }
        let one = try pass(threads: 1), two = try pass(threads: 2)
        #expect(one == two)
        let layer = Linear(inputs: inputs, outputs: outputs, seed: 5), x = random([rows, inputs], seed: 6)
        let (w, xs) = (layer.weight.data.map(Double.init), x.data.map(Double.init))
        var y = [Double](repeating: 0, count: rows * outputs)
        for r in 0..<rows { for o in 0..<outputs { for i in 0..<inputs { y[r * outputs + o] += xs[r * inputs + i] * w[o * inputs + i] } } }
        #expect(zip(one[0], y).allSatisfy { abs(Double($0) - $1) <= 1e-4 * max(1, abs($1)) })
        // d mean(y²) / dy = 2y / count, then through the layer in double.
        let gy = y.map { 2 * $0 / Double(rows * outputs) }
        var gx = [Double](repeating: 0, count: rows * inputs), gw = [Double](repeating: 0, count: outputs * inputs)
        for r in 0..<rows {
            for o in 0..<outputs {
                let g = gy[r * outputs + o]
                for i in 0..<inputs { gx[r * inputs + i] += g * w[o * inputs + i]; gw[o * inputs + i] += g * xs[r * inputs + i] }
            }
        }
        let scale = gw.map(abs).max()!
        #expect(zip(one[1], gx).allSatisfy { abs(Double($0) - $1) <= 1e-3 * scale })
        #expect(zip(one[2], gw).allSatisfy { abs(Double($0) - $1) <= 1e-3 * scale })
    }

    @Test func namedParametersFreezeAndReplace() throws {
        let net = Sequential([Linear(inputs: 4, outputs: 8, seed: 1), ReLU(),
                              Sequential([Linear(inputs: 8, outputs: 2, bias: false, seed: 2)])])
        #expect(net.namedParameters().map(\.name) == ["0.weight", "0.bias", "2.0.weight"])
        #expect(net.parameterCount == 4 * 8 + 8 + 16)
        net.setFrozen(true, prefix: "0.")
        #expect(net.trainableParameters().count == 1)
        try net.replace(at: 2, with: Linear(inputs: 8, outputs: 3, seed: 3))
        #expect(try net(random([2, 4])).shape == [2, 3])
        #expect(throws: ShapeError.self) { try net.replace(at: 7, with: ReLU()) }
    }

    @Test func initialisationScales() {
        for scheme in WeightInitialization.allCases {
            let w = scheme.tensor(shape: [200, 100], fanIn: 100, fanOut: 200, seed: 5)
            let variance = w.data.reduce(0.0) { $0 + Double($1 * $1) } / Double(w.count)
            let expected = Double(scheme.standardDeviation(fanIn: 100, fanOut: 200))
            #expect(abs(variance.squareRoot() / expected - 1) < 0.05, "\(scheme)")
        }
    }

    @Test func crossEntropyValueAndGradient() throws {
        let logits = random([4, 3], -2...2, seed: 3)
        let labels = [0, 2, 1, 2]
        // Value equals the mean of −log softmax at the labels.
        let logP = try logits.logSoftmax()
        let expected = -labels.enumerated().map { logP.data[$0.offset * 3 + $0.element] }.reduce(0, +) / 4
        #expect(abs(try crossEntropy(logits: logits, labels: labels).item - expected) < 1e-5)
        #expect(try gradientError([logits]) { try crossEntropy(logits: $0[0], labels: labels) } < Self.tolerance)
        let weights: [Float] = [1, 2, 0.5]
        #expect(try gradientError([logits]) { try crossEntropy(logits: $0[0], labels: labels, classWeights: weights) } < Self.tolerance)
        #expect(throws: ShapeError.indexOutOfRange(what: "class label", index: 3, bound: 3)) {
            try crossEntropy(logits: logits, labels: [0, 1, 3, 0])
        }
        #expect(throws: ShapeError.self) { try crossEntropy(logits: logits, labels: [0]) }
    }

    @Test func binaryCrossEntropyAndRegressionLosses() throws {
        let logits = random([6, 1], -3...3, seed: 4)
        let targets = try Tensor(shape: [6, 1], values: [0, 1, 1, 0, 1, 0])
        let p = logits.sigmoid().data
        var expected: Double = 0
        for (pi, ti) in zip(p, targets.data) {
            let pd = Double(pi), td = Double(ti)
            expected -= td * Foundation.log(pd) + (1 - td) * Foundation.log(1 - pd)
        }
        expected /= 6
        #expect(abs(Double(try binaryCrossEntropy(logits: logits, targets: targets).item) - expected) < 1e-5)
        #expect(try gradientError([logits]) { try binaryCrossEntropy(logits: $0[0], targets: targets, positiveWeight: 2) } < Self.tolerance)
        let soft = random([6, 1], 0...1, seed: 5)
        #expect(try gradientError([logits, soft]) { try binaryCrossEntropy(logits: $0[0], targets: $0[1], positiveWeight: 1.5) } < Self.tolerance)
        #expect(try binaryCrossEntropy(logits: try Tensor(shape: [1], values: [200]), targets: try Tensor(shape: [1], values: [0])).item == 200)
        let y = random([3, 2], seed: 8)
        #expect(try gradientError([random([3, 2], seed: 7), y]) { try meanSquaredError($0[0], $0[1]) } < Self.tolerance)
        #expect(try gradientError([random([3, 2], seed: 7)], step: 1e-3) { try l1Penalty([$0[0]], strength: 0.5) } < Self.tolerance)
        #expect(try l1Penalty([try Tensor(shape: [2], values: [-1, 3])], strength: 0.5).item == 2)
    }

    @Test func dropoutLayerIsIdentityInEvaluation() throws {
        let layer = try Dropout(probability: 0.5, seed: 1)
        let x = random([10, 10])
        #expect(try layer(x).data != x.data)
        layer.isTraining = false
        #expect(try layer(x).data == x.data)
        #expect(throws: FitError.self) { try Dropout(probability: 1.5, seed: 0) }
    }
}

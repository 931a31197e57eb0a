import AlmagestCore
@testable import AlmagestNeural
import Testing

struct ConvolutionTests {
    static let tolerance = 1e-2

    /// Direct six-loop convolution, the reference for im2col + SGEMM.
    func naiveConv(_ x: Tensor, _ w: Tensor, _ b: [Float], stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)) -> [Float] {
        let g = ConvGeometry(input: x.shape, kernel: Array(w.shape[2...]), outChannels: w.shape[0], stride: stride,
                             padding: padding, dilation: dilation)
        var out: [Float] = []
        for n in 0..<g.n { for o in 0..<g.o { for oy in 0..<g.outH { for ox in 0..<g.outW {
            var s = b[o]
            for c in 0..<g.c { for i in 0..<g.kh { for j in 0..<g.kw {
                let y = oy * g.sh - g.ph + i * g.dh, xx = ox * g.sw - g.pw + j * g.dw
                if y >= 0, y < g.h, xx >= 0, xx < g.w {
                    s += x.data[((n * g.c + c) * g.h + y) * g.w + xx] * w.data[((o * g.c + c) * g.kh + i) * g.kw + j]
                }
            } } }
            out.append(s)
        } } } }
        return out
    }

    @Test(arguments: [((1, 1), (0, 0), (1, 1)), ((2, 2), (1, 1), (1, 1)), ((1, 2), (2, 1), (2, 1)), ((3, 1), (0, 2), (1, 2))])
    func conv2dMatchesNaiveAndFiniteDifferences(setting: ((Int, Int), (Int, Int), (Int, Int))) throws {
        let (stride, padding, dilation) = setting
        let x = random([2, 3, 7, 6], seed: 1), w = random([4, 3, 3, 2], seed: 2), b = random([4], seed: 3)
        let y = try x.conv2d(weight: w, bias: b, stride: stride, padding: padding, dilation: dilation)
        let expected = naiveConv(x, w, b.data, stride: stride, padding: padding, dilation: dilation)
        #expect(y.count == expected.count)
        for (a, e) in zip(y.data, expected) { #expect(abs(a - e) < 1e-4) }
        #expect(try gradientError([x, w, b]) { t in
            try t[0].conv2d(weight: t[1], bias: t[2], stride: stride, padding: padding, dilation: dilation)
        } < Self.tolerance)
    }

    @Test func conv2dShapesAndErrors() throws {
        let conv = Conv2d(inChannels: 3, outChannels: 8, kernelSize: (3, 3), padding: (1, 1), seed: 0)
        #expect(try conv(Tensor.zeros([2, 3, 16, 16])).shape == [2, 8, 16, 16])
        #expect(conv.namedParameters().map(\.name) == ["weight", "bias"])
        #expect(throws: ShapeError.self) { try conv(Tensor.zeros([2, 4, 16, 16])) }
        #expect(throws: ShapeError.self) { try conv(Tensor.zeros([2, 3, 1, 1]).conv2d(weight: Tensor.zeros([1, 3, 3, 3]))) }
        #expect(throws: FitError.self) { try Tensor.zeros([1, 3, 5, 5]).conv2d(weight: Tensor.zeros([1, 3, 3, 3]), stride: (0, 1)) }
    }

    @Test(arguments: [1, 2])
    func conv2dGradientIsThreadIndependent(threads: Int) throws {
        func weightGradient() throws -> [Float] {
            try Parallel.withThreads(threads) {
                let x = random([9, 2, 5, 5], seed: 4), w = random([3, 2, 3, 3], seed: 5)
                w.requiresGradient = true
                try x.conv2d(weight: w, padding: (1, 1)).pow(2).sum().backward()
                return w.gradient!
            }
        }
        #expect(try weightGradient() == Parallel.withThreads(3 - threads) { try weightGradient() })
    }

    /// A "same" convolution (C = O, 3x3, padding 1) writes dX over dY's buffer: gradients still match
    /// finite differences, and with 1 or 2 threads, the input gradient has the same bits.
    @Test func sameSizeConvolutionInputGradient() throws {
        let x = random([5, 3, 6, 5], seed: 14), w = random([3, 3, 3, 3], seed: 15), b = random([3], seed: 16)
        #expect(try gradientError([x, w, b]) { t in try t[0].conv2d(weight: t[1], bias: t[2], padding: (1, 1)).tanh() } < Self.tolerance)
        func inputGradient(_ threads: Int) throws -> [Float] {
            try Parallel.withThreads(threads) {
                x.zeroGradient()
                try x.conv2d(weight: w, padding: (1, 1)).pow(2).sum().backward()
                return x.gradient!
            }
        }
        #expect(try inputGradient(1) == inputGradient(2))
    }

    @Test func pooling() throws {
        let x = random([2, 3, 6, 5], seed: 6)
        // Max pooling's derivative jumps where two values tie: check it on values at least 0.01 apart.
        var rng = RandomStream(seed: 6)
        let separated = try Tensor(shape: [2, 3, 6, 5], values: rng.permutation(180).map { Float($0) * 0.01 })
        #expect(try gradientError([separated], step: 1e-3) { try $0[0].maxPool2d(kernel: (2, 2)) } < Self.tolerance)
        #expect(try gradientError([separated], step: 1e-3) { try $0[0].maxPool2d(kernel: (3, 3), stride: (2, 1), padding: (1, 1)) } < Self.tolerance)
        #expect(try gradientError([x]) { try $0[0].avgPool2d(kernel: (2, 3), stride: (1, 2), padding: (1, 1)) } < Self.tolerance)
        #expect(try gradientError([x]) { try $0[0].adaptiveAvgPool2d(outputSize: (4, 3)) } < Self.tolerance)
        let m = try Tensor(shape: [1, 1, 2, 4], values: [1, 5, 2, 0, 3, 4, 8, -1])
        #expect(try m.maxPool2d(kernel: (2, 2)).data == [5, 8])
        #expect(try m.avgPool2d(kernel: (2, 2)).data == [3.25, 2.25])
        #expect(try m.adaptiveAvgPool2d(outputSize: (1, 1)).data == [2.75])
        #expect(try m.adaptiveAvgPool2d(outputSize: (1, 3)).data == [3.25, 4.75, 2.25])
        #expect(throws: ShapeError.self) { try m.maxPool2d(kernel: (3, 3)) }
        #expect(throws: ShapeError.self) { try Tensor.zeros([4, 4]).avgPool2d(kernel: (2, 2)) }
    }

    /// Rows wide enough for the eight-windows-at-a-time 2x2 path (and a scalar tail), with ties and
    /// NaNs: same maxima and same gradient positions as a direct loop (first maximum, NaN wins).
    @Test func maxPoolWideRowsMatchDirectLoop() throws {
        let (n, c, h, w) = (2, 3, 6, 38)
        var rng = RandomStream(seed: 11)
        var values = (0..<(n * c * h * w)).map { _ in Float(rng.nextInt(below: 5)) }   // many ties
        for i in stride(from: 7, to: values.count, by: 53) { values[i] = .nan }
        let x = try Tensor(shape: [n, c, h, w], values: values, requiresGradient: true)
        let y = try x.maxPool2d(kernel: (2, 2))
        try y.sum().backward()
        var expected: [Float] = [], expectedGradient = [Float](repeating: 0, count: values.count)
        for plane in 0..<(n * c) {
            for oy in 0..<(h / 2) {
                for ox in 0..<(w / 2) {
                    var best = -Float.infinity, at = -1
                    for yy in (2 * oy)..<(2 * oy + 2) {
                        for xx in (2 * ox)..<(2 * ox + 2) {
                            let i = (plane * h + yy) * w + xx, v = values[i]
                            if at < 0 || v > best || (v.isNaN && !best.isNaN) { best = v; at = i }
                        }
                    }
                    expected.append(best)
                    expectedGradient[at] += 1
                }
            }
        }
        #expect(y.data.count == expected.count)
        for (a, e) in zip(y.data, expected) { #expect(a == e || (a.isNaN && e.isNaN)) }
        #expect(x.gradient! == expectedGradient)
    }

    @Test func batchNormTrainingAndEvaluation() throws {
        for shape in [[6, 3], [4, 3, 5], [3, 2, 4, 3]] {
            let x = random(shape, -2...3, seed: 7)
            let gamma = random([shape[1]], 0.5...1.5, seed: 8), beta = random([shape[1]], seed: 9)
            let rm = Tensor.zeros([shape[1]]), rv = Tensor.ones([shape[1]])
            #expect(try gradientError([x, gamma, beta]) { t in
                try batchNorm(t[0], gamma: t[1], beta: t[2], runningMean: rm, runningVariance: rv, training: true)
            } < Self.tolerance, "\(shape)")
            #expect(try gradientError([x, gamma, beta]) { t in
                try batchNorm(t[0], gamma: t[1], beta: t[2], runningMean: rm, runningVariance: rv, training: false)
            } < Self.tolerance, "\(shape)")
        }
        // Training output has zero mean and unit variance per channel; running stats move by momentum.
        let layer = BatchNorm1d(features: 2)
        let x = try Tensor(shape: [4, 2], values: [1, 10, 2, 20, 3, 30, 4, 40])
        let y = try layer(x)
        let column0 = [y.data[0], y.data[2], y.data[4], y.data[6]]
        #expect(abs(column0.reduce(0, +)) < 1e-5)
        #expect(abs(column0.map { $0 * $0 }.reduce(0, +) / 4 - 1) < 1e-3)
        #expect(abs(layer.runningMean.data[1] - 2.5) < 1e-5)                 // 0.9·0 + 0.1·25
        #expect(abs(layer.runningVariance.data[0] - (0.9 + 0.1 * 5.0 / 3)) < 1e-5)
        layer.setTraining(false)
        let evaluated = try layer(x)
        #expect(abs(evaluated.data[0] - (1 - 0.25) / (layer.runningVariance.data[0] + 1e-5).squareRoot()) < 1e-5)
        #expect(layer.namedState().map(\.name) == ["weight", "bias", "running_mean", "running_var"])
        #expect(throws: ShapeError.self) { try BatchNorm2d(channels: 2)(x) }
    }
}

struct SmallCNNTests {
    /// 8x8 images holding one horizontal (class 0) or vertical (class 1) bar at a random place.
    func bars(_ n: Int, seed: Int) throws -> (Tensor, [Int]) {
        var rng = RandomStream(seed: seed)
        var values = [Float](repeating: 0, count: n * 64), labels: [Int] = []
        for i in 0..<n {
            let label = rng.nextInt(below: 2), at = rng.nextInt(below: 8)
            for k in 0..<8 { values[i * 64 + (label == 0 ? at * 8 + k : k * 8 + at)] = 1 }
            labels.append(label)
        }
        return (try Tensor(shape: [n, 1, 8, 8], values: values), labels)
    }

    @Test func convNetLearnsBarOrientationAndSurvivesSafetensors() throws {
        func net() -> Sequential {
            Sequential([Conv2d(inChannels: 1, outChannels: 4, kernelSize: (3, 3), padding: (1, 1), seed: 1),
                        BatchNorm2d(channels: 4), ReLU(), MaxPool2d(kernel: (2, 2)), AdaptiveAvgPool2d(outputSize: (2, 2)),
                        Flatten(), Linear(inputs: 16, outputs: 2, seed: 2)])
        }
        let (x, y) = try bars(64, seed: 3)
        let model = net()
        let opt = try Adam(parameters: model.trainableParameters(), learningRate: 0.05)
        _ = try Trainer(options: TrainingOptions(epochs: 30, batchSize: 16, seed: 4, showsProgress: false))
            .fit(model, optimizer: opt, inputs: x, targets: .classes(y)) { try crossEntropy(logits: $0, labels: $1.classLabels!) }
        let (xt, yt) = try bars(64, seed: 5)
        model.setTraining(false)
        let predicted = try Tensor.withoutGradient { try model(xt) }.argmaxRows()
        #expect(zip(predicted, yt).filter { $0 == $1 }.count >= 60)
        #expect(model.namedState().map(\.name).contains("1.running_var"))
        // Same predictions after a safetensors round trip into a fresh network.
        let copy = net()
        try Safetensors.load(into: copy, data: try Safetensors.encode(model.namedState()))
        copy.setTraining(false)
        #expect(try Tensor.withoutGradient { try copy(xt) }.data == Tensor.withoutGradient { try model(xt) }.data)
    }
}

import AlmagestCore
@testable import AlmagestNeural
import Testing

/// Every op's backward pass against central finite differences.
struct TensorGradientTests {
    static let tolerance = 1e-2

    @Test("broadcasting arithmetic", arguments: [
        ([3, 4], [3, 4]), ([3, 4], [4]), ([3, 1], [1, 4]), ([2, 3, 4], [3, 1]), ([], [2, 3]),
    ])
    func arithmetic(shapes: ([Int], [Int])) throws {
        let a = random(shapes.0, seed: 1), b = random(shapes.1, 0.5...2, seed: 2)
        #expect(try gradientError([a, b]) { try $0[0] + $0[1] } < Self.tolerance)
        #expect(try gradientError([a, b]) { try $0[0] - $0[1] } < Self.tolerance)
        #expect(try gradientError([a, b]) { try $0[0] * $0[1] } < Self.tolerance)
        #expect(try gradientError([a, b]) { try $0[0] / $0[1] } < Self.tolerance)
    }

    @Test func broadcastValues() throws {
        let a = try Tensor(shape: [2, 1], values: [1, 2]), b = try Tensor(shape: [3], values: [10, 20, 30])
        let c = try a + b
        #expect(c.shape == [2, 3])
        #expect(c.data == [11, 21, 31, 12, 22, 32])
        #expect(throws: ShapeError.self) { try Tensor.zeros([2, 3]) + Tensor.zeros([4]) }
    }

    @Test func matmul() throws {
        #expect(try gradientError([random([3, 4], seed: 1), random([4, 5], seed: 2)]) { try $0[0].matmul($0[1]) } < Self.tolerance)
        #expect(try gradientError([random([2, 3, 4], seed: 1), random([2, 4, 2], seed: 2)]) { try $0[0].matmul($0[1]) } < Self.tolerance)
        #expect(try gradientError([random([2, 3, 4], seed: 1), random([4, 2], seed: 2)]) { try $0[0].matmul($0[1]) } < Self.tolerance)
        let a = try Tensor(shape: [2, 2], values: [1, 2, 3, 4]), b = try Tensor(shape: [2, 1], values: [1, -1])
        #expect(try a.matmul(b).data == [-1, -1])
        #expect(throws: ShapeError.mismatch(operation: "matmul", left: [2, 3], right: [2, 3],
                                            expected: "[..., m, k] x [..., k, n] with equal batch dimensions, or [..., m, k] x [k, n]")) {
            try Tensor.zeros([2, 3]).matmul(Tensor.zeros([2, 3]))
        }
    }

    @Test func reductions() throws {
        let x = random([2, 3, 4])
        #expect(try gradientError([x]) { $0[0].sum() } < Self.tolerance)
        #expect(try gradientError([x]) { $0[0].mean() } < Self.tolerance)
        #expect(try gradientError([x]) { try $0[0].sum(axes: [1]) } < Self.tolerance)
        #expect(try gradientError([x]) { try $0[0].mean(axes: [0, 2], keepingDimensions: true) } < Self.tolerance)
        let m = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        #expect(try m.sum(axes: [0]).data == [5, 7, 9])
        #expect(try m.mean(axes: [-1], keepingDimensions: true).shape == [2, 1])
        #expect(try m.mean(axes: [1]).data == [2, 5])
    }

    @Test func shapeOps() throws {
        let x = random([2, 3, 4])
        #expect(try gradientError([x]) { try $0[0].reshaped([4, -1]) } < Self.tolerance)
        #expect(try gradientError([x]) { try $0[0].transposed() } < Self.tolerance)
        #expect(try gradientError([x]) { try $0[0].permuted([2, 0, 1]) } < Self.tolerance)
        #expect(try gradientError([x]) { try $0[0].slice(axis: 1, 1..<3) } < Self.tolerance)
        #expect(try gradientError([x]) { try $0[0].flattened() } < Self.tolerance)
        #expect(try gradientError([x]) { try $0[0].selectingRows([1, 0, 1]) } < Self.tolerance)
        let y = random([2, 2, 4], seed: 5)
        #expect(try gradientError([x, y]) { try Tensor.concatenate([$0[0], $0[1]], axis: 1) } < Self.tolerance)
        let m = try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5, 6])
        #expect(try m.transposed().data == [1, 4, 2, 5, 3, 6])
        #expect(try m.slice(axis: 1, 1..<3).data == [2, 3, 5, 6])
        #expect(try Tensor.concatenate([m, m], axis: 0).shape == [4, 3])
        #expect(throws: ShapeError.self) { try m.reshaped([4, 2]) }
        #expect(throws: ShapeError.self) { try m.slice(axis: 1, 2..<5) }
        #expect(throws: ShapeError.self) { try m.permuted([0, 0]) }
    }

    @Test func elementwise() throws {
        let x = random([3, 5], -2...2, seed: 3)
        let positive = random([3, 5], 0.5...3, seed: 4)
        #expect(try gradientError([x], step: 1e-3) { $0[0].exp() } < Self.tolerance)
        #expect(try gradientError([positive]) { $0[0].log() } < Self.tolerance)
        #expect(try gradientError([positive]) { $0[0].sqrt() } < Self.tolerance)
        #expect(try gradientError([positive]) { $0[0].pow(2.5) } < Self.tolerance)
        #expect(try gradientError([x]) { $0[0].pow(2) } < Self.tolerance)
        #expect(try gradientError([x], step: 1e-3) { $0[0].relu() } < Self.tolerance)
        #expect(try gradientError([x], step: 1e-3) { $0[0].leakyRelu(slope: 0.1) } < Self.tolerance)
        #expect(try gradientError([x], step: 1e-3) { $0[0].abs() } < Self.tolerance)
        #expect(try gradientError([x]) { $0[0].sigmoid() } < Self.tolerance)
        #expect(try gradientError([x]) { $0[0].tanh() } < Self.tolerance)
        #expect(try gradientError([x], step: 1e-3) { $0[0].clamp(min: -0.5, max: 0.7) } < Self.tolerance)
        #expect(try Tensor(shape: [2], values: [-1000, 1000]).sigmoid().data == [0, 1])
    }

    /// Large tensors run in parallel slices and backward overwrites the incoming gradient in place:
    /// the same bits as a small tensor of the same elements, with 1 or 2 threads, and the tensor
    /// `backward()` starts from keeps its own gradient.
    @Test(arguments: [1, 2])
    func largeElementwiseChainMatchesSmall(threads: Int) throws {
        let n = 5 * (1 << 16) + 3, picked = Array(stride(from: 0, to: n, by: 997))
        let x = random([n], -2...2, seed: 12), seed = random([n], seed: 13).data
        x.requiresGradient = true
        let small = try Tensor(shape: [picked.count], values: picked.map { x.data[$0] }, requiresGradient: true)
        let y = try Parallel.withThreads(threads) { () throws -> Tensor in
            let y = x.relu().tanh()
            try y.backward(gradient: seed)
            return y
        }
        let ySmall = small.relu().tanh()
        try ySmall.backward(gradient: picked.map { seed[$0] })
        #expect(y.gradient! == seed)
        #expect(picked.map { y.data[$0] } == ySmall.data)
        #expect(picked.map { x.gradient![$0] } == small.gradient!)
    }

    @Test func softmax() throws {
        let x = random([3, 4], -3...3, seed: 6)
        #expect(try gradientError([x]) { try $0[0].softmax() } < Self.tolerance)
        #expect(try gradientError([x]) { try $0[0].logSoftmax() } < Self.tolerance)
        #expect(try gradientError([random([2, 3, 4])]) { try $0[0].softmax(axis: 1) } < Self.tolerance)
        #expect(try gradientError([random([2, 3, 4])]) { try $0[0].logSoftmax(axis: 0) } < Self.tolerance)
        // Stable for huge logits.
        let big = try Tensor(shape: [1, 3], values: [1000, 1000, -1000])
        let p = try big.softmax().data
        #expect(abs(p[0] - 0.5) < 1e-6 && abs(p[1] - 0.5) < 1e-6 && p[2] == 0)
        #expect(try big.logSoftmax().data[0].isFinite)
    }

    @Test func dropout() throws {
        let x = random([50, 40])
        var rng = RandomStream(seed: 3)
        let y = try x.dropout(probability: 0.25, generator: &rng)
        let zeros = y.data.filter { $0 == 0 }.count
        #expect(zeros > 400 && zeros < 600)
        for (a, b) in zip(x.data, y.data) where b != 0 { #expect(abs(b - a / 0.75) < 1e-6) }
        #expect(try gradientError([random([4, 5])]) { t in
            var r = RandomStream(seed: 11)
            return try t[0].dropout(probability: 0.5, generator: &r)
        } < Self.tolerance)
        #expect(throws: FitError.self) { try x.dropout(probability: 1, generator: &rng) }
    }
}

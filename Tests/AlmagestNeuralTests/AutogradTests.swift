import AlmagestCore
@testable import AlmagestNeural
import Testing

struct AutogradTests {
    @Test func accumulatesAndZeroes() throws {
        let x = try Tensor(shape: [2], values: [1, 2], requiresGradient: true)
        try (x * x).sum().backward()
        #expect(x.gradient == [2, 4])
        try (x * 3).sum().backward()
        #expect(x.gradient == [5, 7])
        x.zeroGradient()
        #expect(x.gradient == nil)
    }

    @Test func sharedNodeGetsBothPaths() throws {
        // y = x * x used twice: d/dx (y + y) = 4x.
        let x = try Tensor(shape: [3], values: [1, -2, 3], requiresGradient: true)
        let y = try x * x
        try (y + y).sum().backward()
        #expect(x.gradient == [4, -8, 12])
    }

    @Test func noGradientScope() throws {
        let x = try Tensor(shape: [2], values: [1, 2], requiresGradient: true)
        let y = Tensor.withoutGradient { x * 2 }
        #expect(!y.requiresGradient && !y.hasGradientFunction)
        #expect(throws: ShapeError.self) { try y.sum().backward() }
        let frozen = try Tensor(shape: [2], values: [1, 2])
        #expect(!(frozen * 2).requiresGradient)
    }

    @Test func backwardNeedsScalarOrSeed() throws {
        let x = try Tensor(shape: [2], values: [1, 2], requiresGradient: true)
        let y = x * 3
        #expect(throws: ShapeError.self) { try y.backward() }
        try y.backward(gradient: [1, 10])
        #expect(x.gradient == [3, 30])
    }

    @Test func deepChainDoesNotOverflow() throws {
        let x = try Tensor(shape: [1], values: [1], requiresGradient: true)
        var y = x
        for _ in 0..<20_000 { y = y * 1 }
        try y.sum().backward()
        #expect(x.gradient == [1])
    }
}

struct GradientCheckerTests {
    /// The checker itself must catch a wrong backward pass (here: d(x²)/dx taken as x).
    @Test func detectsAWrongGradient() throws {
        let error = try gradientError([random([3, 3], 0.5...2)]) { t in
            let x = t[0]
            return Tensor.result(shape: x.shape, data: x.data.map { $0 * $0 }, parents: [x]) { node in
                x.accumulateGradient(zip(node.gradient!, x.data).map { $0 * $1 })
            }
        }
        #expect(error > 0.1)
    }
}

struct TensorConstructionTests {
    @Test func shapeAndCountMustAgree() throws {
        #expect(throws: ShapeError.invalid(shape: [2, 3], reason: "needs 6 values, got 5")) {
            try Tensor(shape: [2, 3], values: [1, 2, 3, 4, 5])
        }
        #expect(throws: ShapeError.self) { try Tensor(shape: [-1, 2], values: []) }
        let m = try Matrix<Double>([[1, 2], [3, 4]])
        let t = Tensor(m)
        #expect(t.shape == [2, 2] && t.data == [1, 2, 3, 4])
        #expect(t.matrix() == m)
        #expect(throws: ShapeError.self) { try t.assign([1]) }
    }
}

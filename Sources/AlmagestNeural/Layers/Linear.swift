import AlmagestCore

/// A fully connected layer y = x · Wᵀ + b, with W stored as `[outputs, inputs]` like PyTorch (so
/// safetensors files exchange without transposing).
///
/// Forward and backward are fused into one recorded node of three SGEMM calls: y = x Wᵀ (+ b),
/// dx = dy W, dW += dyᵀ x, and db += column sums of dy. Inputs of more than two dimensions are
/// treated as `[-1, inputs]`. Cost: 2 · batch · inputs · outputs flops forward, twice that backward.
///
/// ```swift
/// let layer = Linear(inputs: 10, outputs: 95, seed: 42)
/// let h = try layer(x)                    // [batch, 10] -> [batch, 95]
/// ```
public final class Linear: Layer {
    public var isTraining = true
    public let inputs: Int
    public let outputs: Int
    /// `[outputs, inputs]`.
    public let weight: Tensor
    /// `[outputs]`, or nil without bias.
    public let bias: Tensor?

    /// Weights from `initialization` (Kaiming uniform by default); the bias starts at zero.
    public init(inputs: Int, outputs: Int, bias: Bool = true,
                initialization: WeightInitialization = .kaimingUniform, seed: Int) {
        self.inputs = inputs
        self.outputs = outputs
        self.weight = initialization.tensor(shape: [outputs, inputs], fanIn: inputs, fanOut: outputs, seed: seed)
        self.bias = bias ? Tensor.zeros([outputs], requiresGradient: true) : nil
    }

    public var parameters: [(name: String, tensor: Tensor)] {
        [(name: "weight", tensor: weight)] + (bias.map { [(name: "bias", tensor: $0)] } ?? [])
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        guard input.rank >= 1, input.shape[input.rank - 1] == inputs else {
            throw ShapeError.mismatch(operation: "Linear", left: input.shape, right: weight.shape,
                                      expected: "input [..., \(inputs)] for weight [\(outputs), \(inputs)]")
        }
        return linear(input, weight: weight, bias: bias, inputs: inputs, outputs: outputs)
    }
}

// MARK: - Private

/// The fused forward and backward of `x Wᵀ + b`.
func linear(_ x: Tensor, weight: Tensor, bias: Tensor?, inputs: Int, outputs: Int) -> Tensor {
    let rows = x.count / Swift.max(inputs, 1)
    var out = [Float](repeating: 0, count: rows * outputs)
    if rows > 0 {
        out.withUnsafeMutableBufferPointer { y in
            if let bias {
                bias.data.withUnsafeBufferPointer { b in
                    for r in 0..<rows { (y.baseAddress! + r * outputs).update(from: b.baseAddress!, count: outputs) }
                }
            }
            x.data.withUnsafeBufferPointer { px in
                weight.data.withUnsafeBufferPointer { pw in
                    BlockedGEMM.multiply(cutting: .columns, transposeA: false, transposeB: true, m: rows, n: outputs, k: inputs,
                                         a: px.baseAddress!, lda: inputs, b: pw.baseAddress!, ldb: inputs,
                                         beta: bias == nil ? 0 : 1, c: y.baseAddress!, ldc: outputs)
                }
            }
        }
    }
    let outShape = Array(x.shape.dropLast()) + [outputs]
    return Tensor.result(shape: outShape, data: out, parents: [x, weight] + (bias.map { [$0] } ?? [])) { node in
        guard rows > 0 else { return }
        node.gradient!.withUnsafeBufferPointer { g in
            if x.requiresGradient {
                x.withGradient { gx in
                    weight.data.withUnsafeBufferPointer { pw in
                        BlockedGEMM.multiply(cutting: .columns, transposeA: false, transposeB: false, m: rows, n: inputs, k: outputs,
                                             a: g.baseAddress!, lda: outputs, b: pw.baseAddress!, ldb: inputs,
                                             beta: 1, c: gx.baseAddress!, ldc: inputs)
                    }
                }
            }
            if weight.requiresGradient {
                weight.withGradient { gw in
                    x.data.withUnsafeBufferPointer { px in
                        BlockedGEMM.multiply(cutting: .columns, transposeA: true, transposeB: false, m: outputs, n: inputs, k: rows,
                                             a: g.baseAddress!, lda: outputs, b: px.baseAddress!, ldb: inputs,
                                             beta: 1, c: gw.baseAddress!, ldc: inputs)
                    }
                }
            }
            if let bias, bias.requiresGradient {
                bias.withGradient { gb in
                    for r in 0..<rows {
                        let row = g.baseAddress! + r * outputs
                        for j in 0..<outputs { gb[j] += row[j] }
                    }
                }
            }
        }
    }
}

import AlmagestCore

/// A 2-D convolution layer: weight `[out, in, kh, kw]` (PyTorch's layout) with Kaiming init from a
/// seed, optional bias, stride, padding and dilation. See `Tensor.conv2d` for the algorithm.
///
/// ```swift
/// let conv = Conv2d(inChannels: 3, outChannels: 64, kernelSize: (3, 3), padding: (1, 1), seed: 0)
/// let y = try conv(images)            // [N, 3, H, W] -> [N, 64, H, W]
/// ```
public final class Conv2d: Layer {
    public var isTraining = true
    public let weight: Tensor
    public let bias: Tensor?
    public let stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)

    public init(inChannels: Int, outChannels: Int, kernelSize: (Int, Int), stride: (Int, Int) = (1, 1),
                padding: (Int, Int) = (0, 0), dilation: (Int, Int) = (1, 1), bias: Bool = true,
                initialization: WeightInitialization = .kaimingUniform, seed: Int) {
        let fanIn = inChannels * kernelSize.0 * kernelSize.1, fanOut = outChannels * kernelSize.0 * kernelSize.1
        weight = initialization.tensor(shape: [outChannels, inChannels, kernelSize.0, kernelSize.1],
                                       fanIn: fanIn, fanOut: fanOut, seed: seed)
        self.bias = bias ? Tensor.zeros([outChannels], requiresGradient: true) : nil
        (self.stride, self.padding, self.dilation) = (stride, padding, dilation)
    }

    public var parameters: [(name: String, tensor: Tensor)] {
        [(name: "weight", tensor: weight)] + (bias.map { [(name: "bias", tensor: $0)] } ?? [])
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        try input.conv2d(weight: weight, bias: bias, stride: stride, padding: padding, dilation: dilation)
    }
}

/// Max pooling as a layer (stride defaults to the kernel).
public final class MaxPool2d: Layer {
    public var isTraining = true
    public let kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int)
    public init(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) {
        (self.kernel, self.stride, self.padding) = (kernel, stride ?? kernel, padding)
    }
    public func forward(_ input: Tensor) throws -> Tensor { try input.maxPool2d(kernel: kernel, stride: stride, padding: padding) }
}

/// Average pooling as a layer (stride defaults to the kernel).
public final class AvgPool2d: Layer {
    public var isTraining = true
    public let kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int)
    public init(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) {
        (self.kernel, self.stride, self.padding) = (kernel, stride ?? kernel, padding)
    }
    public func forward(_ input: Tensor) throws -> Tensor { try input.avgPool2d(kernel: kernel, stride: stride, padding: padding) }
}

/// Adaptive average pooling to a fixed output size as a layer.
public final class AdaptiveAvgPool2d: Layer {
    public var isTraining = true
    public let outputSize: (Int, Int)
    public init(outputSize: (Int, Int)) { self.outputSize = outputSize }
    public func forward(_ input: Tensor) throws -> Tensor { try input.adaptiveAvgPool2d(outputSize: outputSize) }
}

/// Batch normalisation over channels with learned scale (`weight`, γ) and shift (`bias`, β) and
/// running statistics saved as buffers (`running_mean`, `running_var`, PyTorch's names).
/// `BatchNorm1d` takes `[N, C]` or `[N, C, L]`, `BatchNorm2d` takes `[N, C, H, W]`.
/// A frozen layer (γ not trained) normalises with its running statistics and leaves them as they
/// are, also in training mode (Keras's rule for frozen batch norm; PyTorch would keep updating
/// them unless the layer is put in eval mode): a frozen block then computes the same function in
/// every epoch, which is also what the frozen-feature cache assumes.
///
/// ```swift
/// let bn = BatchNorm2d(channels: 64)
/// ```
public class BatchNormLayer: Layer {
    public var isTraining = true
    public let weight: Tensor, bias: Tensor, runningMean: Tensor, runningVariance: Tensor
    public let momentum: Float, epsilon: Float
    let ranks: Set<Int>

    init(channels: Int, momentum: Float, epsilon: Float, ranks: Set<Int>) {
        weight = Tensor.ones([channels], requiresGradient: true)
        bias = Tensor.zeros([channels], requiresGradient: true)
        runningMean = Tensor.zeros([channels])
        runningVariance = Tensor.ones([channels])
        (self.momentum, self.epsilon, self.ranks) = (momentum, epsilon, ranks)
    }

    public var parameters: [(name: String, tensor: Tensor)] { [(name: "weight", tensor: weight), (name: "bias", tensor: bias)] }
    public var buffers: [(name: String, tensor: Tensor)] {
        [(name: "running_mean", tensor: runningMean), (name: "running_var", tensor: runningVariance)]
    }

    public func forward(_ input: Tensor) throws -> Tensor {
        guard ranks.contains(input.rank) else {
            throw ShapeError.mismatch(operation: "\(type(of: self))", left: input.shape, right: weight.shape,
                                      expected: "an input of rank \(ranks.sorted().map(String.init).joined(separator: " or "))")
        }
        return try batchNorm(input, gamma: weight, beta: bias, runningMean: runningMean, runningVariance: runningVariance,
                             training: isTraining && weight.requiresGradient, momentum: momentum, epsilon: epsilon)
    }
}

public final class BatchNorm1d: BatchNormLayer {
    public init(features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        super.init(channels: features, momentum: momentum, epsilon: epsilon, ranks: [2, 3])
    }
}

public final class BatchNorm2d: BatchNormLayer {
    public init(channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        super.init(channels: channels, momentum: momentum, epsilon: epsilon, ranks: [4])
    }
}

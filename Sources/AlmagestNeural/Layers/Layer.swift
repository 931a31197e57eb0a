import AlmagestCore

/// A building block of a network: a forward function plus named parameters and sublayers.
///
/// Parameters are enumerated recursively with dotted names, as in PyTorch's `state_dict`
/// (`features.0.weight`), so they can be frozen (`requiresGradient = false`), replaced and saved
/// (`Safetensors`). Buffers are state that is saved but not trained (batch-norm running
/// statistics). Layers are reference types: the optimiser updates the tensors they hold.
///
/// ```swift
/// let net = Sequential([Linear(inputs: 4, outputs: 8, seed: 1), ReLU(), Linear(inputs: 8, outputs: 2, seed: 2)])
/// let logits = try net(x)
/// for (name, p) in net.namedParameters() { print(name, p.shape) }  // 0.weight [8, 4] ...
/// net.setTraining(false)                                            // dropout and batch norm in eval mode
/// ```
public protocol Layer: AnyObject {
    /// The layer applied to a batch.
    func forward(_ input: Tensor) throws -> Tensor
    /// Trainable tensors owned by this layer itself (not its sublayers), by local name.
    var parameters: [(name: String, tensor: Tensor)] { get }
    /// Saved, untrained tensors owned by this layer itself (running statistics).
    var buffers: [(name: String, tensor: Tensor)] { get }
    /// Direct sublayers, by local name.
    var children: [(name: String, layer: any Layer)] { get }
    /// Training mode (dropout active, batch norm on batch statistics) or evaluation mode.
    var isTraining: Bool { get set }
}

extension Layer {
    public var parameters: [(name: String, tensor: Tensor)] { [] }
    public var buffers: [(name: String, tensor: Tensor)] { [] }
    public var children: [(name: String, layer: any Layer)] { [] }

    /// `forward(input)`.
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try forward(input) }

    /// Every parameter of this layer and its sublayers, depth first, with dotted names.
    public func namedParameters() -> [(name: String, tensor: Tensor)] {
        collect(prefix: "") { $0.parameters }
    }

    /// Every buffer of this layer and its sublayers, with dotted names.
    public func namedBuffers() -> [(name: String, tensor: Tensor)] {
        collect(prefix: "") { $0.buffers }
    }

    /// Parameters then buffers: everything a checkpoint holds.
    public func namedState() -> [(name: String, tensor: Tensor)] { namedParameters() + namedBuffers() }

    /// The parameter tensors that still require a gradient (what an optimiser updates).
    public func trainableParameters() -> [Tensor] {
        namedParameters().map(\.tensor).filter(\.requiresGradient)
    }

    /// Freezes (or unfreezes) every parameter whose dotted name starts with `prefix`.
    public func setFrozen(_ frozen: Bool, prefix: String = "") {
        for (name, p) in namedParameters() where name.hasPrefix(prefix) { p.requiresGradient = !frozen }
    }

    /// Sets training mode on this layer and every sublayer.
    public func setTraining(_ training: Bool) {
        isTraining = training
        for child in children { child.layer.setTraining(training) }
    }

    /// Total number of parameter elements.
    public var parameterCount: Int { namedParameters().reduce(0) { $0 + $1.tensor.count } }

    // MARK: - Private

    private func collect(prefix: String, _ own: (any Layer) -> [(name: String, tensor: Tensor)]) -> [(name: String, tensor: Tensor)] {
        var result = own(self).map { (name: prefix + $0.name, tensor: $0.tensor) }
        for child in children {
            result += child.layer.collect(prefix: prefix + child.name + ".", own)
        }
        return result
    }
}

/// Layers applied one after the other; children are named "0", "1", ... as in PyTorch.
///
/// ```swift
/// let mlp = Sequential([Linear(inputs: 10, outputs: 95, seed: 0), ReLU(), Linear(inputs: 95, outputs: 2, seed: 1)])
/// ```
public final class Sequential: Layer {
    public private(set) var layers: [any Layer]
    public var isTraining = true

    public init(_ layers: [any Layer]) { self.layers = layers }

    public func forward(_ input: Tensor) throws -> Tensor {
        var x = input
        for layer in layers { x = try layer.forward(x) }
        return x
    }

    public var children: [(name: String, layer: any Layer)] {
        layers.enumerated().map { (name: String($0.offset), layer: $0.element) }
    }

    /// Replaces layer `index` (e.g. a new classification head).
    public func replace(at index: Int, with layer: any Layer) throws {
        guard layers.indices.contains(index) else {
            throw ShapeError.indexOutOfRange(what: "Sequential layer", index: index, bound: layers.count)
        }
        layers[index] = layer
    }

    /// Appends a layer.
    public func append(_ layer: any Layer) { layers.append(layer) }
}

import AlmagestCore

/// Reverse-mode differentiation over the recorded graph.
///
/// `backward()` seeds the output's gradient (ones for a scalar loss, or a given gradient), orders
/// the graph topologically with an iterative depth-first search (no recursion, so deep graphs
/// cannot overflow the stack) and calls each node's backward closure from the output down.
/// Gradients accumulate into leaves (`+=`) until `zeroGradient()`; gradients of intermediate
/// nodes are released once propagated. Cost: one visit per node plus the backward closures.
///
/// ```swift
/// let x = try Tensor(shape: [2], values: [1, 2], requiresGradient: true)
/// try (x * x).sum().backward()                // x.gradient == [2, 4]
/// ```
extension Tensor {
    /// Computes gradients of this tensor with respect to every leaf that requires one.
    /// Needs a one-element tensor unless `gradient` (same count as `data`) is given.
    public func backward(gradient seed: [Float]? = nil) throws {
        guard requiresGradient else {
            throw ShapeError.invalid(shape: shape, reason: "backward() on a tensor that does not require a gradient")
        }
        if let seed {
            guard seed.count == count else {
                throw ShapeError.mismatch(operation: "backward", left: shape, right: [seed.count],
                                          expected: "a seed gradient with \(count) values")
            }
            accumulateGradient(seed)
        } else {
            guard count == 1 else {
                throw ShapeError.invalid(shape: shape, reason: "backward() without a seed gradient needs one element")
            }
            accumulateGradient([1])
        }
        isBackwardRoot = true
        defer { isBackwardRoot = false }
        for node in topologicalOrder().reversed() {
            guard let function = node.backwardFunction, node.gradient != nil else { continue }
            function(node)
            if node !== self { node.gradient = nil }
        }
    }

    /// Nodes reachable from `self` through recorded ops, parents before children.
    internal func topologicalOrder() -> [Tensor] {
        var order: [Tensor] = []
        var visited = Set<ObjectIdentifier>()
        var stack: [(Tensor, Int)] = [(self, 0)]
        visited.insert(ObjectIdentifier(self))
        while let (node, next) = stack.popLast() {
            if next < node.parents.count {
                stack.append((node, next + 1))
                let parent = node.parents[next]
                if parent.requiresGradient, visited.insert(ObjectIdentifier(parent)).inserted {
                    stack.append((parent, 0))
                }
            } else {
                order.append(node)
            }
        }
        return order
    }
}

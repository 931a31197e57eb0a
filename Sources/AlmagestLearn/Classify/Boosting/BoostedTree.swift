import AlmagestCore

/// One regression tree of a gradient-boosted model: internal nodes send a row left when its
/// feature is at most the threshold (or, for a missing value, NaN, the way the training chose),
/// leaves hold the value added to the row's score (the learning rate already applied).
///
/// Nodes are stored in the order they were created, so every child comes after its parent;
/// `validateStructure` checks that (and the feature indices) on a decoded tree, so that walking it
/// always ends. Cost: O(depth) per row.
///
/// ```swift
/// let value = tree.value(of: row)      // row: UnsafePointer<Double> to the features
/// ```
public struct BoostedTree: Codable, Sendable, Equatable {
    /// A node: a split (`feature` ≥ 0) or a leaf (`feature` = -1).
    public struct Node: Codable, Sendable, Equatable {
        /// Feature tested, or -1 for a leaf.
        public let feature: Int
        /// Rows with `x[feature] ≤ threshold` go to `left`.
        public let threshold: Double
        /// Where a missing value goes.
        public let missingGoesLeft: Bool
        public let left: Int
        public let right: Int
        /// The leaf's contribution to the score (0 for a split).
        public let value: Double

        /// A leaf adding `value`.
        public static func leaf(_ value: Double) -> Node {
            Node(feature: -1, threshold: 0, missingGoesLeft: false, left: -1, right: -1, value: value)
        }

        public var isLeaf: Bool { feature < 0 }
    }

    public let nodes: [Node]

    public init(nodes: [Node]) { self.nodes = nodes }

    /// Number of leaves.
    public var leafCount: Int { nodes.reduce(0) { $0 + ($1.isLeaf ? 1 : 0) } }

    /// Depth of the deepest leaf (a single leaf: 0).
    public var depth: Int {
        var depths = [Int](repeating: 0, count: nodes.count)
        for (i, node) in nodes.enumerated() where !node.isLeaf {
            depths[node.left] = depths[i] + 1
            depths[node.right] = depths[i] + 1
        }
        return depths.max() ?? 0
    }

    /// The value of the leaf that the row `x` (the features, contiguous) reaches.
    @inline(__always)
    func value(of x: UnsafePointer<Double>) -> Double {
        var i = 0
        while true {
            let node = nodes[i]
            if node.feature < 0 { return node.value }
            let v = x[node.feature]
            i = (v <= node.threshold || (v.isNaN && node.missingGoesLeft)) ? node.left : node.right
        }
    }

    /// Throws `FitError.invalidParameter` when a node's children are not after it and inside the
    /// tree, or its feature is outside `0..<features` (a corrupt or hand-edited model file).
    func validateStructure(features: Int) throws {
        try require(!nodes.isEmpty, "boosted tree", "no nodes", expected: "at least one node")
        for (i, node) in nodes.enumerated() where !node.isLeaf {
            try require(node.feature < features, "boosted tree node \(i) feature", node.feature,
                        expected: "a feature index below \(features)")
            try require(node.left > i && node.left < nodes.count && node.right > i && node.right < nodes.count,
                        "boosted tree node \(i) children", "\(node.left), \(node.right)",
                        expected: "indices after the node and below \(nodes.count)")
            try require(node.threshold.isFinite, "boosted tree node \(i) threshold", node.threshold, expected: "a finite number")
        }
    }
}

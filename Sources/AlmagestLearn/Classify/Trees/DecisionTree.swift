import AlmagestCore

/// A fitted binary classification tree, stored as parallel arrays indexed by node (scikit-learn's
/// `Tree` layout): node 0 is the root, and the nodes are numbered depth-first, left child first.
/// An internal node sends a row left when `row[feature] <= threshold`; a leaf (feature −1, children
/// −1) holds the weighted class counts of the training rows that reached it, whose frequencies are
/// its class probabilities.
///
/// Cost: O(depth) per row to predict.
///
/// ```swift
/// let tree = try DecisionTreeClassifier(maxDepth: 3).fit(x, labels: y).tree
/// tree.nodeCount; tree.leafCount; tree.depth
/// let leaf = tree.leaf(of: x.row(0))
/// tree.classCounts(ofNode: leaf)      // weighted training counts, one per class
/// ```
public struct DecisionTree: Codable, Sendable, Equatable {
    /// Feature tested at each node; −1 at leaves.
    public let features: [Int]
    /// Threshold at each node (rows with `row[feature] <= threshold` go left); 0 at leaves.
    public let thresholds: [Double]
    /// Children of each node; −1 at leaves.
    public let leftChildren: [Int]
    public let rightChildren: [Int]
    /// Impurity (of the tree's criterion) of the training rows at each node.
    public let impurities: [Double]
    /// Number of training rows at each node (distinct rows: a bootstrap repeat counts once).
    public let sampleCounts: [Int]
    /// Weighted number of training rows at each node (bootstrap repeats count as often as drawn).
    public let weightedSampleCounts: [Double]
    /// Weighted class counts of every node, `classCount` per node, node after node.
    public let classCounts: [Double]
    /// Number of classes.
    public let classCount: Int

    public var nodeCount: Int { features.count }
    public var leafCount: Int { features.reduce(0) { $0 + ($1 < 0 ? 1 : 0) } }

    /// True when `node` has no children.
    public func isLeaf(_ node: Int) -> Bool { leftChildren[node] < 0 }

    /// Number of edges on the longest path from the root to a leaf.
    public var depth: Int {
        var deepest = 0
        var stack = [(0, 0)]
        while let (node, d) = stack.popLast() {
            deepest = Swift.max(deepest, d)
            if !isLeaf(node) { stack += [(leftChildren[node], d + 1), (rightChildren[node], d + 1)] }
        }
        return deepest
    }

    /// The weighted class counts of `node`.
    public func classCounts(ofNode node: Int) -> [Double] {
        Array(classCounts[(node * classCount)..<((node + 1) * classCount)])
    }

    /// The leaf a row (of the training width) falls in.
    public func leaf<C: Collection<Double>>(of row: C) -> Int where C.Index == Int {
        var node = 0
        while leftChildren[node] >= 0 {
            node = row[row.startIndex + features[node]] <= thresholds[node] ? leftChildren[node] : rightChildren[node]
        }
        return node
    }

    /// How many internal nodes split on each of `count` features.
    public func splitCounts(features count: Int) -> [Int] {
        var counts = [Int](repeating: 0, count: count)
        for node in 0..<nodeCount where !isLeaf(node) { counts[features[node]] += 1 }
        return counts
    }

    /// Impurity decrease of every feature, weighted by the share of training weight at each node
    /// and normalised to sum 1 (all zeros for a tree that is a single leaf): scikit-learn's
    /// `feature_importances_`.
    public func featureImportances(features count: Int) -> [Double] {
        var importances = [Double](repeating: 0, count: count)
        for node in 0..<nodeCount where !isLeaf(node) {
            let l = leftChildren[node], r = rightChildren[node]
            importances[features[node]] += weightedSampleCounts[node] * impurities[node]
                - weightedSampleCounts[l] * impurities[l] - weightedSampleCounts[r] * impurities[r]
        }
        let total = importances.reduce(0, +)
        return total > 0 ? importances.map { $0 / total } : importances
    }

    /// Adds the class probabilities of the leaf of each row of `x` (row-major, `x.columns` wide)
    /// into `out[row * classCount + k]`, scaled by `scale`, for rows `rows`.
    func accumulateProbabilities(_ x: UnsafeBufferPointer<Double>, columns: Int, rows: Range<Int>,
                                 scale: Double, into out: UnsafeMutablePointer<Double>) {
        features.withUnsafeBufferPointer { f in
            thresholds.withUnsafeBufferPointer { t in
                leftChildren.withUnsafeBufferPointer { left in
                    rightChildren.withUnsafeBufferPointer { right in
                        classCounts.withUnsafeBufferPointer { counts in
                            for i in rows {
                                let row = x.baseAddress! + i * columns
                                var node = 0
                                while left[node] >= 0 { node = row[f[node]] <= t[node] ? left[node] : right[node] }
                                let c = counts.baseAddress! + node * classCount
                                var total = 0.0
                                for k in 0..<classCount { total += c[k] }
                                guard total > 0 else { continue }
                                for k in 0..<classCount { out[i * classCount + k] += c[k] / total * scale }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Throws `FitError.invalidParameter` when the arrays do not describe a tree over `features`
    /// features and `classCount` classes (a corrupted model file), instead of crashing later.
    func validateStructure(features width: Int, classes: Int) throws {
        let n = nodeCount
        let consistent = n >= 1 && classCount == classes && thresholds.count == n && leftChildren.count == n
            && rightChildren.count == n && impurities.count == n && sampleCounts.count == n
            && weightedSampleCounts.count == n && classCounts.count == n * classes
        let linked = consistent && (0..<n).allSatisfy { node in
            let l = leftChildren[node], r = rightChildren[node]
            if l < 0 || r < 0 { return l < 0 && r < 0 }
            return l > node && r > node && l < n && r < n && features[node] >= 0 && features[node] < width
        }
        try require(linked, "decision tree", "\(n) nodes over \(classCount) classes",
                    expected: "one entry per node in every array, children after their parent, features below \(width), \(classes) classes")
    }
}

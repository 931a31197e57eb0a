/// Minimal cost-complexity pruning (Breiman, Friedman, Olshen & Stone, 1984, ch. 3), as
/// scikit-learn's `ccp_alpha`: the cost of a subtree T is R_α(T) = R(T) + α |leaves(T)|, where R is
/// the sum over leaves of (weight share) x impurity. Repeatedly, the internal node t with the
/// smallest effective alpha g(t) = (R(t) − R(T_t)) / (|leaves(T_t)| − 1) is collapsed into a leaf
/// (the first in node order on ties), until the smallest g(t) exceeds `alpha`.
///
/// Cost: O(nodes²) in the worst case (one scan of the candidates per pruning step).
///
/// ```swift
/// let path = tree.costComplexityPruningPath()     // alphas [0, ...], total leaf impurities
/// let smaller = tree.pruned(alpha: path.alphas[2])
/// ```
extension DecisionTree {
    /// The effective alphas at which the tree loses branches, starting at 0 with the full tree, and
    /// the total leaf impurity R(T) of the tree pruned at each (scikit-learn's
    /// `cost_complexity_pruning_path`); the last entry is the root alone.
    public func costComplexityPruningPath() -> (alphas: [Double], impurities: [Double]) {
        var alphas: [Double] = [], impurities: [Double] = []
        _ = pruneLeaves(stopAt: .infinity) { alpha, impurity in
            alphas.append(alpha)
            impurities.append(impurity)
        }
        return (alphas, impurities)
    }

    /// The tree with every branch whose effective alpha is at most `alpha` collapsed into a leaf;
    /// the tree itself when `alpha` is 0. Nodes keep their depth-first, left-first order.
    public func pruned(alpha: Double) -> DecisionTree {
        guard alpha > 0, nodeCount > 1 else { return self }
        let isLeafNow = pruneLeaves(stopAt: alpha) { _, _ in }
        var kept: [Int] = []
        var stack = [0]
        while let node = stack.popLast() {
            kept.append(node)
            if !isLeafNow[node] { stack += [rightChildren[node], leftChildren[node]] }
        }
        var newIndex = [Int](repeating: -1, count: nodeCount)
        for (i, node) in kept.enumerated() { newIndex[node] = i }
        return DecisionTree(
            features: kept.map { isLeafNow[$0] ? -1 : features[$0] },
            thresholds: kept.map { isLeafNow[$0] ? 0 : thresholds[$0] },
            leftChildren: kept.map { isLeafNow[$0] ? -1 : newIndex[leftChildren[$0]] },
            rightChildren: kept.map { isLeafNow[$0] ? -1 : newIndex[rightChildren[$0]] },
            impurities: kept.map { impurities[$0] }, sampleCounts: kept.map { sampleCounts[$0] },
            weightedSampleCounts: kept.map { weightedSampleCounts[$0] },
            classCounts: kept.flatMap { classCounts(ofNode: $0) }, classCount: classCount)
    }

    // MARK: - Private

    /// Runs the pruning sequence while the smallest effective alpha is at most `stopAt`, telling
    /// `record` (alpha, total leaf impurity) before the first step and after each; returns which
    /// nodes are leaves of the pruned tree (scikit-learn's `_cost_complexity_prune`).
    private func pruneLeaves(stopAt limit: Double, record: (Double, Double) -> Void) -> [Bool] {
        let n = nodeCount
        let totalWeight = weightedSampleCounts[0]
        let nodeCost = (0..<n).map { weightedSampleCounts[$0] * impurities[$0] / totalWeight }
        var parent = [Int](repeating: -1, count: n)
        var isLeafNow = (0..<n).map { isLeaf($0) }
        for node in 0..<n where !isLeaf(node) {
            parent[leftChildren[node]] = node
            parent[rightChildren[node]] = node
        }
        // Cost of each branch (sum over its leaves) and its number of leaves.
        var branchCost = [Double](repeating: 0, count: n)
        var leaves = [Int](repeating: 0, count: n)
        for leaf in 0..<n where isLeaf(leaf) {
            branchCost[leaf] = nodeCost[leaf]
            var node = leaf
            while node != 0 {
                node = parent[node]
                branchCost[node] += nodeCost[leaf]
                leaves[node] += 1
            }
        }
        var isCandidate = (0..<n).map { !isLeaf($0) }
        var inSubtree = [Bool](repeating: true, count: n)
        record(0, branchCost[0])
        while isCandidate[0] {
            var effectiveAlpha = Double.greatestFiniteMagnitude, prunedNode = 0
            for node in 0..<n where isCandidate[node] {
                let alpha = (nodeCost[node] - branchCost[node]) / Double(leaves[node] - 1)
                if alpha < effectiveAlpha {
                    effectiveAlpha = alpha
                    prunedNode = node
                }
            }
            if limit < effectiveAlpha { break }
            var stack = [prunedNode]
            while let node = stack.popLast() {
                guard inSubtree[node] else { continue }
                isCandidate[node] = false
                isLeafNow[node] = false
                inSubtree[node] = false
                if !isLeaf(node) { stack += [leftChildren[node], rightChildren[node]] }
            }
            isLeafNow[prunedNode] = true
            inSubtree[prunedNode] = true
            let prunedLeaves = leaves[prunedNode] - 1
            leaves[prunedNode] = 0
            let difference = nodeCost[prunedNode] - branchCost[prunedNode]
            branchCost[prunedNode] = nodeCost[prunedNode]
            var node = parent[prunedNode]
            while node >= 0 {
                leaves[node] -= prunedLeaves
                branchCost[node] += difference
                node = parent[node]
            }
            record(effectiveAlpha, branchCost[0])
        }
        return isLeafNow
    }
}

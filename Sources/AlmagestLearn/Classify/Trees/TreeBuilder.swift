import AlmagestCore

/// Grows one CART classification tree (Breiman, Friedman, Olshen & Stone, "Classification and
/// Regression Trees", 1984) depth first, as scikit-learn's `DepthFirstTreeBuilder` with its
/// `BestSplitter` or, for extremely randomised trees (Geurts, Ernst & Wehenkel, 2006), its
/// `RandomSplitter`. `DecisionTreeClassifier`, `RandomForestClassifier` and `ExtraTreesClassifier`
/// share it.
///
/// At each node, up to `maxFeatures` features (drawn without replacement from the node's random
/// stream; all of them in index order when every feature is searched) are searched for the split
/// that most lowers the weighted impurity of the two children. The best splitter sorts the node's
/// values of a feature with their rows and scans every threshold halfway between distinct values;
/// the random splitter draws one threshold uniformly between the feature's minimum and maximum at
/// the node. Features constant at the node (a spread of at most 1e-7) do not count towards
/// `maxFeatures`. Ties keep the first split found. Rows may carry integer weights (bootstrap
/// counts): class counts and impurities are weighted, `minSamplesLeaf` and `minSamplesSplit`
/// count distinct rows, as in scikit-learn.
///
/// Nodes of at least 128 rows are sorted by a radix sort of the features' ranks (`FeatureRanks`,
/// computed once per training set), smaller ones by comparisons; both give the same order of
/// distinct values, so the same tree.
///
/// Cost: O(m n) per tree level for m searched features on large nodes (radix passes, one per
/// 8 bits of the rank), O(m n log n) on small ones (best splitter), O(m n) (random); buffers of
/// O(n) are allocated once per tree, none per row or node.
///
/// ```swift
/// let data = try TreeTrainingSet(x, labels: y, estimator: "decision tree")
/// var rng = RandomStream(seed: 0)
/// let tree = TreeGrowth(criterion: .gini, maxFeatures: data.features).grow(data, rows: nil, weights: nil, rng: &rng)
/// ```
struct TreeGrowth: Sendable {
    var criterion: SplitCriterion = .gini
    /// 0 for unlimited.
    var maxDepth: Int = 0
    var minSamplesSplit: Int = 2
    var minSamplesLeaf: Int = 1
    var minImpurityDecrease: Double = 0
    /// Features searched per split (resolved, 1...features).
    var maxFeatures: Int
    /// Extremely randomised trees: one uniform threshold per feature instead of the best one.
    var randomThresholds: Bool = false
    /// Rows from which a node is sorted by the radix sort of its ranks rather than by comparisons
    /// (below it, the 256-entry digit counts cost more than they save); the tree is the same.
    var radixSortMinimum = 128

    /// Grows a tree on `rows` of `data` (every row when nil), weighted by `weights` (indexed by
    /// row of `data`; all 1 when nil).
    func grow(_ data: TreeTrainingSet, rows: [Int32]?, weights: [Double]?, rng: inout RandomStream) -> DecisionTree {
        let sample = rows ?? (0..<Int32(data.rows)).map { $0 }
        let w = weights ?? [Double](repeating: 1, count: data.rows)
        return data.columns.withUnsafeBufferPointer { x in
            data.labels.withUnsafeBufferPointer { y in
                w.withUnsafeBufferPointer { w in
                    data.ranks.ranks.withUnsafeBufferPointer { ranks in
                        var builder = TreeBuilderState(
                            growth: self, x: x.baseAddress!, y: y.baseAddress!, w: w.baseAddress!, rows: data.rows,
                            features: data.features, classes: data.classCount, sample: sample,
                            ranks: ranks.baseAddress!, rankBits: data.ranks.bits)
                        defer { builder.deallocate() }
                        return builder.build(rng: &rng)
                    }
                }
            }
        }
    }
}

/// Training rows prepared once for tree growing (and shared by all trees of a forest): features
/// column by column, labels as indices into the sorted distinct `classes`. The initialiser is the
/// public boundary's data check: non-empty, finite, one label per row, at least two classes;
/// `estimator` names the estimator in the errors ("decision tree", "extra trees").
struct TreeTrainingSet: Sendable {
    /// `features` columns of `rows` values each (feature j at `j * rows`).
    let columns: [Double]
    let labels: [Int32]
    let classes: [Int]
    let rows: Int
    let features: Int
    /// Each column's values as ranks, for the radix sort of large nodes.
    let ranks: FeatureRanks
    var classCount: Int { classes.count }

    init(_ x: Matrix<Double>, labels: [Int], estimator: String) throws {
        try x.validateForFit(estimator + " input")
        guard labels.count == x.rows else {
            throw FitError.invalidLabels(reason: "got \(labels.count) labels for \(x.rows) rows; expected one per row")
        }
        let classes = Array(Set(labels)).sorted()
        guard classes.count >= 2 else {
            throw FitError.invalidLabels(reason: "found \(classes.count) class (\(classes)); \(estimator) classification needs at least 2")
        }
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($0.element, Int32($0.offset)) })
        self.labels = labels.map { index[$0]! }
        self.classes = classes
        (rows, features) = (x.rows, x.columns)
        let (n, d) = (x.rows, x.columns)
        columns = x.withUnsafeBufferPointer { src in
            [Double](unsafeUninitializedCapacity: n * d) { out, count in
                for i in 0..<n {
                    for j in 0..<d { out[j * n + i] = src[i * d + j] }
                }
                count = n * d
            }
        }
        ranks = FeatureRanks(columns: columns, rows: n, features: d)
    }
}

// MARK: - Private

/// Spread below which a feature counts as constant at a node, and two sorted values as equal
/// (scikit-learn's `FEATURE_THRESHOLD`).
private let featureThreshold = 1e-7
/// Impurity at or below which a node is pure, and the slack of `minImpurityDecrease`.
private let impurityEpsilon = Double.ulpOfOne

/// The best split found at a node.
private struct Split {
    var feature = -1
    var threshold = 0.0
    /// Weighted impurity sum of the children, wₗ·iₗ + wᵣ·iᵣ (lower is better).
    var childrenCost = Double.infinity
    var leftImpurity = 0.0, rightImpurity = 0.0
    var leftWeight = 0.0, rightWeight = 0.0

    /// No split yet: infinitely costly.
    init() {}

    /// The split of `feature` at `threshold` whose left part has the weighted class counts `left`
    /// (summing to `leftWeight`) out of the node's `total` (summing to `weight`); fills `right`.
    init(feature: Int, threshold: Double, left: UnsafeMutablePointer<Double>, right: UnsafeMutablePointer<Double>,
         total: UnsafeMutablePointer<Double>, classes: Int, leftWeight: Double, weight: Double, criterion: SplitCriterion) {
        rightWeight = weight - leftWeight
        for k in 0..<classes { right[k] = total[k] - left[k] }
        leftImpurity = criterion.impurity(left, classes: classes, total: leftWeight)
        rightImpurity = criterion.impurity(right, classes: classes, total: rightWeight)
        childrenCost = leftWeight * leftImpurity + rightWeight * rightImpurity
        (self.feature, self.threshold, self.leftWeight) = (feature, threshold, leftWeight)
    }
}

/// A node waiting to be grown: its rows `sample[start..<end]`.
private struct PendingNode {
    var start: Int, end: Int, depth: Int, parent: Int, isLeft: Bool
}

/// The mutable state of one tree's growth: scratch buffers over the rows, and the node arrays.
private struct TreeBuilderState {
    let growth: TreeGrowth
    let x: UnsafePointer<Double>, y: UnsafePointer<Int32>, w: UnsafePointer<Double>
    let rows: Int, features: Int, classes: Int
    let count: Int
    let sample: UnsafeMutablePointer<Int32>
    let values: UnsafeMutablePointer<Double>
    /// Ranks of the features (`FeatureRanks`) and the radix sort's buffers.
    let ranks: UnsafePointer<UInt32>, rankBits: Int
    let keys: UnsafeMutablePointer<UInt32>, scratchKeys: UnsafeMutablePointer<UInt32>
    let scratchSample: UnsafeMutablePointer<Int32>, histogram: UnsafeMutablePointer<Int>
    /// Class counts: node total, left part while scanning, right part, and best-split scratch.
    let total: UnsafeMutablePointer<Double>, left: UnsafeMutablePointer<Double>, right: UnsafeMutablePointer<Double>
    var featureOrder: [Int]
    var weightTotal = 0.0

    var nodeFeatures: [Int] = [], thresholds: [Double] = [], leftChildren: [Int] = [], rightChildren: [Int] = []
    var impurities: [Double] = [], sampleCounts: [Int] = [], weightedCounts: [Double] = [], classCounts: [Double] = []

    init(growth: TreeGrowth, x: UnsafePointer<Double>, y: UnsafePointer<Int32>, w: UnsafePointer<Double>, rows: Int,
         features: Int, classes: Int, sample: [Int32], ranks: UnsafePointer<UInt32>, rankBits: Int) {
        (self.growth, self.x, self.y, self.w, self.rows, self.features, self.classes) = (growth, x, y, w, rows, features, classes)
        (self.ranks, self.rankBits) = (ranks, rankBits)
        count = sample.count
        keys = .allocate(capacity: 2 * Swift.max(count, 1))
        scratchKeys = keys + Swift.max(count, 1)
        scratchSample = .allocate(capacity: Swift.max(count, 1))
        histogram = .allocate(capacity: 1024)
        let rowsBuffer = UnsafeMutablePointer<Int32>.allocate(capacity: Swift.max(count, 1))
        sample.withUnsafeBufferPointer { rowsBuffer.initialize(from: $0.baseAddress!, count: sample.count) }
        self.sample = rowsBuffer
        values = .allocate(capacity: Swift.max(count, 1))
        total = .allocate(capacity: 3 * classes)
        left = total + classes
        right = total + 2 * classes
        featureOrder = Array(0..<features)
    }

    func deallocate() {
        sample.deallocate()
        values.deallocate()
        total.deallocate()
        keys.deallocate()
        scratchSample.deallocate()
        histogram.deallocate()
    }

    mutating func build(rng: inout RandomStream) -> DecisionTree {
        let maxDepth = growth.maxDepth == 0 ? Int.max : growth.maxDepth
        var stack = [PendingNode(start: 0, end: count, depth: 0, parent: -1, isLeft: false)]
        while let node = stack.popLast() {
            let id = nodeFeatures.count
            if node.parent >= 0 {
                if node.isLeft { leftChildren[node.parent] = id } else { rightChildren[node.parent] = id }
            }
            let (weight, impurity) = countClasses(node.start, node.end)
            if id == 0 { weightTotal = weight }
            appendNode(samples: node.end - node.start, weight: weight, impurity: impurity)
            let n = node.end - node.start
            if node.depth >= maxDepth || n < growth.minSamplesSplit || n < 2 * growth.minSamplesLeaf
                || impurity <= impurityEpsilon {
                continue
            }
            let split = growth.randomThresholds
                ? findRandomSplit(node.start, node.end, rng: &rng)
                : findBestSplit(node.start, node.end, rng: &rng)
            guard split.feature >= 0 else { continue }
            let improvement = weight / weightTotal
                * (impurity - split.leftWeight / weight * split.leftImpurity - split.rightWeight / weight * split.rightImpurity)
            if improvement + impurityEpsilon < growth.minImpurityDecrease { continue }
            let middle = partition(node.start, node.end, feature: split.feature, threshold: split.threshold)
            nodeFeatures[id] = split.feature
            thresholds[id] = split.threshold
            stack.append(PendingNode(start: middle, end: node.end, depth: node.depth + 1, parent: id, isLeft: false))
            stack.append(PendingNode(start: node.start, end: middle, depth: node.depth + 1, parent: id, isLeft: true))
        }
        return DecisionTree(
            features: nodeFeatures, thresholds: thresholds, leftChildren: leftChildren, rightChildren: rightChildren,
            impurities: impurities, sampleCounts: sampleCounts, weightedSampleCounts: weightedCounts,
            classCounts: classCounts, classCount: classes)
    }

    /// Fills `total` with the weighted class counts of `sample[start..<end]`; returns their sum and
    /// impurity.
    private func countClasses(_ start: Int, _ end: Int) -> (Double, Double) {
        total.update(repeating: 0, count: classes)
        var weight = 0.0
        for p in start..<end {
            let row = Int(sample[p])
            total[Int(y[row])] += w[row]
            weight += w[row]
        }
        return (weight, growth.criterion.impurity(total, classes: classes, total: weight))
    }

    private mutating func appendNode(samples: Int, weight: Double, impurity: Double) {
        nodeFeatures.append(-1)
        thresholds.append(0)
        leftChildren.append(-1)
        rightChildren.append(-1)
        impurities.append(impurity)
        sampleCounts.append(samples)
        weightedCounts.append(weight)
        for k in 0..<classes { classCounts.append(total[k]) }
    }

    /// Calls `search(feature)` on features drawn without replacement until `maxFeatures` of them
    /// were not constant at the node (`search` returns false for a constant one) or none is left;
    /// `search` draws its own random numbers (thresholds) from the same stream.
    private mutating func forEachCandidate(rng: inout RandomStream, _ search: (Int, inout RandomStream) -> Bool) {
        var visited = 0
        let drawsAll = growth.maxFeatures >= features
        for drawn in 0..<features {
            let feature: Int
            if drawsAll {
                feature = drawn
            } else {
                let j = drawn + rng.nextInt(below: features - drawn)
                featureOrder.swapAt(drawn, j)
                feature = featureOrder[drawn]
            }
            if search(feature, &rng) {
                visited += 1
                if visited >= growth.maxFeatures { return }
            }
        }
    }

    /// scikit-learn's `node_split_best`: every threshold between distinct sorted values.
    private mutating func findBestSplit(_ start: Int, _ end: Int, rng: inout RandomStream) -> Split {
        var best = Split()
        let (x, y, w, sample, values, left, right, total) = (x, y, w, sample, values, left, right, total)
        let (rows, classes, minLeaf, criterion) = (self.rows, self.classes, growth.minSamplesLeaf, growth.criterion)
        let (ranks, rankBits, keys, scratchKeys, scratchSample, histogram) = (ranks, rankBits, keys, scratchKeys, scratchSample, histogram)
        let weight = (0..<classes).reduce(0.0) { $0 + total[$1] }
        let (n, radixSortMinimum) = (end - start, growth.radixSortMinimum)
        forEachCandidate(rng: &rng) { feature, _ in
            let column = x + feature * rows
            if n >= radixSortMinimum {
                let rank = ranks + feature * rows
                for p in start..<end { keys[p - start] = rank[Int(sample[p])] }
                radixSortByRank(keys, sample + start, scratchKeys, scratchSample, histogram: histogram, count: n, bits: rankBits)
                for p in start..<end { values[p] = column[Int(sample[p])] }
            } else {
                for p in start..<end { values[p] = column[Int(sample[p])] }
                sortWithIndices(values + start, sample + start, count: n)
            }
            if values[end - 1] <= values[start] + featureThreshold { return false }
            left.update(repeating: 0, count: classes)
            var leftWeight = 0.0
            for p in start..<(end - 1) {
                let row = Int(sample[p])
                left[Int(y[row])] += w[row]
                leftWeight += w[row]
                if values[p + 1] <= values[p] + featureThreshold { continue }
                let position = p + 1
                if position - start < minLeaf || end - position < minLeaf { continue }
                var threshold = values[p] / 2 + values[position] / 2
                if threshold == values[position] || !threshold.isFinite { threshold = values[p] }
                let candidate = Split(feature: feature, threshold: threshold, left: left, right: right, total: total,
                                      classes: classes, leftWeight: leftWeight, weight: weight, criterion: criterion)
                if candidate.childrenCost < best.childrenCost { best = candidate }
            }
            return true
        }
        return best
    }

    /// scikit-learn's `node_split_random`: one uniform threshold per feature.
    private mutating func findRandomSplit(_ start: Int, _ end: Int, rng: inout RandomStream) -> Split {
        var best = Split()
        let (x, y, w, sample, left, right, total) = (x, y, w, sample, left, right, total)
        let (rows, classes, minLeaf, criterion) = (self.rows, self.classes, growth.minSamplesLeaf, growth.criterion)
        let weight = (0..<classes).reduce(0.0) { $0 + total[$1] }
        forEachCandidate(rng: &rng) { feature, stream in
            let column = x + feature * rows
            var low = Double.infinity, high = -Double.infinity
            for p in start..<end {
                let v = column[Int(sample[p])]
                low = Swift.min(low, v)
                high = Swift.max(high, v)
            }
            if high <= low + featureThreshold { return false }
            var threshold = low + (high - low) * stream.nextDouble()
            if threshold == high { threshold = low }
            left.update(repeating: 0, count: classes)
            var leftWeight = 0.0, leftCount = 0
            for p in start..<end {
                let row = Int(sample[p])
                if column[row] <= threshold {
                    left[Int(y[row])] += w[row]
                    leftWeight += w[row]
                    leftCount += 1
                }
            }
            if leftCount < minLeaf || end - start - leftCount < minLeaf { return true }
            let candidate = Split(feature: feature, threshold: threshold, left: left, right: right, total: total,
                                  classes: classes, leftWeight: leftWeight, weight: weight, criterion: criterion)
            if candidate.childrenCost < best.childrenCost { best = candidate }
            return true
        }
        return best
    }

    /// Moves the rows of `sample[start..<end]` with `row[feature] <= threshold` to the front;
    /// returns where the others start.
    private func partition(_ start: Int, _ end: Int, feature: Int, threshold: Double) -> Int {
        let column = x + feature * rows
        var i = start, j = end
        while i < j {
            if column[Int(sample[i])] <= threshold {
                i += 1
            } else {
                j -= 1
                let t = sample[i]; sample[i] = sample[j]; sample[j] = t
            }
        }
        return i
    }
}

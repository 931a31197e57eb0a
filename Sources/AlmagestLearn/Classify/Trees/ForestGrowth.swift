import AlmagestCore

/// Grows the trees of a forest, shared by `RandomForestClassifier` (Breiman, "Random forests",
/// 2001: bootstrap samples, best splits among a random subset of features) and
/// `ExtraTreesClassifier` (Geurts, Ernst & Wehenkel, "Extremely randomized trees", 2006: random
/// thresholds, every row by default).
///
/// Tree t draws everything — its bootstrap sample, then its features and thresholds — from the
/// random stream `(seed, t)`, and the trees are grown in parallel (`Parallel.map`), so a forest is
/// bit-identical whatever the thread count. A bootstrap sample of n draws with replacement becomes
/// its distinct rows weighted by their counts (scikit-learn's `sample_weight`). With the
/// bootstrap, each row's out-of-bag prediction averages the trees that did not draw it, and the
/// out-of-bag score is their accuracy over the rows that have one.
///
/// Cost: `trees` times one tree's cost, over `Parallel.threads` threads; O(n) memory per tree
/// while growing it.
///
/// ```swift
/// let settings = ForestGrowth(trees: 100, growth: growth, bootstrap: true, ccpAlpha: 0, seed: 0)
/// let model = settings.fit(try TreeTrainingSet(x, labels: y, estimator: "random forest"))
/// ```
struct ForestGrowth: Sendable {
    var trees: Int
    var growth: TreeGrowth
    var bootstrap: Bool
    var ccpAlpha: Double
    var seed: Int

    /// The settings of a forest configuration, checked once: the first out of range is refused
    /// with `FitError.invalidParameter`.
    static func validated(
        trees: Int, criterion: SplitCriterion, maxDepth: Int, minSamplesSplit: Int, minSamplesLeaf: Int,
        minImpurityDecrease: Double, maxFeatures: MaxFeatures, ccpAlpha: Double
    ) throws {
        try require(trees >= 1, "trees", trees, expected: "at least 1")
        try DecisionTreeClassifier(criterion: criterion, maxDepth: maxDepth, minSamplesSplit: minSamplesSplit,
                                   minSamplesLeaf: minSamplesLeaf, minImpurityDecrease: minImpurityDecrease,
                                   maxFeatures: maxFeatures, ccpAlpha: ccpAlpha).validate()
    }

    /// Help for the options every forest shares.
    static let optionHelp: [String: String] = [
        "trees": "number of trees", "criterion": "gini, entropy or log_loss",
        "max_depth": "deepest level of a node; 0 for unlimited", "min_samples_split": "a node with fewer rows is a leaf",
        "min_samples_leaf": "rows each child must keep", "min_impurity_decrease": "weighted impurity decrease a split must reach",
        "max_features": "features searched per split: all, sqrt, log2 or a count",
        "bootstrap": "each tree learns from n rows drawn with replacement (and an out-of-bag score is computed)",
        "ccp_alpha": "minimal cost-complexity pruning of every tree; 0 for none",
        "seed": "seed of every random choice (tree t uses the stream (seed, t))",
    ]

    /// Grows the forest on `data`.
    func fit(_ data: TreeTrainingSet) -> TreeEnsembleModel {
        let (n, classes) = (data.rows, data.classCount)
        let settings = self
        let grown = Parallel.map(trees) { t -> (tree: DecisionTree, outOfBag: [Int32], probabilities: [Double]) in
            var rng = RandomStream(seed: settings.seed, stream: t)
            guard settings.bootstrap else {
                let tree = settings.growth.grow(data, rows: nil, weights: nil, rng: &rng).pruned(alpha: settings.ccpAlpha)
                return (tree, [], [])
            }
            var counts = [Double](repeating: 0, count: n)
            for _ in 0..<n { counts[rng.nextInt(below: n)] += 1 }
            var drawn: [Int32] = [], outOfBag: [Int32] = []
            for i in 0..<n { if counts[i] > 0 { drawn.append(Int32(i)) } else { outOfBag.append(Int32(i)) } }
            let tree = settings.growth.grow(data, rows: drawn, weights: counts, rng: &rng).pruned(alpha: settings.ccpAlpha)
            return (tree, outOfBag, tree.probabilities(ofColumns: data.columns, rows: n, at: outOfBag))
        }
        let forest = grown.map(\.tree)
        var outOfBagScore: Double?
        if bootstrap {
            // Sums in tree order, so the score does not depend on the thread count.
            var sums = [Double](repeating: 0, count: n * classes)
            var hasVote = [Bool](repeating: false, count: n)
            for tree in grown {
                for (j, row) in tree.outOfBag.enumerated() {
                    hasVote[Int(row)] = true
                    for k in 0..<classes { sums[Int(row) * classes + k] += tree.probabilities[j * classes + k] }
                }
            }
            var voted = 0, correct = 0
            for i in 0..<n where hasVote[i] {
                voted += 1
                var best = 0
                for k in 1..<classes where sums[i * classes + k] > sums[i * classes + best] { best = k }
                if best == Int(data.labels[i]) { correct += 1 }
            }
            outOfBagScore = voted > 0 ? Double(correct) / Double(voted) : nil
        }
        return TreeEnsembleModel(classes: data.classes, trees: forest,
                                 featureImportances: Self.meanImportances(forest, features: data.features),
                                 outOfBagScore: outOfBagScore)
    }

    // MARK: - Private

    /// The mean of the trees' normalised importances (trees that are one leaf left out),
    /// normalised again, as scikit-learn's forests.
    private static func meanImportances(_ trees: [DecisionTree], features: Int) -> [Double] {
        var mean = [Double](repeating: 0, count: features)
        for tree in trees where tree.nodeCount > 1 {
            for (j, v) in tree.featureImportances(features: features).enumerated() { mean[j] += v }
        }
        let total = mean.reduce(0, +)
        return total > 0 ? mean.map { $0 / total } : mean
    }
}

extension DecisionTree {
    /// Leaf class frequencies of the rows `at` of column-major training data (`rows` per column),
    /// `classCount` per row, row after row.
    fileprivate func probabilities(ofColumns columns: [Double], rows: Int, at indices: [Int32]) -> [Double] {
        var out = [Double](repeating: 0, count: indices.count * classCount)
        for (j, row) in indices.enumerated() {
            var node = 0
            while leftChildren[node] >= 0 {
                node = columns[features[node] * rows + Int(row)] <= thresholds[node] ? leftChildren[node] : rightChildren[node]
            }
            let total = weightedSampleCounts[node]
            for k in 0..<classCount { out[j * classCount + k] = classCounts[node * classCount + k] / total }
        }
        return out
    }
}

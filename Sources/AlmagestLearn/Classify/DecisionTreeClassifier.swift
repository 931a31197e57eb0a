import AlmagestCore

/// A CART classification tree (Breiman, Friedman, Olshen & Stone, "Classification and Regression
/// Trees", 1984), grown depth first with scikit-learn's rules and defaults: binary splits
/// `x[feature] <= threshold` at the midpoint between distinct values, chosen to lower the Gini or
/// entropy impurity most; growth stops at `maxDepth`, below `minSamplesSplit` rows, when a child
/// would have fewer than `minSamplesLeaf` rows, at pure nodes, or when the weighted impurity
/// decrease is below `minImpurityDecrease`; then minimal cost-complexity pruning with `ccpAlpha`.
/// Class probabilities are the class frequencies of the training rows in the leaf;
/// `featureImportances` are the normalised total impurity decreases (mean decrease in impurity).
/// With `maxFeatures` below the number of features, each split searches a random subset drawn
/// from the `seed`'s stream.
///
/// Cost: O(d n log n) per level of the tree to fit (sorting each feature's values at each node),
/// O(depth) per row to predict.
///
/// ```swift
/// let model = try DecisionTreeClassifier(maxDepth: 5, minSamplesLeaf: 2).fit(x, labels: y)
/// let predicted = try model.predict(xTest)
/// model.featureImportances        // sums to 1
/// model.tree.nodeCount; model.tree.depth
/// let path = try DecisionTreeClassifier().costComplexityPruningPath(x, labels: y)
/// ```
public struct DecisionTreeClassifier: Classifier, Equatable {
    /// The impurity a split lowers.
    public var criterion: SplitCriterion
    /// Deepest level a node may have (the root is at 0); 0 for unlimited.
    public var maxDepth: Int
    /// A node with fewer rows is a leaf.
    public var minSamplesSplit: Int
    /// Rows each child of a split must keep.
    public var minSamplesLeaf: Int
    /// A split must lower the weighted impurity, (n_t / n)(i(t) − (n_l/n_t) i(l) − (n_r/n_t) i(r)), by this much.
    public var minImpurityDecrease: Double
    /// Features searched per split (`all` by default).
    public var maxFeatures: MaxFeatures
    /// Complexity parameter of minimal cost-complexity pruning; 0 for none.
    public var ccpAlpha: Double
    /// Seed of the feature sampling (used when `maxFeatures` is below the number of features).
    public var seed: Int

    public init(criterion: SplitCriterion = .gini, maxDepth: Int = 0, minSamplesSplit: Int = 2, minSamplesLeaf: Int = 1,
                minImpurityDecrease: Double = 0, maxFeatures: MaxFeatures = .all, ccpAlpha: Double = 0, seed: Int = 0) {
        self.criterion = criterion
        self.maxDepth = maxDepth
        self.minSamplesSplit = minSamplesSplit
        self.minSamplesLeaf = minSamplesLeaf
        self.minImpurityDecrease = minImpurityDecrease
        self.maxFeatures = maxFeatures
        self.ccpAlpha = ccpAlpha
        self.seed = seed
    }

    /// Throws `FitError.invalidParameter` for the first setting outside its range.
    public func validate() throws {
        try require(maxDepth >= 0, "max depth", maxDepth, expected: "a depth >= 1, or 0 for unlimited")
        try require(minSamplesSplit >= 2, "min samples split", minSamplesSplit, expected: "at least 2")
        try require(minSamplesLeaf >= 1, "min samples leaf", minSamplesLeaf, expected: "at least 1")
        try require(minImpurityDecrease >= 0 && minImpurityDecrease.isFinite, "min impurity decrease",
                    minImpurityDecrease, expected: "a finite number >= 0")
        try maxFeatures.validate()
        try require(ccpAlpha >= 0 && ccpAlpha.isFinite, "ccp alpha", ccpAlpha, expected: "a finite number >= 0")
    }

    /// Fits on rows `x` with integer class labels (at least two distinct).
    public func fit(_ x: Matrix<Double>, labels: [Int]) throws -> DecisionTreeClassifierModel {
        try validate()
        let data = try TreeTrainingSet(x, labels: labels, estimator: "decision tree")
        try maxFeatures.validate(features: x.columns)
        let tree = growUnpruned(data).pruned(alpha: ccpAlpha)
        return DecisionTreeClassifierModel(classes: data.classes, tree: tree,
                                           featureImportances: tree.featureImportances(features: x.columns))
    }

    /// The effective alphas of minimal cost-complexity pruning of the unpruned tree on `x`, and the
    /// total leaf impurity of the tree pruned at each (scikit-learn's `cost_complexity_pruning_path`);
    /// `ccpAlpha` itself is ignored.
    public func costComplexityPruningPath(_ x: Matrix<Double>, labels: [Int]) throws -> (alphas: [Double], impurities: [Double]) {
        try validate()
        let data = try TreeTrainingSet(x, labels: labels, estimator: "decision tree")
        try maxFeatures.validate(features: x.columns)
        return growUnpruned(data).costComplexityPruningPath()
    }

    // MARK: - Private

    private func growUnpruned(_ data: TreeTrainingSet) -> DecisionTree {
        var rng = RandomStream(seed: seed)
        let growth = TreeGrowth(criterion: criterion, maxDepth: maxDepth, minSamplesSplit: minSamplesSplit,
                                minSamplesLeaf: minSamplesLeaf, minImpurityDecrease: minImpurityDecrease,
                                maxFeatures: maxFeatures.resolved(features: data.features))
        return growth.grow(data, rows: nil, weights: nil, rng: &rng)
    }
}

/// A fitted decision tree: the classes, the tree, and the features' importances.
public struct DecisionTreeClassifierModel: FittedClassifier, Equatable {
    /// Class labels, in the column order of `predictProbabilities`.
    public let classes: [Int]
    public let tree: DecisionTree
    /// Normalised mean decrease in impurity of each feature (sums to 1 unless the tree is one leaf).
    public let featureImportances: [Double]

    public init(classes: [Int], tree: DecisionTree, featureImportances: [Double]) {
        self.classes = classes
        self.tree = tree
        self.featureImportances = featureImportances
    }

    public func predict(_ x: Matrix<Double>) throws -> [Int] {
        try predictProbabilities(x).argmaxPerRow().map { classes[$0] }
    }

    /// Class frequencies of each row's leaf, one column per entry of `classes`.
    public func predictProbabilities(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try x.validateForPredict("decision tree input", features: featureImportances.count)
        try tree.validateStructure(features: featureImportances.count, classes: classes.count)
        return Matrix(rows: x.rows, columns: classes.count) { out in
            x.withUnsafeBufferPointer { tree.accumulateProbabilities($0, columns: x.columns, rows: 0..<x.rows, scale: 1,
                                                                     into: out.baseAddress!) }
        }
    }
}

extension DecisionTreeClassifier: RegisteredEstimator {
    public static let estimatorName = "decision-tree"
    public static let summary = "CART decision tree: Gini or entropy splits, depth and leaf limits, cost-complexity pruning"
    /// scikit-learn's defaults: Gini, grown until pure, every feature searched, no pruning.
    public static var defaultConfiguration: DecisionTreeClassifier { DecisionTreeClassifier() }
    public static var conformanceConfiguration: DecisionTreeClassifier {
        DecisionTreeClassifier(maxDepth: 4, maxFeatures: .count(3), ccpAlpha: 0.001, seed: 1)
    }
    public static var optionHelp: [String: String] {
        [
            "criterion": "gini, entropy or log_loss", "max_depth": "deepest level of a node; 0 for unlimited",
            "min_samples_split": "a node with fewer rows is a leaf", "min_samples_leaf": "rows each child must keep",
            "min_impurity_decrease": "weighted impurity decrease a split must reach",
            "max_features": "features searched per split: all, sqrt, log2 or a count",
            "ccp_alpha": "minimal cost-complexity pruning parameter; 0 for none", "seed": "seed of the feature sampling",
        ]
    }
}

extension DecisionTreeClassifierModel {
    /// `featureImportances`, as every fitted classifier offers them.
    public var impurityImportances: [Double]? { featureImportances }
    /// The tree's splits per feature.
    public var featureSplitCounts: [Int]? { tree.splitCounts(features: featureImportances.count) }
}

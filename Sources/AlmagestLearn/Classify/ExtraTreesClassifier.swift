import AlmagestCore

/// Extremely randomised trees (Geurts, Ernst & Wehenkel, "Extremely randomized trees", Machine
/// Learning 63, 2006): CART-like trees grown to purity on every row, where each split draws √d
/// random features and one threshold per feature uniformly between its minimum and maximum at
/// the node, keeping the best of those; class probabilities are averaged over the trees. Follows
/// scikit-learn's `ExtraTreesClassifier` (defaults included: no bootstrap; with it,
/// `outOfBagScore` is computed as for a random forest). Tree t uses the random stream
/// `(seed, t)` and the trees grow in parallel, so the forest is the same at any thread count.
///
/// Cost: O(trees · √d · n log n) to fit for balanced trees (no sorting: one pass per feature and
/// node), over `Parallel.threads` threads; O(trees · depth) per row to predict.
///
/// ```swift
/// let model = try ExtraTreesClassifier(trees: 100, seed: 0).fit(xTrain, labels: yTrain)
/// let predicted = try model.predict(xTest)
/// model.featureImportances
/// ```
public struct ExtraTreesClassifier: Classifier, Equatable, ForestConfiguration {
    /// Number of trees.
    public var trees: Int
    public var criterion: SplitCriterion
    /// Deepest level of a node (the root is at 0); 0 for unlimited.
    public var maxDepth: Int
    public var minSamplesSplit: Int
    public var minSamplesLeaf: Int
    public var minImpurityDecrease: Double
    /// Features searched per split (`sqrt` by default).
    public var maxFeatures: MaxFeatures
    /// Each tree learns from n rows drawn with replacement; off (the default), every tree sees every row.
    public var bootstrap: Bool
    /// Minimal cost-complexity pruning of every tree; 0 for none.
    public var ccpAlpha: Double
    public var seed: Int

    public init(trees: Int = 100, criterion: SplitCriterion = .gini, maxDepth: Int = 0, minSamplesSplit: Int = 2,
                minSamplesLeaf: Int = 1, minImpurityDecrease: Double = 0, maxFeatures: MaxFeatures = .sqrt,
                bootstrap: Bool = false, ccpAlpha: Double = 0, seed: Int = 0) {
        self.trees = trees
        self.criterion = criterion
        self.maxDepth = maxDepth
        self.minSamplesSplit = minSamplesSplit
        self.minSamplesLeaf = minSamplesLeaf
        self.minImpurityDecrease = minImpurityDecrease
        self.maxFeatures = maxFeatures
        self.bootstrap = bootstrap
        self.ccpAlpha = ccpAlpha
        self.seed = seed
    }

    /// Throws `FitError.invalidParameter` for the first setting outside its range.
    public func validate() throws { try validateForest() }

    /// Fits on rows `x` with integer class labels (at least two distinct).
    public func fit(_ x: Matrix<Double>, labels: [Int]) throws -> TreeEnsembleModel {
        try fitForest(x, labels: labels, estimator: "extra trees", randomThresholds: true)
    }
}

extension ExtraTreesClassifier: RegisteredEstimator {
    public static let estimatorName = "extra-trees"
    public static let summary = "extremely randomised trees: random thresholds on random feature subsets, probabilities averaged"
    /// scikit-learn's defaults: 100 trees grown to purity, √d features per split, no bootstrap.
    public static var defaultConfiguration: ExtraTreesClassifier { ExtraTreesClassifier() }
    public static var conformanceConfiguration: ExtraTreesClassifier { ExtraTreesClassifier(trees: 5, maxDepth: 5, seed: 1) }
    public static var optionHelp: [String: String] { ForestGrowth.optionHelp }
}

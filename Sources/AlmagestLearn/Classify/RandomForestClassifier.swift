import AlmagestCore

/// A random forest (Breiman, "Random forests", Machine Learning 45, 2001): CART trees grown to
/// purity, each on a bootstrap sample of the rows and choosing each split among √d random
/// features, whose class probabilities are averaged. Follows scikit-learn's
/// `RandomForestClassifier` (defaults included); with the bootstrap, `outOfBagScore` estimates the
/// test accuracy from the rows each tree did not draw. Tree t uses the random stream
/// `(seed, t)` and the trees grow in parallel, so the forest is the same at any thread count.
///
/// Cost: O(trees · √d · n log² n) to fit for balanced trees, over `Parallel.threads` threads;
/// O(trees · depth) per row to predict.
///
/// ```swift
/// let model = try RandomForestClassifier(trees: 100, seed: 0).fit(xTrain, labels: yTrain)
/// let predicted = try model.predict(xTest)
/// model.outOfBagScore; model.featureImportances
/// ```
public struct RandomForestClassifier: Classifier, Equatable, ForestConfiguration {
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
    /// Each tree learns from n rows drawn with replacement; off, every tree sees every row.
    public var bootstrap: Bool
    /// Minimal cost-complexity pruning of every tree; 0 for none.
    public var ccpAlpha: Double
    public var seed: Int

    public init(trees: Int = 100, criterion: SplitCriterion = .gini, maxDepth: Int = 0, minSamplesSplit: Int = 2,
                minSamplesLeaf: Int = 1, minImpurityDecrease: Double = 0, maxFeatures: MaxFeatures = .sqrt,
                bootstrap: Bool = true, ccpAlpha: Double = 0, seed: Int = 0) {
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
        try fitForest(x, labels: labels, estimator: "random forest", randomThresholds: false)
    }
}

extension RandomForestClassifier: RegisteredEstimator {
    public static let estimatorName = "random-forest"
    public static let summary = "random forest: bootstrapped CART trees on random feature subsets, probabilities averaged"
    /// scikit-learn's defaults: 100 trees grown to purity, √d features per split, the bootstrap.
    public static var defaultConfiguration: RandomForestClassifier { RandomForestClassifier() }
    public static var conformanceConfiguration: RandomForestClassifier { RandomForestClassifier(trees: 5, maxDepth: 5, seed: 1) }
    public static var optionHelp: [String: String] { ForestGrowth.optionHelp }
}

import AlmagestCore

/// Gradient-boosted decision trees on histograms (Friedman, Annals of Statistics 2001; the
/// second-order, regularised form of XGBoost, Chen & Guestrin, KDD 2016, with its `hist` method
/// and LightGBM's binning, histogram subtraction and leaf-wise growth, Ke et al., NeurIPS 2017).
///
/// Every feature is cut into at most `maxBins` quantile bins plus one for missing values (NaN is a
/// missing value, sent the way each split learned). Each round fits one regression tree to the
/// gradients and hessians of the log loss (two classes: one tree on the logit; K classes: one tree
/// per class on the softmax scores), choosing splits by the gain T(G_L)²/(H_L+λ) +
/// T(G_R)²/(H_R+λ) − T(G)²/(H+λ) with T the L1 soft threshold by `alpha`, and adds the leaves'
/// Newton steps −T(G)/(H+λ) scaled by the learning rate. Rows (`subsample`, per round) and
/// features (`colsample`, per tree) are sampled from the random stream `(seed, round)`; with a
/// `validationFraction`, a seeded stratified part of the rows is held out, boosting stops after
/// `earlyStoppingRounds` rounds without a lower validation log loss and the best round is kept.
/// With `monotoneConstraints` (per feature +1, −1 or 0), the trees are monotone in the
/// constrained features (XGBoost's basic method, see `MonotoneConstraints`). Histograms and splits
/// are computed in parallel over features, so the model is the same at any thread count.
///
/// Cost: O(n d log n) to bin, then per round and tree O(n d · depth) for the histograms (half of
/// it with the subtraction trick) and O(nodes · d · bins) for the splits; O(rounds · K · depth)
/// per row to predict.
///
/// ```swift
/// let model = try GradientBoostingClassifier(rounds: 100, learningRate: 0.1, maxDepth: 6).fit(x, labels: y)
/// let p = try model.predictProbabilities(xTest)
/// let rising = try GradientBoostingClassifier(monotoneConstraints: [1, 0, -1]).fit(x3, labels: y)   // 3 features
/// model.gainImportances; model.splitCounts; model.trainingCurves
/// ```
public struct GradientBoostingClassifier: Classifier, Equatable {
    /// How trees grow: all nodes of a level before the next (XGBoost's `depthwise`) or always the
    /// leaf of largest gain (LightGBM; XGBoost's `lossguide`).
    public enum GrowPolicy: String, Codable, Sendable, CaseIterable {
        case depthWise, leafWise
    }

    /// Boosting rounds, at most (each adds one tree, or one per class for three classes or more).
    public var rounds: Int
    /// Shrinkage of every tree's values.
    public var learningRate: Double
    /// Deepest level of a leaf (the root is at 0); 0 for no limit (then `maxLeaves` must limit).
    public var maxDepth: Int
    /// Most leaves of a tree; 0 for no limit (then `maxDepth` must limit).
    public var maxLeaves: Int
    public var growPolicy: GrowPolicy
    /// Bins per feature, besides the missing-value bin: 2...255.
    public var maxBins: Int
    /// L2 penalty on the leaf values.
    public var lambda: Double
    /// L1 penalty on the leaf values.
    public var alpha: Double
    /// Smallest gain of a split (XGBoost's `min_split_loss`).
    public var gamma: Double
    /// Smallest hessian sum of a child.
    public var minChildWeight: Double
    /// Fewest training rows of a child.
    public var minSamplesLeaf: Int
    /// Share of the training rows each round's trees learn from (drawn without replacement).
    public var subsample: Double
    /// Share of the features each tree may split on.
    public var colsample: Double
    /// Share of the rows held out (stratified) to pick the best round; 0 for none.
    public var validationFraction: Double
    /// Rounds without a lower validation loss before boosting stops; 0 to run every round (the
    /// best is still kept).
    public var earlyStoppingRounds: Int
    /// Per feature, the direction every tree's value must follow as the feature grows: 1
    /// increasing, -1 decreasing, 0 free (XGBoost's `monotone_constraints`, basic method). Empty
    /// (or all 0) for none; otherwise one per feature of the data `fit` gets. For two classes the
    /// probability of class 1 is then monotone; for more, each class's score is (as in XGBoost),
    /// not necessarily its softmax probability. Missing values are not ordered: they follow each
    /// split's learned direction.
    public var monotoneConstraints: [Int]
    public var seed: Int

    public init(rounds: Int = 100, learningRate: Double = 0.1, maxDepth: Int = 6, maxLeaves: Int = 0,
                growPolicy: GrowPolicy = .depthWise, maxBins: Int = 255, lambda: Double = 1, alpha: Double = 0,
                gamma: Double = 0, minChildWeight: Double = 1, minSamplesLeaf: Int = 1, subsample: Double = 1,
                colsample: Double = 1, validationFraction: Double = 0, earlyStoppingRounds: Int = 10,
                monotoneConstraints: [Int] = [], seed: Int = 0) {
        self.rounds = rounds
        self.learningRate = learningRate
        self.maxDepth = maxDepth
        self.maxLeaves = maxLeaves
        self.growPolicy = growPolicy
        self.maxBins = maxBins
        self.lambda = lambda
        self.alpha = alpha
        self.gamma = gamma
        self.minChildWeight = minChildWeight
        self.minSamplesLeaf = minSamplesLeaf
        self.subsample = subsample
        self.colsample = colsample
        self.validationFraction = validationFraction
        self.earlyStoppingRounds = earlyStoppingRounds
        self.monotoneConstraints = monotoneConstraints
        self.seed = seed
    }

    /// Throws `FitError.invalidParameter` for the first setting outside its range (the number of
    /// monotone constraints is checked by `fit`, which knows the number of features).
    public func validate() throws {
        try require(rounds >= 1, "rounds", rounds, expected: "at least 1")
        try require(learningRate > 0 && learningRate.isFinite, "learning rate", learningRate, expected: "a positive number")
        try require(maxDepth >= 0, "max depth", maxDepth, expected: "0 (no limit) or a positive depth")
        try require(maxLeaves == 0 || maxLeaves >= 2, "max leaves", maxLeaves, expected: "0 (no limit) or at least 2")
        try require(maxDepth > 0 || maxLeaves > 0, "max depth and max leaves", "0 and 0",
                    expected: "a limit on the tree size: a positive max depth or max leaves")
        try require((2...255).contains(maxBins), "max bins", maxBins, expected: "2...255")
        try require(lambda >= 0 && lambda.isFinite, "lambda", lambda, expected: "a non-negative number")
        try require(alpha >= 0 && alpha.isFinite, "alpha", alpha, expected: "a non-negative number")
        try require(gamma >= 0 && gamma.isFinite, "gamma", gamma, expected: "a non-negative number")
        try require(minChildWeight >= 0 && minChildWeight.isFinite, "min child weight", minChildWeight,
                    expected: "a non-negative number")
        try require(minSamplesLeaf >= 1, "min samples leaf", minSamplesLeaf, expected: "at least 1")
        try require(subsample > 0 && subsample <= 1, "subsample", subsample, expected: "a share in (0, 1]")
        try require(colsample > 0 && colsample <= 1, "colsample", colsample, expected: "a share in (0, 1]")
        try require(validationFraction >= 0 && validationFraction < 1, "validation fraction", validationFraction,
                    expected: "0 (no validation part) or a share in (0, 1)")
        try require(earlyStoppingRounds >= 0, "early stopping rounds", earlyStoppingRounds,
                    expected: "0 (run every round) or a positive number of rounds")
        for (j, direction) in monotoneConstraints.enumerated() {
            try require((-1...1).contains(direction), "monotone constraints[\(j)]", direction,
                        expected: "-1 (decreasing), 0 (none) or 1 (increasing)")
        }
    }

    /// Fits on rows `x` (NaN marks a missing value; infinities are refused) with integer class
    /// labels (at least two distinct).
    public func fit(_ x: Matrix<Double>, labels: [Int]) throws -> GradientBoostingModel {
        try validate()
        try x.validateForFit("gradient boosting input", allowingMissing: true)
        try require(monotoneConstraints.isEmpty || monotoneConstraints.count == x.columns, "monotone constraints",
                    monotoneConstraints.map(String.init).joined(separator: ",") + " (\(monotoneConstraints.count) values)",
                    expected: "one direction per feature (\(x.columns) values), or none")
        guard labels.count == x.rows else {
            throw FitError.invalidLabels(reason: "got \(labels.count) labels for \(x.rows) rows; expected one per row")
        }
        let classes = Array(Set(labels)).sorted()
        guard classes.count >= 2 else {
            throw FitError.invalidLabels(reason: "found \(classes.count) class (\(classes)); gradient boosting needs at least 2")
        }
        var trainRows = Array(0..<x.rows), validationRows: [Int] = []
        if validationFraction > 0 {
            do {
                let parts = try StratifiedSplit(testFraction: validationFraction, seed: seed).split(labels: labels)
                (trainRows, validationRows) = (parts.train, parts.test)
            } catch let FitError.tooFewSamples(_, needed, got, reason) {
                throw FitError.tooFewSamples(method: "gradient boosting early stopping (a stratified validation part)",
                                             needed: needed, got: got, reason: reason)
            }
        }
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($0.element, Int32($0.offset)) })
        let y = labels.map { index[$0]! }
        return BoostingTraining(configuration: self, classes: classes).fit(
            train: x.rows(at: trainRows), labels: trainRows.map { y[$0] },
            validation: validationRows.isEmpty ? nil : (x.rows(at: validationRows), validationRows.map { y[$0] }))
    }
}

extension GradientBoostingClassifier: RegisteredEstimator {
    public static let estimatorName = "gradient-boosting"
    public static let summary = "gradient-boosted trees on feature histograms (XGBoost hist / LightGBM style), log loss"
    /// 100 rounds of depth-6 trees at a learning rate of 0.1, λ = 1, 255 bins, no validation part.
    public static var defaultConfiguration: GradientBoostingClassifier { GradientBoostingClassifier() }
    public static var conformanceConfiguration: GradientBoostingClassifier {
        GradientBoostingClassifier(rounds: 5, learningRate: 0.3, maxDepth: 3, subsample: 0.8, colsample: 0.75, seed: 1)
    }
    /// NaN is a missing value: it has its own bin and each split learns where it goes.
    public static var acceptsMissingValues: Bool { true }
    public static var optionHelp: [String: String] {
        [
            "rounds": "boosting rounds, at most", "learning_rate": "shrinkage of every tree's values",
            "max_depth": "deepest level of a leaf; 0 for no limit", "max_leaves": "most leaves per tree; 0 for no limit",
            "grow_policy": "depthWise (level by level) or leafWise (largest gain first)",
            "max_bins": "bins per feature (2...255), besides one for missing values",
            "lambda": "L2 penalty on leaf values", "alpha": "L1 penalty on leaf values",
            "gamma": "smallest gain of a split", "min_child_weight": "smallest hessian sum of a child",
            "min_samples_leaf": "fewest rows of a child", "subsample": "share of rows per round",
            "colsample": "share of features per tree",
            "validation_fraction": "share of rows held out to pick the best round; 0 for none",
            "early_stopping_rounds": "rounds without a better validation loss before stopping; 0 to run all",
            "monotone_constraints": "per feature: 1 increasing, -1 decreasing, 0 free, like 1,0,-1; empty for none",
            "seed": "seed of the row and feature samples and of the validation part",
        ]
    }
}

extension GradientBoostingClassifier {
    /// Decodes a configuration, also one saved before `monotoneConstraints` existed (no
    /// constraints then).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(rounds: try c.decode(Int.self, forKey: .rounds), learningRate: try c.decode(Double.self, forKey: .learningRate),
                  maxDepth: try c.decode(Int.self, forKey: .maxDepth), maxLeaves: try c.decode(Int.self, forKey: .maxLeaves),
                  growPolicy: try c.decode(GrowPolicy.self, forKey: .growPolicy), maxBins: try c.decode(Int.self, forKey: .maxBins),
                  lambda: try c.decode(Double.self, forKey: .lambda), alpha: try c.decode(Double.self, forKey: .alpha),
                  gamma: try c.decode(Double.self, forKey: .gamma), minChildWeight: try c.decode(Double.self, forKey: .minChildWeight),
                  minSamplesLeaf: try c.decode(Int.self, forKey: .minSamplesLeaf),
                  subsample: try c.decode(Double.self, forKey: .subsample), colsample: try c.decode(Double.self, forKey: .colsample),
                  validationFraction: try c.decode(Double.self, forKey: .validationFraction),
                  earlyStoppingRounds: try c.decode(Int.self, forKey: .earlyStoppingRounds),
                  monotoneConstraints: try c.decodeIfPresent([Int].self, forKey: .monotoneConstraints) ?? [],
                  seed: try c.decode(Int.self, forKey: .seed))
    }
}

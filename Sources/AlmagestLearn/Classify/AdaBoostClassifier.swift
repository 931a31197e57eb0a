import AlmagestCore
import Foundation

/// AdaBoost by SAMME, the multi-class discrete AdaBoost of Zhu, Zou, Rosset & Hastie ("Multi-class
/// AdaBoost", 2009), as scikit-learn's `AdaBoostClassifier(algorithm="SAMME")` over CART trees of
/// depth `maxDepth` (stumps by default; grown by the same `TreeGrowth` as `DecisionTreeClassifier`,
/// with the sample weights as row weights). Starting from equal weights 1/n, round t fits a tree,
/// measures its weighted training error e, gives it the weight
/// αₜ = η (ln((1 − e)/e) + ln(K − 1)) for learning rate η and K classes, multiplies the weights of
/// the rows it misclassifies by exp(αₜ) and renormalises. Boosting stops early after a perfect tree
/// (kept with weight 1) or before a tree no better than chance (e >= 1 − 1/K; an error if it is the
/// first). The decision function of class k is Σₜ αₜ (1 if tree t predicts k, else −1/(K − 1)) / Σₜ αₜ,
/// and the probabilities are its softmax divided by K − 1 (scikit-learn's).
///
/// Cost: O(T d n log n · depth) to fit T trees, O(T · depth) per row to predict.
///
/// ```swift
/// let model = try AdaBoostClassifier(estimators: 100, maxDepth: 2).fit(x, labels: y)
/// model.estimatorWeights; model.estimatorErrors      // one per tree
/// let p = try model.predictProbabilities(test)
/// ```
public struct AdaBoostClassifier: Classifier, RegisteredEstimator {
    /// Most boosting rounds (trees); fewer when boosting stops early.
    public var estimators: Int
    /// η, scaling every tree's weight.
    public var learningRate: Double
    /// Depth of the base trees (1: stumps).
    public var maxDepth: Int
    /// Seed of the base trees' random streams (tree t draws from stream t). The trees search every
    /// feature in order, so today no draw changes them; kept for reproducible runs.
    public var seed: Int

    public init(estimators: Int = 50, learningRate: Double = 1, maxDepth: Int = 1, seed: Int = 0) {
        (self.estimators, self.learningRate, self.maxDepth, self.seed) = (estimators, learningRate, maxDepth, seed)
    }

    public static let estimatorName = "adaboost"
    public static let summary = "AdaBoost (SAMME): weighted vote of shallow trees fitted on reweighted rows"
    public static var defaultConfiguration: AdaBoostClassifier { AdaBoostClassifier() }
    public static var conformanceConfiguration: AdaBoostClassifier { AdaBoostClassifier(estimators: 10, seed: 1) }
    public static var optionHelp: [String: String] {
        [
            "estimators": "most boosting rounds", "learning_rate": "scales every tree's weight",
            "max_depth": "depth of the base trees (1: stumps)", "seed": "seed of the base trees' random streams",
        ]
    }

    public func validate() throws {
        try require(estimators >= 1, "estimators", estimators, expected: "at least 1")
        try require(learningRate > 0 && learningRate.isFinite, "learning rate", learningRate, expected: "a positive number")
        try require(maxDepth >= 1, "max depth", maxDepth, expected: "a depth >= 1")
    }

    /// Boosts up to `estimators` trees; throws `FitError` on empty or non-finite data, labels that
    /// do not fit the rows, a single class, or a first tree no better than chance.
    public func fit(_ x: Matrix<Double>, labels: [Int]) throws -> AdaBoostClassifierModel {
        try validate()
        let data = try TreeTrainingSet(x, labels: labels, estimator: "AdaBoost")
        let (n, classCount) = (data.rows, data.classCount)
        let growth = TreeGrowth(criterion: .gini, maxDepth: maxDepth, maxFeatures: data.features)
        var weights = [Double](repeating: 1 / Double(n), count: n)
        var trees: [DecisionTree] = [], treeWeights: [Double] = [], errors: [Double] = []
        for round in 0..<estimators {
            var rng = RandomStream(seed: seed, stream: round)
            let tree = growth.grow(data, rows: nil, weights: weights, rng: &rng)
            let predicted = Self.predictedClasses(tree, x, classCount: classCount)
            let incorrect = (0..<n).map { predicted[$0] != Int(data.labels[$0]) }
            let total = weights.reduce(0, +)
            let error = zip(weights, incorrect).reduce(0.0) { $0 + ($1.1 ? $1.0 : 0) } / total
            if error <= 0 {
                (trees, treeWeights, errors) = (trees + [tree], treeWeights + [1], errors + [0])
                break
            }
            if error >= 1 - 1 / Double(classCount) {
                guard !trees.isEmpty else {
                    throw FitError.numerical(
                        routine: "AdaBoost", reason: "the first tree is no better than chance: weighted error \(error) >= "
                            + "1 − 1/\(classCount); expected a lower error (deeper trees may help)")
                }
                break
            }
            let alpha = learningRate * (log((1 - error) / error) + log(Double(classCount - 1)))
            (trees, treeWeights, errors) = (trees + [tree], treeWeights + [alpha], errors + [error])
            guard round < estimators - 1 else { break }
            let boost = exp(alpha)
            for i in 0..<n where incorrect[i] { weights[i] *= boost }
            let sum = weights.reduce(0, +)
            guard sum.isFinite && sum > 0 else { break }
            for i in 0..<n { weights[i] /= sum }
        }
        return AdaBoostClassifierModel(classes: data.classes, trees: trees, estimatorWeights: treeWeights,
                                       estimatorErrors: errors, featureCount: data.features)
    }

    /// The class index each tree leaf's largest weighted count gives every row of `x`.
    static func predictedClasses(_ tree: DecisionTree, _ x: Matrix<Double>, classCount: Int) -> [Int] {
        Matrix(rows: x.rows, columns: classCount) { out in
            x.withUnsafeBufferPointer {
                tree.accumulateProbabilities($0, columns: x.columns, rows: 0..<x.rows, scale: 1, into: out.baseAddress!)
            }
        }.argmaxPerRow()
    }
}

/// A fitted `AdaBoostClassifier`: the boosted trees, their weights αₜ and weighted training errors.
public struct AdaBoostClassifierModel: FittedClassifier, Equatable {
    public let classes: [Int]
    public let trees: [DecisionTree]
    /// αₜ of each tree (scikit-learn's `estimator_weights_`).
    public let estimatorWeights: [Double]
    /// Weighted training error of each tree (`estimator_errors_`).
    public let estimatorErrors: [Double]
    public let featureCount: Int

    public func predict(_ x: Matrix<Double>) throws -> [Int] {
        try decisionFunction(x).argmaxPerRow().map { classes[$0] }
    }

    /// softmax(decision / (K − 1)) per row, one column per entry of `classes`.
    public func predictProbabilities(_ x: Matrix<Double>) throws -> Matrix<Double> {
        let scale = 1 / Double(Swift.max(classes.count - 1, 1))
        return try decisionFunction(x).map { $0 * scale }.softmaxRows()
    }

    /// Σₜ αₜ (1 if tree t predicts the class, else −1/(K − 1)) / Σₜ αₜ, rows x classes. (For two
    /// classes scikit-learn returns one column, the second minus the first of these.)
    public func decisionFunction(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try x.validateForPredict("AdaBoost input", features: featureCount)
        let k = classes.count
        try require(!trees.isEmpty && trees.count == estimatorWeights.count && k >= 2, "AdaBoost model",
                    "\(trees.count) trees, \(estimatorWeights.count) weights", expected: "at least one tree, one weight per tree")
        for tree in trees { try tree.validateStructure(features: featureCount, classes: k) }
        let other = -1 / Double(k - 1)
        let totalWeight = estimatorWeights.reduce(0, +)
        var out = Matrix<Double>(rows: x.rows, columns: k)
        for (tree, alpha) in zip(trees, estimatorWeights) {
            let predicted = AdaBoostClassifier.predictedClasses(tree, x, classCount: k)
            for i in 0..<x.rows {
                for c in 0..<k { out[i, c] += alpha * (c == predicted[i] ? 1 : other) }
            }
        }
        return out.map { $0 / totalWeight }
    }
}

extension AdaBoostClassifierModel {
    /// The trees' impurity importances averaged with their weights αₜ (scikit-learn's
    /// `feature_importances_`); nil when every weight is 0.
    public var impurityImportances: [Double]? {
        let total = estimatorWeights.reduce(0, +)
        guard total > 0 else { return nil }
        var sum = [Double](repeating: 0, count: featureCount)
        for (tree, alpha) in zip(trees, estimatorWeights) {
            for (j, value) in tree.featureImportances(features: featureCount).enumerated() { sum[j] += alpha * value }
        }
        return sum.map { $0 / total }
    }

    /// Splits per feature over every boosted tree.
    public var featureSplitCounts: [Int]? {
        trees.reduce(into: [Int](repeating: 0, count: featureCount)) { total, tree in
            for (j, c) in tree.splitCounts(features: featureCount).enumerated() { total[j] += c }
        }
    }
}

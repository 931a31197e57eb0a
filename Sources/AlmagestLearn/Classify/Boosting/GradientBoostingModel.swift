import AlmagestCore

/// A fitted `GradientBoostingClassifier`: the initial scores (the class priors) plus the trees of
/// every kept round. A row's scores are the base scores plus its leaves' values; two classes have
/// one score, the logit of class 1 (p = σ(F)), more classes one score per class (p = softmax(F)).
/// NaN in a row is a missing value and follows each split's learned direction.
///
/// Cost: O(rounds · trees per round · depth) per row to predict; rows are predicted in parallel
/// chunks, each summing its trees in order, so the result does not depend on the thread count.
///
/// ```swift
/// let model = try GradientBoostingClassifier().fit(x, labels: y)
/// let p = try model.predictProbabilities(xTest)     // columns follow model.classes
/// model.gainImportances; model.splitCounts; model.trainingCurves?.validationLoss
/// ```
public struct GradientBoostingModel: FittedClassifier, Equatable {
    /// Class labels, in the column order of `predictProbabilities`.
    public let classes: [Int]
    /// Width of the rows it was fitted on.
    public let features: Int
    /// The scores every row starts from (one, or one per class).
    public let baseScores: [Double]
    /// Round after round, `treesPerRound` trees each (tree k of a round adds to score k).
    public let trees: [BoostedTree]
    /// 1 for two classes, the number of classes otherwise.
    public let treesPerRound: Int
    /// Each feature's share of the total split gain of the kept trees (sums to 1; all 0 without
    /// any split).
    public let gainImportances: [Double]
    /// How many splits of the kept trees test each feature.
    public let splitCounts: [Int]
    /// Mean training log loss after each round run (also past the kept round).
    public let trainingLoss: [Double]
    /// Mean log loss and accuracy on the validation part after each round (empty without one).
    public let validationLoss: [Double]
    public let validationAccuracy: [Double]
    /// The number of rounds kept (the best on the validation part, else every round).
    public let bestRound: Int

    public init(classes: [Int], features: Int, baseScores: [Double], trees: [BoostedTree], treesPerRound: Int,
                gainImportances: [Double], splitCounts: [Int], trainingLoss: [Double], validationLoss: [Double],
                validationAccuracy: [Double], bestRound: Int) {
        self.classes = classes
        self.features = features
        self.baseScores = baseScores
        self.trees = trees
        self.treesPerRound = treesPerRound
        self.gainImportances = gainImportances
        self.splitCounts = splitCounts
        self.trainingLoss = trainingLoss
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.bestRound = bestRound
    }

    /// Number of rounds kept.
    public var rounds: Int { trees.count / max(treesPerRound, 1) }

    public func predict(_ x: Matrix<Double>) throws -> [Int] {
        try predictProbabilities(x).argmaxPerRow().map { classes[$0] }
    }

    /// Class probabilities, one column per entry of `classes`.
    public func predictProbabilities(_ x: Matrix<Double>) throws -> Matrix<Double> {
        let scores = try rawScores(x)
        let loss = BoostingLogLoss(classes: classes.count)
        return Matrix(rows: x.rows, columns: classes.count) { out in
            scores.withUnsafeBufferPointer { f in
                for i in 0..<x.rows {
                    loss.probabilities(f.baseAddress! + i * treesPerRound, into: out.baseAddress! + i * classes.count)
                }
            }
        }
    }

    /// The raw scores (logits) of every row, `treesPerRound` per row, row-major.
    public func rawScores(_ x: Matrix<Double>) throws -> [Double] {
        try validateStructure()
        guard x.rows > 0, x.columns > 0 else {
            throw FitError.emptyInput(what: "gradient boosting input", rows: x.rows, columns: x.columns)
        }
        try x.validateForFit("gradient boosting input", allowingMissing: true)
        guard x.columns == features else { throw FitError.featureCountMismatch(expected: features, got: x.columns) }
        let (n, s, trees) = (x.rows, treesPerRound, self.trees)
        var scores = (0..<n).flatMap { _ in baseScores }
        x.withUnsafeBufferPointer { e in
            scores.withUnsafeMutableBufferPointer { f in
                let (source, target) = (SharedReadPointer(e.baseAddress!), SharedPointer(f.baseAddress!))
                Parallel.forEachChunk(count: n, chunkSize: 512) { range, _ in
                    for (t, tree) in trees.enumerated() {
                        let k = t % s
                        for i in range { target[i * s + k] += tree.value(of: source.base + i * features) }
                    }
                }
            }
        }
        return scores
    }

    /// Per-round history: training log loss, validation log loss and accuracy, and the round kept.
    public var trainingCurves: TrainingCurves? {
        TrainingCurves(trainingLoss: trainingLoss, validationLoss: validationLoss, validationAccuracy: validationAccuracy,
                       epochSeconds: [], bestEpoch: bestRound)
    }

    /// `gainImportances`, as every fitted classifier offers them.
    public var impurityImportances: [Double]? { gainImportances }
    /// `splitCounts`, as every fitted classifier offers them.
    public var featureSplitCounts: [Int]? { splitCounts }
}

// MARK: - Private

extension GradientBoostingModel {
    /// Throws `FitError.invalidParameter` for an inconsistent model (a corrupt or edited file).
    private func validateStructure() throws {
        try require(classes.count >= 2, "gradient boosting classes", classes, expected: "at least 2 classes")
        let columns = classes.count == 2 ? 1 : classes.count
        try require(treesPerRound == columns, "gradient boosting trees per round", treesPerRound,
                    expected: "\(columns) for \(classes.count) classes")
        try require(baseScores.count == columns && baseScores.allSatisfy(\.isFinite), "gradient boosting base scores",
                    baseScores, expected: "\(columns) finite numbers")
        try require(trees.count % columns == 0, "gradient boosting tree count", trees.count,
                    expected: "a multiple of \(columns) (whole rounds)")
        for tree in trees { try tree.validateStructure(features: features) }
    }
}

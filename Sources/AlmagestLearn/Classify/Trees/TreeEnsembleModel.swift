import AlmagestCore

/// A fitted forest of classification trees (`RandomForestClassifier`, `ExtraTreesClassifier`):
/// class probabilities are the mean of the trees' leaf frequencies, the prediction their most
/// probable class (the first on ties), and feature importances the normalised mean of the trees'.
///
/// Cost: O(trees · depth) per row to predict; rows are split into chunks predicted in parallel,
/// each row summing its trees in tree order, so the result does not depend on the thread count.
///
/// ```swift
/// let model = try RandomForestClassifier(trees: 100, seed: 0).fit(x, labels: y)
/// let p = try model.predictProbabilities(xTest)     // columns follow model.classes
/// model.outOfBagScore; model.featureImportances; model.trees.count
/// ```
public struct TreeEnsembleModel: FittedClassifier, Equatable {
    /// Class labels, in the column order of `predictProbabilities`.
    public let classes: [Int]
    public let trees: [DecisionTree]
    /// Normalised mean decrease in impurity of each feature, averaged over the trees.
    public let featureImportances: [Double]
    /// Accuracy of the out-of-bag predictions on the training rows (nil without the bootstrap, or
    /// when every row was drawn by every tree).
    public let outOfBagScore: Double?
    /// Why the trees cannot be walked safely (a corrupted file), found once when the model is made;
    /// `predict` throws it. Nil for sound trees.
    private let structureError: FitError?

    public init(classes: [Int], trees: [DecisionTree], featureImportances: [Double], outOfBagScore: Double?) {
        self.classes = classes
        self.trees = trees
        self.featureImportances = featureImportances
        self.outOfBagScore = outOfBagScore
        // Checked once here (also for decoded models), not on every predict: O(nodes) per call
        // dominated single-row predictions (1 ms for 100 trees on MAGIC).
        do {
            for tree in trees { try tree.validateStructure(features: featureImportances.count, classes: classes.count) }
            self.structureError = nil
        } catch {
            self.structureError = error as? FitError ?? .invalidParameter(name: "forest", value: "\(error)", expected: "sound trees")
        }
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(classes: try c.decode([Int].self, forKey: .classes), trees: try c.decode([DecisionTree].self, forKey: .trees),
                  featureImportances: try c.decode([Double].self, forKey: .featureImportances),
                  outOfBagScore: try c.decodeIfPresent(Double.self, forKey: .outOfBagScore))
    }

    public static func == (a: Self, b: Self) -> Bool {
        a.classes == b.classes && a.trees == b.trees && a.featureImportances == b.featureImportances && a.outOfBagScore == b.outOfBagScore
    }

    public func predict(_ x: Matrix<Double>) throws -> [Int] {
        try predictProbabilities(x).argmaxPerRow().map { classes[$0] }
    }

    /// Mean of the trees' leaf class frequencies, one column per entry of `classes`.
    public func predictProbabilities(_ x: Matrix<Double>) throws -> Matrix<Double> {
        let width = featureImportances.count
        try x.validateForPredict("forest input", features: width)
        try require(!trees.isEmpty, "forest", "no trees", expected: "at least one tree")
        if let structureError { throw structureError }
        let scale = 1 / Double(trees.count)
        let trees = self.trees
        return Matrix(rows: x.rows, columns: classes.count) { out in
            let target = SharedPointer(out.baseAddress!)
            x.withUnsafeBufferPointer { buffer in
                let source = SharedReadPointer(buffer.baseAddress!)
                let (rows, columns) = (x.rows, x.columns)
                Parallel.forEachChunk(count: rows, chunkSize: 512) { range, _ in
                    let input = UnsafeBufferPointer(start: source.base, count: rows * columns)
                    for tree in trees {
                        tree.accumulateProbabilities(input, columns: columns, rows: range, scale: scale, into: target.base)
                    }
                }
            }
        }
    }
}

extension TreeEnsembleModel {
    private enum CodingKeys: String, CodingKey { case classes, trees, featureImportances, outOfBagScore }
}

extension TreeEnsembleModel {
    /// `featureImportances`, as every fitted classifier offers them.
    public var impurityImportances: [Double]? { featureImportances }
    /// Splits per feature over every tree of the forest.
    public var featureSplitCounts: [Int]? {
        trees.reduce(into: [Int](repeating: 0, count: featureImportances.count)) { total, tree in
            for (j, c) in tree.splitCounts(features: featureImportances.count).enumerated() { total[j] += c }
        }
    }
}

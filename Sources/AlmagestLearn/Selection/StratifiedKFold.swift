import AlmagestCore

/// Stratified k-fold cross-validation: the rows of each class are shuffled by one seeded stream
/// and dealt in turn to the k folds, so every fold keeps the class proportions of the whole (to
/// one row per class) and every row is tested exactly once. Like scikit-learn's `StratifiedKFold`
/// with `shuffle=True` (its allocation differs in which rows go where, not in the sizes' spread).
///
/// Cost: O(n) time and memory per call.
///
/// ```swift
/// let folds = try StratifiedKFold(folds: 5, seed: 0).split(labels: y)     // 5 TrainTestIndices
/// let scores = try CrossValidation.accuracies(of: pipeline, x, labels: y, folds: folds)
/// ```
public struct StratifiedKFold: Codable, Sendable, Equatable {
    /// Number of folds k (at least 2).
    public let folds: Int
    public let seed: Int

    /// Throws `FitError.invalidParameter` for fewer than 2 folds.
    public init(folds: Int = 5, seed: Int = 0) throws {
        try require(folds >= 2, "folds", folds, expected: "at least 2")
        self.folds = folds
        self.seed = seed
    }

    /// One train/test division per fold. Throws `FitError.tooFewSamples` when a class has fewer
    /// rows than folds (a fold would miss it), naming the class.
    public func split(labels: [Int]) throws -> [TrainTestIndices] {
        var byClass = [Int: [Int]]()
        for (i, label) in labels.enumerated() { byClass[label, default: []].append(i) }
        if let (label, rows) = byClass.sorted(by: { $0.key < $1.key }).first(where: { $0.value.count < folds }) {
            throw FitError.tooFewSamples(method: "stratified \(folds)-fold cross-validation", needed: folds, got: rows.count,
                                         reason: "class \(label) has \(rows.count) rows; every fold needs one")
        }
        var rng = RandomStream(seed: seed)
        var fold = [Int](repeating: 0, count: labels.count)
        var next = 0
        for label in byClass.keys.sorted() {
            var rows = byClass[label]!
            rng.shuffle(&rows)
            for row in rows {
                fold[row] = next
                next = (next + 1) % folds
            }
        }
        return (0..<folds).map { k in
            TrainTestIndices(train: labels.indices.filter { fold[$0] != k }, test: labels.indices.filter { fold[$0] == k })
        }
    }
}

/// Cross-validated scores: the estimator (a `Pipeline` refits every step) is fitted on each fold's
/// training rows only and scored on its test rows.
public enum CrossValidation {
    /// Test accuracy of each fold.
    public static func accuracies<C: Classifier>(
        of classifier: C, _ x: C.Input, labels: [Int], folds: [TrainTestIndices]
    ) throws -> [Double] {
        try folds.map { fold in
            let model = try classifier.fit(x.samples(at: fold.train), labels: fold.trainLabels(labels))
            let predicted = try model.predict(x.samples(at: fold.test))
            let truth = fold.testLabels(labels)
            return Double(zip(predicted, truth).filter { $0 == $1 }.count) / Double(max(truth.count, 1))
        }
    }
}

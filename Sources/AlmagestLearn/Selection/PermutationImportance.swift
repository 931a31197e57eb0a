import AlmagestCore

/// Permutation importance (Breiman, "Random forests", 2001; scikit-learn's
/// `permutation_importance`): how much a fitted classifier's accuracy on held-out rows drops when
/// one column's values are shuffled among the rows, breaking its link with the labels; the mean and
/// standard deviation over `repeats` shuffles, each drawn from the stream (seed, column). Works for
/// any model, a whole pipeline included.
///
/// Cost: columns x repeats predictions of the rows.
///
/// ```swift
/// let importance = try PermutationImportance(repeats: 5, seed: 0).measure(model, xTest, labels: yTest)
/// importance.means      // accuracy lost per column
/// ```
public struct PermutationImportance: Codable, Sendable, Equatable {
    public var repeats: Int
    public var seed: Int

    public init(repeats: Int = 5, seed: Int = 0) {
        self.repeats = repeats
        self.seed = seed
    }

    /// The drops of accuracy per column: means and (population) standard deviations.
    public func measure<M: FittedClassifier>(_ model: M, _ x: Matrix<Double>, labels: [Int]) throws
        -> (means: [Double], deviations: [Double]) where M.Input == Matrix<Double>
    {
        try require(repeats >= 1, "permutation repeats", repeats, expected: "at least 1")
        guard labels.count == x.rows, x.rows > 0 else {
            throw FitError.invalidLabels(reason: "got \(labels.count) labels for \(x.rows) rows; expected one per row, at least one")
        }
        func accuracy(_ rows: Matrix<Double>) throws -> Double {
            Double(zip(try model.predict(rows), labels).filter { $0 == $1 }.count) / Double(labels.count)
        }
        let base = try accuracy(x)
        var means = [Double](), deviations = [Double]()
        for column in 0..<x.columns {
            var rng = RandomStream(seed: seed, stream: column)
            var drops = [Double]()
            for _ in 0..<repeats {
                let order = rng.permutation(x.rows)
                var shuffled = x
                for i in 0..<x.rows { shuffled[i, column] = x[order[i], column] }
                drops.append(base - (try accuracy(shuffled)))
            }
            let mean = drops.reduce(0, +) / Double(repeats)
            means.append(mean)
            deviations.append((drops.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(repeats)).squareRoot())
        }
        return (means, deviations)
    }
}

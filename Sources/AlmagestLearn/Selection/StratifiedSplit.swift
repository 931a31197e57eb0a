import AlmagestCore

/// A seeded stratified train/test split: each class gives `testFraction` of its rows (rounded, at
/// least one and at most all but one) to the test part, so both parts keep the class proportions
/// of the whole. Rows of a class are shuffled by one seeded stream, classes taken in ascending
/// label order, so the same labels and seed give the same split. Like scikit-learn's
/// `train_test_split(..., stratify=y)` (per-class rounding instead of its global allocation).
///
/// Cost: O(n) time and memory.
///
/// ```swift
/// let splitter = try StratifiedSplit(testFraction: 0.2, seed: 42)
/// let parts = try splitter.split(labels: dataset.labels!)
/// let scaler = try StandardScaler().fit(try dataset.subset(parts.train).features)
/// ```
public struct StratifiedSplit: Codable, Sendable, Equatable {
    /// Share of each class that goes to the test part, in (0, 1).
    public let testFraction: Double
    public let seed: Int

    /// Throws `FitError.invalidParameter` when `testFraction` is not strictly between 0 and 1.
    public init(testFraction: Double = 0.2, seed: Int = 0) throws {
        try require(testFraction > 0 && testFraction < 1, "test fraction", testFraction,
                    expected: "a value strictly between 0 and 1")
        self.testFraction = testFraction
        self.seed = seed
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(testFraction: c.decode(Double.self, forKey: .testFraction), seed: c.decode(Int.self, forKey: .seed))
    }

    /// Splits rows by their class labels. Throws `FitError.invalidLabels` for no labels and
    /// `FitError.tooFewSamples` for a class with fewer than 2 rows (it could not be in both parts).
    public func split(labels: [Int]) throws -> TrainTestIndices {
        guard !labels.isEmpty else {
            throw FitError.invalidLabels(reason: "there are no labels to split; expected one label per row")
        }
        let members = Self.rowsByClass(labels)
        if let small = members.first(where: { $0.rows.count < 2 }) {
            throw FitError.tooFewSamples(
                method: "a stratified split", needed: 2, got: small.rows.count,
                reason: "class \(small.label) has \(small.rows.count) row; every class needs one in each part")
        }
        return splitValidated(members)
    }

    /// How many of `count` rows of one class go to the test part.
    public func testCount(ofClassWith count: Int) -> Int {
        Swift.min(Swift.max(Int((Double(count) * testFraction).rounded()), 1), count - 1)
    }

    // MARK: - Private

    /// Rows of each class, classes in ascending label order.
    private static func rowsByClass(_ labels: [Int]) -> [(label: Int, rows: [Int])] {
        var rows = [Int: [Int]]()
        for (i, label) in labels.enumerated() { rows[label, default: []].append(i) }
        return rows.keys.sorted().map { ($0, rows[$0]!) }
    }

    private func splitValidated(_ members: [(label: Int, rows: [Int])]) -> TrainTestIndices {
        var rng = RandomStream(seed: seed)
        var train = [Int](), test = [Int]()
        for (_, classRows) in members {
            var rows = classRows
            rng.shuffle(&rows)
            let take = testCount(ofClassWith: rows.count)
            test += rows[..<take]
            train += rows[take...]
        }
        return TrainTestIndices(train: train.sorted(), test: test.sorted())
    }
}

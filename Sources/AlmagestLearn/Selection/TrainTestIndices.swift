/// One division of a data set's rows into a training part and a test part, as row indices in
/// ascending order. A stratified split returns one; a k-fold splitter returns one per fold.
///
/// ```swift
/// let parts = try StratifiedSplit(testFraction: 0.2, seed: 42).split(labels: y)
/// let train = try dataset.subset(parts.train), test = try dataset.subset(parts.test)
/// ```
public struct TrainTestIndices: Codable, Sendable, Equatable {
    /// Rows to fit on, ascending.
    public let train: [Int]
    /// Rows to evaluate on, ascending; disjoint from `train`.
    public let test: [Int]

    public init(train: [Int], test: [Int]) {
        self.train = train
        self.test = test
    }

    /// The labels of the training rows.
    public func trainLabels(_ labels: [Int]) -> [Int] { train.map { labels[$0] } }
    /// The labels of the test rows.
    public func testLabels(_ labels: [Int]) -> [Int] { test.map { labels[$0] } }
}

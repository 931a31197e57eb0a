import AlmagestCore
import Foundation

/// k-nearest-neighbours classification (Cover & Hart, "Nearest neighbor pattern classification",
/// 1967), as scikit-learn's `KNeighborsClassifier` with the Euclidean metric: a row's class
/// probabilities are the votes of its `neighbors` nearest training rows, each voting 1
/// (`uniform`) or 1/distance (`distance`; when some neighbours are exact copies of the row, they
/// alone vote, as in scikit-learn). Ties in distance go to the earlier training row, so the two
/// search algorithms give identical neighbours: `brute` (one GEMM per block of query rows, blocks
/// in parallel; `NeighborSearch`) or `kd-tree` (exact search in a `KDTree` built at fit); `auto`
/// takes the k-d tree up to 15 columns and brute force above. The model keeps the training rows
/// and labels. Scale the features first (a `StandardScaler`): distances mix their units.
///
/// Cost: fit O(1) (brute) or O(d n log² n) (k-d tree); predict O(m n d) brute, about
/// O(m d log n) with the k-d tree in few dimensions.
///
/// ```swift
/// let model = try KNeighborsClassifier(neighbors: 5, weights: .distance).fit(x, labels: y)
/// let p = try model.predictProbabilities(test)            // columns follow model.classes
/// let (indices, distances) = try model.kNeighbors(of: test)
/// ```
public struct KNeighborsClassifier: Classifier, RegisteredEstimator {
    /// How the neighbours' votes are weighted.
    public enum Weights: String, Codable, Sendable, CaseIterable {
        /// One vote each.
        case uniform
        /// 1/distance each (exact copies of the row, if any, outvote all others).
        case distance
    }

    /// How the neighbours are found (the same neighbours either way).
    public enum Algorithm: String, Codable, Sendable, CaseIterable {
        /// `kdTree` for up to `autoKDTreeColumns` columns, `brute` above.
        case auto
        case brute
        case kdTree = "kd-tree"
    }

    /// Up to this many columns, `auto` builds a k-d tree.
    public static let autoKDTreeColumns = 15

    /// Number of neighbours that vote (scikit-learn's `n_neighbors`).
    public var neighbors: Int
    public var weights: Weights
    public var algorithm: Algorithm
    /// Rows per leaf of the k-d tree (scikit-learn's `leaf_size`).
    public var leafSize: Int

    public init(neighbors: Int = 5, weights: Weights = .uniform, algorithm: Algorithm = .auto, leafSize: Int = 30) {
        (self.neighbors, self.weights, self.algorithm, self.leafSize) = (neighbors, weights, algorithm, leafSize)
    }

    public static let estimatorName = "k-neighbors"
    public static let summary = "k-nearest neighbours: (distance-weighted) votes of the nearest training rows, brute force or k-d tree"
    public static var defaultConfiguration: KNeighborsClassifier { KNeighborsClassifier() }
    public static var optionHelp: [String: String] {
        [
            "neighbors": "number of nearest training rows that vote", "weights": "uniform or distance (1/d votes)",
            "algorithm": "auto, brute or kd-tree (same neighbours)", "leaf_size": "rows per leaf of the k-d tree",
        ]
    }

    public func validate() throws {
        try require(neighbors >= 1, "neighbors", neighbors, expected: "at least 1")
        try require(leafSize >= 1, "leaf size", leafSize, expected: "at least 1")
    }

    /// Keeps the training rows and labels (and builds the k-d tree); throws `FitError` on empty or
    /// non-finite data, labels that do not fit the rows, a single class, or fewer rows than
    /// `neighbors`.
    public func fit(_ x: Matrix<Double>, labels: [Int]) throws -> KNeighborsClassifierModel {
        try validate()
        try x.validateForFit("k-neighbors input")
        let classes = try ClassLabels.distinct(labels, rows: x.rows, method: "k-neighbors")
        guard neighbors <= x.rows else {
            throw FitError.tooFewSamples(method: "k-neighbors", needed: neighbors, got: x.rows,
                                         reason: "\(neighbors) neighbors need at least \(neighbors) training rows, got \(x.rows)")
        }
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($0.element, $0.offset) })
        let resolved: Algorithm = algorithm != .auto ? algorithm : (x.columns <= Self.autoKDTreeColumns ? .kdTree : .brute)
        return KNeighborsClassifierModel(
            classes: classes, trainingRows: x, trainingClasses: labels.map { index[$0]! }, neighbors: neighbors,
            weights: weights, algorithm: resolved, kdTree: resolved == .kdTree ? KDTree(x, leafSize: leafSize) : nil)
    }
}

/// A fitted `KNeighborsClassifier`: the training rows, their class indices, and the k-d tree when
/// `algorithm` is `kdTree` (never `auto`: fitting resolves it).
public struct KNeighborsClassifierModel: FittedClassifier, Equatable {
    public let classes: [Int]
    public let trainingRows: Matrix<Double>
    /// Index into `classes` of each training row's label.
    public let trainingClasses: [Int]
    public let neighbors: Int
    public let weights: KNeighborsClassifier.Weights
    public let algorithm: KNeighborsClassifier.Algorithm
    public let kdTree: KDTree?

    public func predict(_ x: Matrix<Double>) throws -> [Int] {
        try predictProbabilities(x).argmaxPerRow().map { classes[$0] }
    }

    /// The neighbours' (weighted) votes, normalised to sum 1, one column per entry of `classes`.
    public func predictProbabilities(_ x: Matrix<Double>) throws -> Matrix<Double> {
        let lists = try neighborLists(x)
        let k = classes.count
        return Matrix(rows: x.rows, columns: k) { out in
            for (i, list) in lists.enumerated() {
                let hasCopy = weights == .distance && list.squaredDistances.contains(0)
                var total = 0.0
                for (d2, row) in zip(list.squaredDistances, list.indices) {
                    let vote: Double
                    switch weights {
                    case .uniform: vote = 1
                    case .distance: vote = hasCopy ? (d2 == 0 ? 1 : 0) : 1 / d2.squareRoot()
                    }
                    out[i * k + trainingClasses[row]] += vote
                    total += vote
                }
                if !(total > 0 && total.isFinite) {
                    // Distances overflowed to infinity (votes 0): count the neighbours instead.
                    for c in 0..<k { out[i * k + c] = 0 }
                    for row in list.indices { out[i * k + trainingClasses[row]] += 1 }
                    total = Double(list.indices.count)
                }
                for c in 0..<k { out[i * k + c] /= total }
            }
        }
    }

    /// The `neighbors` nearest training rows of each row of `x`, nearest first (ties: earlier
    /// training row first), and their Euclidean distances (scikit-learn's `kneighbors`).
    public func kNeighbors(of x: Matrix<Double>) throws -> (indices: [[Int]], distances: [[Double]]) {
        let lists = try neighborLists(x)
        return (lists.map(\.indices), lists.map { $0.squaredDistances.map { $0.squareRoot() } })
    }

    // MARK: - Private

    private func neighborLists(_ x: Matrix<Double>) throws -> [NeighborList] {
        try x.validateForPredict("k-neighbors input", features: trainingRows.columns)
        try require(trainingClasses.count == trainingRows.rows && trainingClasses.allSatisfy { classes.indices.contains($0) }
                    && neighbors >= 1 && neighbors <= trainingRows.rows,
                    "k-neighbors model", "\(trainingRows.rows) rows, \(trainingClasses.count) labels, \(neighbors) neighbors",
                    expected: "one label index below \(classes.count) per training row, and 1...\(trainingRows.rows) neighbors")
        guard let tree = kdTree, algorithm == .kdTree else {
            return NeighborSearch.brute(queries: x, points: trainingRows, k: neighbors)
        }
        try tree.validateStructure(rows: trainingRows.rows, columns: trainingRows.columns)
        let (k, d, points) = (neighbors, x.columns, trainingRows)
        return Parallel.mapChunks(count: x.rows, chunkSize: NeighborSearch.blockRows) { range, _ in
            x.withUnsafeBufferPointer { q in
                points.withUnsafeBufferPointer { p in
                    range.map { i in tree.nearest(to: q.baseAddress! + i * d, k: k, points: p.baseAddress!) }
                }
            }
        }.flatMap { $0 }
    }
}

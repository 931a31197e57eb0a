import AlmagestCore
/// The contingency table of two labelings of the same points: how many points of true class c
/// landed in predicted cluster k (`n_ck`), with the class sizes `n_c` and cluster sizes `n_k`.
///
/// Every external clustering score (Rand, mutual information, purity, ...) is a function of this
/// table alone, so it is computed once and shared (see `ClusteringComparison`). Labels are
/// arbitrary integers (7 and 42 are fine); rows follow the sorted distinct true labels, columns
/// the sorted distinct predicted labels. The table is stored sparsely (non-zero cells in
/// row-major order), so one-cluster-per-point labelings of many points stay cheap.
/// Reference: Hubert & Arabie, "Comparing partitions", Journal of Classification (1985).
/// Cost O(n log n) time, O(n) memory.
///
/// ```swift
/// let table = try Contingency(labelsTrue: [0, 0, 1, 1], labelsPredicted: [7, 7, 7, 42])
/// table.dense            // [[2, 0], [1, 1]]
/// table.pairCounts.truePositives   // 1
/// ```
public struct Contingency: Sendable, Equatable {
    /// One non-zero cell of the table.
    public struct Cell: Sendable, Equatable {
        /// Row (index into `trueLabels`).
        public let row: Int
        /// Column (index into `predictedLabels`).
        public let column: Int
        /// Number of points in this class and cluster (> 0).
        public let count: Int
    }

    /// Sorted distinct true labels (the rows).
    public let trueLabels: [Int]
    /// Sorted distinct predicted labels (the columns).
    public let predictedLabels: [Int]
    /// Non-zero cells in row-major order.
    public let cells: [Cell]
    /// Class sizes `n_c` (row sums), in `trueLabels` order.
    public let classSizes: [Int]
    /// Cluster sizes `n_k` (column sums), in `predictedLabels` order.
    public let clusterSizes: [Int]
    /// Number of points `n`.
    public let sampleCount: Int

    /// Builds the table; throws `FitError.invalidLabels` when the arrays are empty or differ in length.
    public init(labelsTrue: [Int], labelsPredicted: [Int]) throws {
        try Self.validate(labelsTrue, labelsPredicted)
        let (rowLabels, rowIndex) = Self.encode(labelsTrue)
        let (columnLabels, columnIndex) = Self.encode(labelsPredicted)
        let width = columnLabels.count
        var keys = (0..<labelsTrue.count).map { rowIndex[$0] * width + columnIndex[$0] }
        keys.sort()
        var cells: [Cell] = []
        var classSizes = [Int](repeating: 0, count: rowLabels.count)
        var clusterSizes = [Int](repeating: 0, count: width)
        var start = 0
        while start < keys.count {
            var end = start + 1
            while end < keys.count && keys[end] == keys[start] { end += 1 }
            let cell = Cell(row: keys[start] / width, column: keys[start] % width, count: end - start)
            cells.append(cell)
            classSizes[cell.row] += cell.count
            clusterSizes[cell.column] += cell.count
            start = end
        }
        self.trueLabels = rowLabels
        self.predictedLabels = columnLabels
        self.cells = cells
        self.classSizes = classSizes
        self.clusterSizes = clusterSizes
        self.sampleCount = labelsTrue.count
    }

    /// The full table (classes x clusters); O(classes x clusters) memory, meant for small tables.
    public var dense: [[Int]] {
        var table = [[Int]](repeating: [Int](repeating: 0, count: predictedLabels.count), count: trueLabels.count)
        for cell in cells { table[cell.row][cell.column] = cell.count }
        return table
    }

    /// Number of distinct true classes.
    public var classCount: Int { trueLabels.count }
    /// Number of distinct predicted clusters.
    public var clusterCount: Int { predictedLabels.count }

    /// Throws `FitError.invalidLabels` naming both lengths unless the two labelings are non-empty
    /// and of equal length.
    public static func validate(_ labelsTrue: [Int], _ labelsPredicted: [Int]) throws {
        guard labelsTrue.count == labelsPredicted.count, !labelsTrue.isEmpty else {
            throw FitError.invalidLabels(
                reason: "got \(labelsTrue.count) true labels and \(labelsPredicted.count) predicted labels; "
                    + "expected two non-empty labelings of the same length")
        }
    }

    // MARK: - Private

    /// Sorted distinct values and, per element, the index of its value among them.
    private static func encode(_ labels: [Int]) -> (distinct: [Int], index: [Int]) {
        let distinct = Array(Set(labels)).sorted()
        var position: [Int: Int] = [:]
        position.reserveCapacity(distinct.count)
        for (i, label) in distinct.enumerated() { position[label] = i }
        return (distinct, labels.map { position[$0]! })
    }
}

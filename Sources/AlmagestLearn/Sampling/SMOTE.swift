import AlmagestCore

/// SMOTE, the synthetic minority over-sampling technique (Chawla, Bowyer, Hall & Kegelmeyer,
/// "SMOTE: Synthetic Minority Over-sampling Technique", JAIR 16, 2002, section 4.2), as
/// imbalanced-learn's `SMOTE`: each class smaller than `samplingRatio` times the largest class
/// gets synthetic rows until it reaches that size; a synthetic row is `x + u · (n − x)` for a
/// row x of the class drawn uniformly, n one of its `neighbors` nearest rows of the same class
/// drawn uniformly, and u uniform in [0, 1). The original rows come first, in order, then the
/// synthetic rows of each class in ascending label order.
///
/// In a `Pipeline` it runs on the training rows only (inside cross-validation: on the training
/// folds), after the scalers, so the neighbours are those of the scaled space; test rows are
/// never resampled. Neighbours by exact Euclidean distance (`NeighborSearch`, GEMM blocks in
/// parallel); draws from one stream seeded by `seed`, so the result does not depend on the
/// thread count. Cost: O(n_c² d) per class c for its neighbours, O(s d) for s synthetic rows.
///
/// ```swift
/// let balanced = try SMOTE(neighbors: 5, seed: 0).resample(xTrain, labels: yTrain)
/// balanced.report["rows_added"]
/// ```
public struct SMOTE: Sampler, RegisteredEstimator {
    /// Nearest same-class rows a synthetic row may be drawn towards (k ≥ 1).
    public var neighbors: Int
    /// Each class is brought to at least this share of the largest class's size, in (0, 1]
    /// (1: every class as large as the largest, imbalanced-learn's "not majority").
    public var samplingRatio: Double
    public var seed: Int

    public init(neighbors: Int = 5, samplingRatio: Double = 1, seed: Int = 0) {
        self.neighbors = neighbors
        self.samplingRatio = samplingRatio
        self.seed = seed
    }

    public static let estimatorName = "smote"
    public static let summary = "SMOTE over-sampling of small classes (training rows only, inside a pipeline)"
    public static var defaultConfiguration: SMOTE { SMOTE() }
    public static var conformanceConfiguration: SMOTE { SMOTE(neighbors: 3) }
    public static var optionHelp: [String: String] {
        ["neighbors": "nearest same-class rows to interpolate towards (k)",
         "sampling_ratio": "bring each class to this share of the largest class, in (0, 1]",
         "seed": "seed of the rows, neighbours and gaps drawn"]
    }

    public func validate() throws {
        try require(neighbors >= 1, "neighbors", neighbors, expected: "at least 1")
        try require(samplingRatio > 0 && samplingRatio <= 1, "sampling ratio", samplingRatio, expected: "a share in (0, 1]")
    }

    /// The rows with synthetic rows appended. Throws `FitError` for empty or non-finite rows, a
    /// label count that differs from the row count, or a class to over-sample with fewer than
    /// `neighbors + 1` rows (naming the class and what it needs).
    public func resample(_ x: Matrix<Double>, labels: [Int]) throws -> Resampled<Matrix<Double>> {
        try validate()
        try x.validateForFit("SMOTE input")
        try requireOneLabelPerRow(x, labels, method: "SMOTE")
        var byClass = [Int: [Int]]()
        for (i, label) in labels.enumerated() { byClass[label, default: []].append(i) }
        let largest = byClass.values.map(\.count).max() ?? 0
        let target = Int((samplingRatio * Double(largest)).rounded(.down))
        var rng = RandomStream(seed: seed)
        var synthetic = [Double](), syntheticLabels = [Int]()
        var report: [String: Double] = ["rows_in": Double(x.rows)]
        for label in byClass.keys.sorted() {
            let members = byClass[label]!
            let missing = target - members.count
            guard missing > 0 else { continue }
            guard members.count > neighbors else {
                throw FitError.tooFewSamples(
                    method: "SMOTE with \(neighbors) neighbours", needed: neighbors + 1, got: members.count,
                    reason: "class \(label) has \(members.count) training rows; over-sampling it needs at least \(neighbors + 1) "
                        + "(lower neighbors, or leave the class as it is with a smaller sampling_ratio)")
            }
            let points = x.rows(at: members)
            let near = Self.neighbourTable(points, k: neighbors)
            synthetic.reserveCapacity(synthetic.count + missing * x.columns)
            points.withUnsafeBufferPointer { p in
                for _ in 0..<missing {
                    let i = rng.nextInt(below: members.count)
                    let j = near[i * neighbors + rng.nextInt(below: neighbors)]
                    let gap = rng.nextDouble()
                    for c in 0..<x.columns {
                        let a = p[i * x.columns + c]
                        synthetic.append(a + gap * (p[j * x.columns + c] - a))
                    }
                }
            }
            syntheticLabels += Array(repeating: label, count: missing)
            report["rows_added_class_\(label)"] = Double(missing)
        }
        report["rows_added"] = Double(syntheticLabels.count)
        report["rows_out"] = Double(x.rows + syntheticLabels.count)
        let added = try Matrix(rows: syntheticLabels.count, columns: x.columns, elements: synthetic)
        return Resampled(x: try x.appendingRows(added), labels: labels + syntheticLabels, report: report)
    }
}

extension SMOTE {
    /// The `k` nearest other rows of each row of `points` (row-major, k per row): the k + 1
    /// nearest less the row itself (or, among exact duplicates ranked first, less the last).
    static func neighbourTable(_ points: Matrix<Double>, k: Int) -> [Int] {
        let lists = NeighborSearch.brute(queries: points, points: points, k: k + 1)
        var table = [Int]()
        table.reserveCapacity(points.rows * k)
        for (i, list) in lists.enumerated() {
            var others = list.indices.filter { $0 != i }
            if others.count > k { others.removeLast(others.count - k) }
            table += others
        }
        return table
    }
}

/// Throws `FitError.invalidLabels` unless there is one label per row.
func requireOneLabelPerRow(_ x: Matrix<Double>, _ labels: [Int], method: String) throws {
    guard labels.count == x.rows else {
        throw FitError.invalidLabels(reason: "\(method) got \(labels.count) labels for \(x.rows) rows; expected one label per row")
    }
}

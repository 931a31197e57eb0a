import AlmagestCore

/// Group k-fold cross-validation (scikit-learn's `GroupKFold`): rows sharing a group id (the same
/// patient, telescope night or galaxy field) are always in the same fold, so a model is never
/// tested on a group it was trained on. Groups are dealt largest first to the fold with the fewest
/// rows so far (the lowest fold on ties; groups of equal size in order of first appearance), which
/// balances the fold sizes without randomness, as scikit-learn does.
///
/// Cost: O(n + g log g) for g groups.
///
/// ```swift
/// let folds = try GroupKFold(folds: 5).split(groups: nightOfEachRow)
/// ```
public struct GroupKFold: Codable, Sendable, Equatable {
    public let folds: Int

    /// Throws `FitError.invalidParameter` for fewer than 2 folds.
    public init(folds: Int = 5) throws {
        try require(folds >= 2, "folds", folds, expected: "at least 2")
        self.folds = folds
    }

    /// One division per fold. Throws `FitError.tooFewSamples` when there are fewer distinct groups
    /// than folds (a fold would be empty).
    public func split(groups: [Int]) throws -> [TrainTestIndices] {
        var order = [Int](), size = [Int: Int]()
        for g in groups {
            if size[g] == nil { order.append(g) }
            size[g, default: 0] += 1
        }
        guard order.count >= folds else {
            throw FitError.tooFewSamples(method: "group \(folds)-fold cross-validation", needed: folds, got: order.count,
                                         reason: "there are \(order.count) distinct groups; every fold needs at least one")
        }
        let largestFirst = order.enumerated().sorted { (size[$0.element]!, -$0.offset) > (size[$1.element]!, -$1.offset) }
        var load = [Int](repeating: 0, count: folds), foldOf = [Int: Int]()
        for (_, g) in largestFirst {
            let lightest = load.indices.min { (load[$0], $0) < (load[$1], $1) }!
            foldOf[g] = lightest
            load[lightest] += size[g]!
        }
        return (0..<folds).map { k in
            TrainTestIndices(train: groups.indices.filter { foldOf[groups[$0]] != k },
                             test: groups.indices.filter { foldOf[groups[$0]] == k })
        }
    }
}

/// How a search or a curve divides the training rows: stratified k-fold, repeated `repeats`
/// times, or — when each row has a group id — group k-fold (which has no randomness and no
/// repeats).
///
/// ```swift
/// let divisions = try FoldPlan(folds: 5, repeats: 2, seed: 0).split(labels: y, groups: nil)   // 10
/// ```
public struct FoldPlan: Codable, Sendable, Equatable {
    public var folds: Int
    public var repeats: Int
    public var seed: Int

    public init(folds: Int = 5, repeats: Int = 1, seed: Int = 0) {
        self.folds = folds
        self.repeats = repeats
        self.seed = seed
    }

    /// The divisions of rows with `labels` (and `groups`, one id per row, or nil). Throws
    /// `FitError` for a bad setting, repeats with groups, a group count that differs from the row
    /// count, or a class (a group set) too small for the folds.
    public func split(labels: [Int], groups: [Int]?) throws -> [TrainTestIndices] {
        guard let groups else { return try RepeatedStratifiedKFold(folds: folds, repeats: repeats, seed: seed).split(labels: labels) }
        guard groups.count == labels.count else {
            throw FitError.invalidLabels(reason: "\(groups.count) group ids for \(labels.count) rows; expected one per row")
        }
        guard repeats == 1 else {
            throw FitError.invalidParameter(name: "repeats", value: "\(repeats)",
                                            expected: "1 with groups: group k-fold has no randomness to repeat")
        }
        return try GroupKFold(folds: folds).split(groups: groups)
    }

    /// "5-fold stratified", "5-fold stratified x 3", "5-fold group".
    public func label(grouped: Bool) -> String {
        grouped ? "\(folds)-fold group" : "\(folds)-fold stratified" + (repeats > 1 ? " x \(repeats)" : "")
    }
}

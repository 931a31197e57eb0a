import AlmagestCore

/// Repeated stratified k-fold cross-validation (scikit-learn's `RepeatedStratifiedKFold`): the
/// stratified k-fold division made `repeats` times, repeat r shuffled by the stream of seed
/// `seed + r`, so every row is tested once per repeat and the spread of the k × repeats scores
/// reflects the division as well as the model.
///
/// Cost: O(n · repeats).
///
/// ```swift
/// let folds = try RepeatedStratifiedKFold(folds: 5, repeats: 3, seed: 0).split(labels: y)   // 15 divisions
/// ```
public struct RepeatedStratifiedKFold: Codable, Sendable, Equatable {
    public let folds: Int
    public let repeats: Int
    public let seed: Int

    /// Throws `FitError.invalidParameter` for fewer than 2 folds or fewer than 1 repeat.
    public init(folds: Int = 5, repeats: Int = 10, seed: Int = 0) throws {
        _ = try StratifiedKFold(folds: folds, seed: seed)
        try require(repeats >= 1, "repeats", repeats, expected: "at least 1")
        self.folds = folds
        self.repeats = repeats
        self.seed = seed
    }

    /// `folds × repeats` divisions, repeat by repeat. Throws as `StratifiedKFold.split`.
    public func split(labels: [Int]) throws -> [TrainTestIndices] {
        try (0..<repeats).flatMap { r in try StratifiedKFold(folds: folds, seed: seed &+ r).split(labels: labels) }
    }
}

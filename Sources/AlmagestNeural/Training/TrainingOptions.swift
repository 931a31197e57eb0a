import AlmagestCore
import Foundation

/// Settings of a `Trainer`: epochs, batch size, shuffling seed, early-stopping patience,
/// learning-rate schedule, gradient clipping and the progress line.
///
/// ```swift
/// let options = TrainingOptions(epochs: 100, batchSize: 256, seed: 0, patience: 10, schedule: .cosineAnnealing(period: 100, minimum: 0))
/// ```
public struct TrainingOptions: Codable, Sendable, Equatable {
    public var epochs: Int
    public var batchSize: Int
    public var seed: Int
    /// Epochs without improvement of the monitored loss (validation if given, else training)
    /// before stopping; nil trains all epochs. With patience, the best weights are restored.
    public var patience: Int?
    public var schedule: LearningRateSchedule
    /// Global gradient-norm limit, or nil.
    public var gradientClipNorm: Float?
    /// Print a progress line on standard error when it is a terminal.
    public var showsProgress: Bool

    public init(epochs: Int, batchSize: Int = 32, seed: Int = 0, patience: Int? = nil,
                schedule: LearningRateSchedule = .constant, gradientClipNorm: Float? = nil, showsProgress: Bool = true) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.seed = seed
        self.patience = patience
        self.schedule = schedule
        self.gradientClipNorm = gradientClipNorm
        self.showsProgress = showsProgress
    }

    /// Throws `FitError.invalidParameter` for a value outside its range.
    public func validate() throws {
        try require(epochs >= 1, "epochs", epochs, expected: "at least 1")
        try require(batchSize >= 1, "batch size", batchSize, expected: "at least 1")
        try require(patience.map { $0 >= 1 } ?? true, "patience", patience as Any, expected: "at least 1 or none")
        try require(gradientClipNorm.map { $0 > 0 } ?? true, "gradient clip norm", gradientClipNorm as Any,
                    expected: "a positive number or none")
    }
}

/// Targets of a training set: class labels or a tensor of values (regression, multi-label).
public enum TrainingTargets {
    case classes([Int])
    case values(Tensor)

    /// Number of rows.
    public var count: Int {
        switch self {
        case let .classes(labels): return labels.count
        case let .values(t): return t.shape.first ?? 0
        }
    }

    /// The class labels, or nil for value targets.
    public var classLabels: [Int]? {
        if case let .classes(labels) = self { return labels }
        return nil
    }

    /// The value tensor, or nil for class targets.
    public var valueTensor: Tensor? {
        if case let .values(t) = self { return t }
        return nil
    }

    /// The targets of `rows`, in that order.
    public func selecting(_ rows: [Int]) throws -> TrainingTargets {
        switch self {
        case let .classes(labels):
            if let bad = rows.first(where: { $0 < 0 || $0 >= labels.count }) {
                throw ShapeError.indexOutOfRange(what: "target row", index: bad, bound: labels.count)
            }
            return .classes(rows.map { labels[$0] })
        case let .values(t):
            return .values(try t.selectingRows(rows).detached())
        }
    }
}

/// One epoch of a training run.
public struct EpochRecord: Codable, Sendable, Equatable {
    /// 1-based epoch number.
    public var epoch: Int
    /// Mean training loss over the epoch's batches (weighted by batch size).
    public var trainingLoss: Double
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    public var learningRate: Float
    /// Wall-clock seconds of the epoch (training and validation).
    public var seconds: Double
}

/// What a training run did.
public struct TrainingHistory: Codable, Sendable, Equatable {
    public var epochs: [EpochRecord]
    /// The epoch with the lowest monitored loss (1-based).
    public var bestEpoch: Int
    public var stoppedEarly: Bool
}

/// A one-line, self-overwriting progress display on standard error, only on a terminal.
struct ProgressLine {
    let enabled: Bool

    init(enabled: Bool) { self.enabled = enabled && isatty(STDERR_FILENO) != 0 }

    func show(_ r: EpochRecord, of total: Int) {
        guard enabled else { return }
        var line = "\repoch \(r.epoch)/\(total)  loss \(String(format: "%.4f", r.trainingLoss))"
        if let v = r.validationLoss { line += "  val loss \(String(format: "%.4f", v))" }
        if let a = r.validationAccuracy { line += "  val acc \(String(format: "%.4f", a))" }
        line += "  \(String(format: "%.2f", r.seconds)) s   "
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

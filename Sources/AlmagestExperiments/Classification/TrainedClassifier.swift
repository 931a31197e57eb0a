import AlmagestCore
import Foundation
import AlmagestLearn

/// A fitted classifier of any kind the classification experiment runs, with what the run logs
/// beyond predictions: per-epoch training curves and saved weights, for the models that have them.
///
/// ```swift
/// let trained = try ClassifierChoice.mlp(MLPClassifier(epochs: 5)).fit(x, labels: y)
/// let p = try trained.predictProbabilities(xTest)
/// if let curves = trained.trainingCurves { print(curves.trainingLoss) }
/// ```
public enum TrainedClassifier: FittedClassifier, Equatable {
    case mlp(MLPClassifierModel)

    /// The command-line name of the model.
    public var kind: ClassifierKind {
        switch self {
        case .mlp: return .mlp
        }
    }

    public var classes: [Int] {
        switch self {
        case let .mlp(model): return model.classes
        }
    }

    public func predict(_ x: Matrix<Double>) throws -> [Int] {
        switch self {
        case let .mlp(model): return try model.predict(x)
        }
    }

    public func predictProbabilities(_ x: Matrix<Double>) throws -> Matrix<Double> {
        switch self {
        case let .mlp(model): return try model.predictProbabilities(x)
        }
    }

    /// Per-epoch curves of an iteratively trained model; nil for the others.
    public var trainingCurves: TrainingCurves? {
        switch self {
        case let .mlp(model):
            return TrainingCurves(
                trainingLoss: model.lossCurve, validationLoss: model.validationLosses,
                validationAccuracy: model.validationAccuracies, epochSeconds: model.epochSeconds, bestEpoch: model.bestEpoch)
        }
    }

    /// The weights as a safetensors file (PyTorch's parameter names and layouts); nil for models
    /// without tensor weights.
    public func safetensors(metadata: [String: String] = [:]) throws -> Data? {
        switch self {
        case let .mlp(model): return try model.safetensors(metadata: metadata)
        }
    }
}

/// Per-epoch history of a trained network: training loss, validation loss and accuracy (empty
/// without a validation part), seconds per epoch and the 1-based epoch whose weights were kept.
public struct TrainingCurves: Codable, Sendable, Equatable {
    public let trainingLoss: [Double]
    public let validationLoss: [Double]
    public let validationAccuracy: [Double]
    public let epochSeconds: [Double]
    public let bestEpoch: Int

    /// One line per epoch: `epoch,training_loss,validation_loss,validation_accuracy,seconds` (empty
    /// cells where there is no validation part).
    public func csv() -> String {
        var text = "epoch,training_loss,validation_loss,validation_accuracy,seconds\n"
        for (i, loss) in trainingLoss.enumerated() {
            let cells = [loss, validationLoss.indices.contains(i) ? validationLoss[i] : nil,
                         validationAccuracy.indices.contains(i) ? validationAccuracy[i] : nil,
                         epochSeconds.indices.contains(i) ? epochSeconds[i] : nil]
            text += "\(i + 1)," + cells.map { $0.map { "\($0)" } ?? "" }.joined(separator: ",") + "\n"
        }
        return text
    }
}

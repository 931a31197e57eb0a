import AlmagestCore
import AlmagestLearn
import AlmagestTracking

/// The models `almagest classify --model` offers, by their command-line names. Each case maps to
/// a configuration in `ClassifierChoice`; the tabular-classification work adds the classical
/// models (logistic regression, trees, SVM, ...) as new cases of both.
public enum ClassifierKind: String, Codable, Sendable, CaseIterable {
    /// Multilayer perceptron (`MLPClassifier`).
    case mlp
}

/// One classifier configuration, ready to fit, of any kind the classification experiment runs.
///
/// ```swift
/// let choice = ClassifierChoice.mlp(MLPClassifier(hiddenLayerSizes: [95, 95], batchSize: 256, epochs: 30))
/// let trained = try choice.fit(x, labels: y)     // TrainedClassifier
/// ```
public enum ClassifierChoice: Codable, Sendable, Equatable {
    case mlp(MLPClassifier)

    /// The command-line name of the model.
    public var kind: ClassifierKind {
        switch self {
        case .mlp: return .mlp
        }
    }

    /// Throws `FitError.invalidParameter` for the first setting outside its range.
    public func validate() throws {
        switch self {
        case let .mlp(config): try config.validate()
        }
    }

    /// The settings as run parameters (snake_case names).
    public var parameters: [String: ParameterValue] {
        switch self {
        case let .mlp(c):
            return [
                "hidden_layer_sizes": .string(c.hiddenLayerSizes.map(String.init).joined(separator: ",")),
                "activation": .string(c.activation.rawValue), "optimizer": .string(c.solver.rawValue),
                "learning_rate": .double(c.learningRate), "momentum": .double(c.momentum), "nesterov": .bool(c.nesterov),
                "weight_decay": .double(c.weightDecay), "batch_size": .int(c.batchSize), "epochs": .int(c.epochs),
                "early_stopping": .bool(c.earlyStopping), "validation_fraction": .double(c.validationFraction),
                "patience": .int(c.patience), "seed": .int(c.seed),
            ]
        }
    }

    /// Fits on rows `x` with class labels `labels`.
    public func fit(_ x: Matrix<Double>, labels: [Int]) throws -> TrainedClassifier {
        switch self {
        case let .mlp(config): return .mlp(try config.fit(x, labels: labels))
        }
    }
}

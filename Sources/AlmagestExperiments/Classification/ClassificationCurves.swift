import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestTracking
import Foundation

/// Which diagnostic curves the classification experiment draws on the training part, with the
/// same pipeline and folds (stratified, or by group): a learning curve over fractions of the
/// training rows, and a validation curve over one option's values. Each is written with the run
/// (`learning_curve.{json,svg}`, `validation_curve.{json,svg}`) and shown on its page.
///
/// ```swift
/// let curves = CurveSettings(learningFractions: [0.1, 0.5, 1], validation: .init(option: "max_depth", values: [2, 4, 8]))
/// ```
public struct CurveSettings: Codable, Sendable, Equatable {
    /// Shares of each fold's training rows for the learning curve; empty: no learning curve.
    public var learningFractions: [Double]
    /// The option and values of the validation curve; nil: none.
    public var validation: ValidationSettings?
    public var folds: Int

    public struct ValidationSettings: Codable, Sendable, Equatable {
        /// The final estimator's option key, or `step-name.option`.
        public var option: String
        public var values: [ParameterValue]

        public init(option: String, values: [ParameterValue]) {
            self.option = option
            self.values = values
        }
    }

    public init(learningFractions: [Double] = [0.1, 0.325, 0.55, 0.775, 1], validation: ValidationSettings? = nil, folds: Int = 5) {
        self.learningFractions = learningFractions
        self.validation = validation
        self.folds = folds
    }

    enum CodingKeys: String, CodingKey {
        case validation, folds
        case learningFractions = "learning_fractions"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        learningFractions = try c.decodeIfPresent([Double].self, forKey: .learningFractions) ?? [0.1, 0.325, 0.55, 0.775, 1]
        validation = try c.decodeIfPresent(ValidationSettings.self, forKey: .validation)
        folds = try c.decodeIfPresent(Int.self, forKey: .folds) ?? 5
    }
}

/// What one classification run works on, once split.
struct RunContext {
    let dataset: Dataset
    /// The original labels, sorted: class index k is `labels[k]`.
    let labels: [Int]
    /// Class index of every row.
    let y: [Int]
    let groups: [Int]?
    let split: TrainTestIndices

    var names: [String] { labels.map { dataset.className(of: $0) } }
}

extension ClassificationExperiment {
    /// The learning and validation curves of `settings` on the training part of `context`.
    func curves(_ settings: CurveSettings, pipeline: Pipeline, steps: [EstimatorSpec], model: EstimatorSpec, _ context: RunContext,
                progress: ProgressLog) throws -> (learning: ScoreCurve?, validation: ScoreCurve?) {
        let x = context.dataset.features.rows(at: context.split.train), y = context.split.trainLabels(context.y)
        let groups = context.groups.map(context.split.trainLabels)
        let plan = FoldPlan(folds: settings.folds, seed: seed)
        let learning = try settings.learningFractions.isEmpty ? nil : progress.phase(
            "learning curve: \(settings.learningFractions.count) sizes x \(plan.label(grouped: groups != nil))") {
            try LearningCurve(fractions: settings.learningFractions, plan: plan).run(pipeline, x, labels: y, groups: groups)
        }
        let validation = try settings.validation.map { v in
            try progress.phase("validation curve of \(v.option): \(v.values.count) values x \(plan.label(grouped: groups != nil))") {
                try ValidationCurve(option: v.option, values: v.values, plan: plan).run(steps: steps, model: model, x, labels: y,
                                                                                       groups: groups)
            }
        }
        return (learning, validation)
    }
}

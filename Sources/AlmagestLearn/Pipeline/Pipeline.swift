import AlmagestCore
import Foundation

/// Transformers and samplers followed by a final classifier, fitted as one value: each step is
/// fitted on the output of the steps before it, on the rows given to `fit` only, so a pipeline
/// refitted inside a cross-validation fold learns nothing from the other folds (no leakage by
/// construction). Samplers (SMOTE, outlier filters) change the training rows while fitting and are
/// not part of the fitted model: predictions see every row, transformed only. The
/// fitted `PipelineModel` carries the feature and class names, is `Codable` (every step encodes
/// its registered name) and is a `FittedClassifier` itself, so it serves wherever a classifier does:
/// the classification experiment, cross-validation, a prediction server.
///
/// Cost: the sum of the steps' fits, then one pass of each transformer over the rows.
///
/// ```swift
/// let pipeline = try Pipeline(steps: [EstimatorSpec("standard-scaler")], final: EstimatorSpec("mlp"))
/// let model = try pipeline.fit(xTrain, labels: yTrain, featureNames: names, classNames: ["g", "h"])
/// let p = try model.predictProbabilities(xTest)     // raw rows in, scaled inside
/// let saved = try JSONEncoder().encode(model)
/// ```
public struct Pipeline: Classifier, Equatable {
    /// The transformers and samplers, in order.
    public var steps: [PipelineStep]
    /// The classifier fitted on the last step's output.
    public var final: AnyClassifier<Matrix<Double>>

    public init(steps: [PipelineStep], final: AnyClassifier<Matrix<Double>>) {
        self.steps = steps
        self.final = final
    }

    /// A pipeline of transformers only.
    public init(steps: [AnyTransformer<Matrix<Double>>], final: AnyClassifier<Matrix<Double>>) {
        self.init(steps: steps.map(PipelineStep.transformer), final: final)
    }

    /// A pipeline of registered estimators (transformers and samplers, then a classifier); throws
    /// `RegistryError` or `FitError` for an unknown name, an estimator of another kind or a bad option.
    public init(steps: [EstimatorSpec], final: EstimatorSpec, registry: EstimatorRegistry = .shared) throws {
        self.steps = try steps.map { try $0.pipelineStep(registry: registry) }
        self.final = try final.classifier(registry: registry)
    }

    /// Whether NaN in the input is a missing value the first step fills (an imputer first).
    public var acceptsMissingValues: Bool {
        steps.first.map { type(of: $0.configuration).acceptsMissingValues } ?? false
    }

    /// Fits every step on `x` (rows) and `labels`, with generic names (`x0`, `x1`, ... and the
    /// labels themselves).
    public func fit(_ x: Matrix<Double>, labels: [Int]) throws -> PipelineModel {
        try fit(x, labels: labels, featureNames: (0..<x.columns).map { "x\($0)" }, classNames: nil)
    }

    /// Fits every step on `x` and `labels`; `classNames` name the sorted distinct labels (nil: the
    /// labels as text). Throws `FitError` for a name count that does not match.
    public func fit(_ x: Matrix<Double>, labels: [Int], featureNames: [String], classNames: [String]?) throws -> PipelineModel {
        try x.validateForFit("pipeline input", allowingMissing: acceptsMissingValues)
        guard featureNames.count == x.columns else {
            throw FitError.invalidParameter(name: "feature names", value: "\(featureNames.count) names",
                                            expected: "one per column: \(x.columns)")
        }
        guard labels.count == x.rows else {
            throw FitError.invalidLabels(reason: "\(labels.count) labels for \(x.rows) rows; expected one label per row")
        }
        var z = x, y = labels
        var fitted = [AnyFittedTransformer<Matrix<Double>>]()
        var sampling = [SamplingRecord]()
        for step in steps {
            switch step {
            case let .transformer(transformer):
                let model = try transformer.fit(z)
                z = try model.transform(z)
                fitted.append(model)
            case let .sampler(sampler):
                let resampled = try sampler.resample(z, labels: y)
                (z, y) = (resampled.x, resampled.labels)
                sampling.append(SamplingRecord(estimator: sampler.name, report: resampled.report))
            }
        }
        let classifier = try final.fit(z, labels: y)
        let names = classNames ?? classifier.classes.map(String.init)
        guard names.count == classifier.classes.count else {
            throw FitError.invalidParameter(name: "class names", value: names.joined(separator: ","),
                                            expected: "one per class: \(classifier.classes.count)")
        }
        return PipelineModel(steps: fitted, final: classifier, featureNames: featureNames, classNames: names, sampling: sampling)
    }
}

/// A fitted `Pipeline`: the fitted transformers, the fitted classifier, the names of the input
/// columns and of the classes (in the order of `classes`), and what each sampler did to the
/// training rows (samplers take no part in predictions).
public struct PipelineModel: FittedClassifier, Equatable {
    public let steps: [AnyFittedTransformer<Matrix<Double>>]
    public let final: AnyFittedClassifier<Matrix<Double>>
    /// The columns the pipeline expects, in order.
    public let featureNames: [String]
    /// The name of each class, in the order of `classes`.
    public let classNames: [String]
    /// Each sampler's report on the training rows, in pipeline order.
    public let sampling: [SamplingRecord]

    public init(steps: [AnyFittedTransformer<Matrix<Double>>], final: AnyFittedClassifier<Matrix<Double>>,
                featureNames: [String], classNames: [String], sampling: [SamplingRecord] = []) {
        self.steps = steps
        self.final = final
        self.featureNames = featureNames
        self.classNames = classNames
        self.sampling = sampling
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        steps = try c.decode([AnyFittedTransformer<Matrix<Double>>].self, forKey: .steps)
        final = try c.decode(AnyFittedClassifier<Matrix<Double>>.self, forKey: .final)
        featureNames = try c.decode([String].self, forKey: .featureNames)
        classNames = try c.decode([String].self, forKey: .classNames)
        // Models saved before samplers existed have none.
        sampling = try c.decodeIfPresent([SamplingRecord].self, forKey: .sampling) ?? []
    }

    public var classes: [Int] { final.classes }

    /// Whether NaN in new rows is a missing value the first step fills (an imputer first).
    public var acceptsMissingValues: Bool {
        steps.first.flatMap { try? EstimatorRegistry.shared.entry($0.estimator).acceptsMissingValues } ?? false
    }

    /// Raw rows through every transformer: what the final classifier sees.
    public func transformed(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try x.validateForFit("pipeline input", allowingMissing: acceptsMissingValues)
        guard x.columns == featureNames.count else {
            throw FitError.featureCountMismatch(expected: featureNames.count, got: x.columns)
        }
        return try steps.reduce(x) { try $1.transform($0) }
    }

    public func predict(_ x: Matrix<Double>) throws -> [Int] { try final.predict(transformed(x)) }

    public func predictProbabilities(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try final.predictProbabilities(transformed(x))
    }

    /// The class names of the predictions.
    public func predictNames(_ x: Matrix<Double>) throws -> [String] {
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        return try predict(x).map { classNames[index[$0]!] }
    }

    public var trainingCurves: TrainingCurves? { final.trainingCurves }

    /// The final classifier's impurity importances when its inputs are the pipeline's own columns
    /// (the transformers kept the width); nil otherwise.
    public var impurityImportances: [Double]? {
        final.impurityImportances.flatMap { $0.count == featureNames.count ? $0 : nil }
    }

    /// The final classifier's splits per feature, under the same condition.
    public var featureSplitCounts: [Int]? {
        final.featureSplitCounts.flatMap { $0.count == featureNames.count ? $0 : nil }
    }

    public func safetensorsFile(metadata: [String: String]) throws -> Data? { try final.safetensorsFile(metadata: metadata) }
}

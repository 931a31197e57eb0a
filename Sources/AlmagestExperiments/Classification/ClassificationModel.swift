import AlmagestCore
import AlmagestLearn

/// What a classification run saves as `model.json`: the scaler fitted on the training part (nil
/// when the features were not standardised), the fitted classifier (which predicts class indices
/// 0..<K), and the class labels and names those indices stand for, so that new rows of the same
/// columns can be classified from the file alone.
///
/// ```swift
/// let model = try JSONDecoder().decode(ClassificationModel.self, from: Data(contentsOf: modelURL))
/// let labels = try model.predict(newRows)          // original label values
/// ```
public struct ClassificationModel: Codable, Sendable, Equatable {
    /// The original label value of each class index.
    public let labels: [Int]
    /// The name of each class index ("g", "h"; the label itself when the data had no names).
    public let classNames: [String]
    public let featureNames: [String]
    public let scaler: StandardScalerModel?
    public let classifier: TrainedClassifier

    public init(labels: [Int], classNames: [String], featureNames: [String], scaler: StandardScalerModel?,
                classifier: TrainedClassifier) {
        self.labels = labels
        self.classNames = classNames
        self.featureNames = featureNames
        self.scaler = scaler
        self.classifier = classifier
    }

    /// Class indices (0..<K) of raw rows: scaled with the training part's scaler, then classified.
    public func predictIndices(_ x: Matrix<Double>) throws -> [Int] {
        try classifier.predict(prepared(x))
    }

    /// Original label values of raw rows.
    public func predict(_ x: Matrix<Double>) throws -> [Int] {
        try predictIndices(x).map { labels[$0] }
    }

    /// Class probabilities of raw rows, one column per class index.
    public func predictProbabilities(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try classifier.predictProbabilities(prepared(x))
    }

    // MARK: - Private

    private func prepared(_ x: Matrix<Double>) throws -> Matrix<Double> {
        guard labels.count == classNames.count, classifier.classes == Array(labels.indices) else {
            throw FitError.invalidParameter(
                name: "classification model classes", value: "\(labels.count) labels, \(classNames.count) names, classifier classes \(classifier.classes)",
                expected: "one name per label and classifier classes 0..<\(labels.count)")
        }
        return try scaler?.transform(x) ?? x
    }
}

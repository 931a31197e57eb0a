/// What an registered estimator learns, which decides where it can be used: the clustering
/// experiment takes clusterers, the classification experiment classifiers, a `Pipeline`
/// transformers and samplers followed by a final estimator.
public enum EstimatorKind: String, Codable, Sendable, CaseIterable, Comparable {
    /// Learns a map from data to data (scalers, PCA); `Transformer`.
    case transformer
    /// Groups unlabelled rows; `Clusterer`.
    case clusterer
    /// Learns classes from labelled rows of a matrix; `Classifier`.
    case classifier
    /// Learns classes from labelled images or other tensors (`SampleArray`); `Classifier<SampleArray>`.
    case imageClassifier = "image-classifier"
    /// Factorises a matrix A ≈ W·H; `Factorizer`.
    case factorizer
    /// Changes the training rows of a `Pipeline` (SMOTE, outlier filters), while fitting only; `Sampler`.
    case sampler

    public static func < (a: EstimatorKind, b: EstimatorKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

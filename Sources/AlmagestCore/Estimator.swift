import Foundation

/// The shapes every estimator follows.
///
/// A configuration value (validated once, `Codable`) fits data and returns an immutable fitted
/// model (`Codable`, `Sendable`). `KMeans` → `KMeansModel`, `StandardScaler` →
/// `StandardScalerModel`, and so on. Each protocol names its input type (`Input`, a matrix of
/// Doubles unless said otherwise), so that a network over image tensors (`SampleArray`,
/// `[N, C, H, W]`) or a Float matrix is a classifier or clusterer like any other. The estimator
/// registry (`EstimatorRegistry` in AlmagestLearn) finds estimators by name through these protocols.
///
/// ```swift
/// func accuracy<C: Classifier>(_ c: C, _ x: C.Input, _ y: [Int]) throws -> Double {
///     let model = try c.fit(x, labels: y)
///     return zip(try model.predict(x), y).filter { $0 == $1 }.count / Double(y.count)
/// }
/// ```

/// Data an estimator learns from: samples along the first axis (matrix rows, images of a batch).
public protocol EstimatorInput: Sendable {
    /// Number of samples.
    var sampleCount: Int { get }
    /// The samples at `indices`, in that order (splits, cross-validation folds).
    func samples(at indices: [Int]) -> Self
    /// Throws `FitError.emptyInput` for no samples and `FitError.nonFinite` for the first NaN or
    /// infinity; `what` names the input in the message.
    func validateForFit(_ what: String) throws
}

/// A fitted model that maps data to new data of possibly another width (scalers, PCA, ...).
public protocol FittedTransformer<Input>: Codable, Sendable {
    associatedtype Input: EstimatorInput = Matrix<Double>
    /// Transforms samples; throws when their width differs from the fitted width.
    func transform(_ x: Input) throws -> Input
}

/// A configuration that learns a transformation from data.
public protocol Transformer<Input>: Codable, Sendable {
    associatedtype Input: EstimatorInput = Matrix<Double>
    associatedtype Model: FittedTransformer where Model.Input == Input
    func fit(_ x: Input) throws -> Model
}

/// A fitted clustering.
public protocol FittedClusterer<Input>: Codable, Sendable {
    associatedtype Input: EstimatorInput = Matrix<Double>
    /// Cluster of each training sample.
    var labels: [Int] { get }
    /// Cluster of new samples.
    func predict(_ x: Input) throws -> [Int]
    /// Per-iteration history of an iteratively trained model (a network's loss per epoch); nil
    /// for the others.
    var trainingCurves: TrainingCurves? { get }
    /// Numbers the fit reports about itself, logged with the run's metrics (k-means: `inertia`,
    /// `iterations`); empty by default.
    var fitReport: [String: Double] { get }
}

/// A configuration that clusters data.
public protocol Clusterer<Input>: Codable, Sendable {
    associatedtype Input: EstimatorInput = Matrix<Double>
    associatedtype Model: FittedClusterer where Model.Input == Input
    func fit(_ x: Input) throws -> Model
}

/// A fitted classifier with class probabilities.
public protocol FittedClassifier<Input>: Codable, Sendable {
    associatedtype Input: EstimatorInput = Matrix<Double>
    /// Class labels, in the column order of `predictProbabilities`.
    var classes: [Int] { get }
    func predict(_ x: Input) throws -> [Int]
    /// Samples x classes.
    func predictProbabilities(_ x: Input) throws -> Matrix<Double>
    /// Per-epoch history of an iteratively trained model; nil for the others.
    var trainingCurves: TrainingCurves? { get }
    /// The weights as a safetensors file (PyTorch's names and layouts); nil for models without
    /// tensor weights.
    func safetensorsFile(metadata: [String: String]) throws -> Data?
    /// The share of the training's impurity decrease due to each input feature (trees and their
    /// ensembles; sums to 1); nil for models without. Permutation importance works for any model
    /// (`PermutationImportance`).
    var impurityImportances: [Double]? { get }
    /// How many splits of the model's trees test each input feature (trees, forests and boosted
    /// trees; XGBoost's `weight` importance); nil for models without trees.
    var featureSplitCounts: [Int]? { get }
}

/// A configuration that learns a classifier from labelled samples.
public protocol Classifier<Input>: Codable, Sendable {
    associatedtype Input: EstimatorInput = Matrix<Double>
    associatedtype Model: FittedClassifier where Model.Input == Input
    func fit(_ x: Input, labels: [Int]) throws -> Model
}

/// A fitted factorisation A ≈ W·H of a non-negative (or general) n x m matrix.
public protocol FittedFactorizer: Codable, Sendable {
    /// n x r basis: the coefficients of the training rows.
    var w: Matrix<Double> { get }
    /// r x m components (one per row).
    var h: Matrix<Double> { get }
    /// Coefficients (rows x r) of new rows against the fitted components; throws when the width
    /// differs from the fitted width.
    func transform(_ x: Matrix<Double>) throws -> Matrix<Double>
    /// The reconstruction W·H of the training matrix (n x m).
    func reconstruction() -> Matrix<Double>
}

/// A configuration that factorises a matrix.
public protocol Factorizer: Codable, Sendable {
    associatedtype Model: FittedFactorizer
    func fit(_ a: Matrix<Double>) throws -> Model
}

extension FittedClusterer {
    public var trainingCurves: TrainingCurves? { nil }
    public var fitReport: [String: Double] { [:] }
}

extension FittedClassifier {
    public var trainingCurves: TrainingCurves? { nil }
    public func safetensorsFile(metadata: [String: String]) throws -> Data? { nil }
    public var impurityImportances: [Double]? { nil }
    public var featureSplitCounts: [Int]? { nil }
}

extension Matrix: EstimatorInput {
    public var sampleCount: Int { rows }
    public func samples(at indices: [Int]) -> Matrix { rows(at: indices) }
}

/// Per-epoch history of a trained network: training loss, validation loss and accuracy (empty
/// without a validation part), seconds per epoch and the 1-based epoch whose weights were kept.
public struct TrainingCurves: Codable, Sendable, Equatable {
    public let trainingLoss: [Double]
    public let validationLoss: [Double]
    public let validationAccuracy: [Double]
    public let epochSeconds: [Double]
    public let bestEpoch: Int

    public init(trainingLoss: [Double], validationLoss: [Double], validationAccuracy: [Double], epochSeconds: [Double],
                bestEpoch: Int) {
        self.trainingLoss = trainingLoss
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.epochSeconds = epochSeconds
        self.bestEpoch = bestEpoch
    }
}

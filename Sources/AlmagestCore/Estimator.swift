/// The shapes every estimator follows.
///
/// A configuration value (validated once, `Codable`) fits data and returns an immutable fitted
/// model (`Codable`, `Sendable`). `KMeans` → `KMeansModel`, `StandardScaler` →
/// `StandardScalerModel`, and so on.

/// A fitted model that maps data to new data of possibly another width (scalers, PCA, ...).
public protocol FittedTransformer: Codable, Sendable {
    /// Transforms rows; throws when the width differs from the fitted width.
    func transform(_ x: Matrix<Double>) throws -> Matrix<Double>
}

/// A configuration that learns a transformation from data.
public protocol Transformer: Codable, Sendable {
    associatedtype Model: FittedTransformer
    func fit(_ x: Matrix<Double>) throws -> Model
}

/// A fitted clustering.
public protocol FittedClusterer: Codable, Sendable {
    /// Cluster of each training row.
    var labels: [Int] { get }
    /// Cluster of new rows.
    func predict(_ x: Matrix<Double>) throws -> [Int]
}

/// A configuration that clusters data.
public protocol Clusterer: Codable, Sendable {
    associatedtype Model: FittedClusterer
    func fit(_ x: Matrix<Double>) throws -> Model
}

/// A fitted classifier with class probabilities.
public protocol FittedClassifier: Codable, Sendable {
    /// Class labels, in the column order of `predictProbabilities`.
    var classes: [Int] { get }
    func predict(_ x: Matrix<Double>) throws -> [Int]
    func predictProbabilities(_ x: Matrix<Double>) throws -> Matrix<Double>
}

/// A configuration that learns a classifier from labelled rows.
public protocol Classifier: Codable, Sendable {
    associatedtype Model: FittedClassifier
    func fit(_ x: Matrix<Double>, labels: [Int]) throws -> Model
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

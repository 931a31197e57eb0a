import AlmagestCore
import AlmagestLearn
import Foundation

/// Nearest-centroid classification: each class is the mean of its training rows, and a row
/// belongs to the class whose mean is nearest (Euclidean); probabilities are a softmax of the
/// negative squared distances. Cost: O(n d) to fit, O(n k d) to predict.
///
/// ```swift
/// let model = try NearestCentroid().fit(x, labels: y)
/// ```
public struct NearestCentroid: Classifier, RegisteredEstimator {
    /// Divides the squared distances before the softmax: larger is smoother.
    public var temperature: Double = 1

    public init(temperature: Double = 1) { self.temperature = temperature }

    public static let estimatorName = "nearest-centroid"
    public static let summary = "nearest centroid: each class is the mean of its rows"
    public static var defaultConfiguration: NearestCentroid { NearestCentroid() }
    public static var optionHelp: [String: String] { ["temperature": "softmax temperature of the probabilities"] }

    public func validate() throws {
        try require(temperature > 0 && temperature.isFinite, "temperature", temperature, expected: "a positive number")
    }

    public func fit(_ x: Matrix<Double>, labels: [Int]) throws -> NearestCentroidModel {
        try validate()
        try x.validateForFit("nearest-centroid input")
        guard labels.count == x.rows else {
            throw FitError.invalidLabels(reason: "got \(labels.count) labels for \(x.rows) rows; expected one per row")
        }
        let classes = Array(Set(labels)).sorted()
        let centroids = classes.map { c -> [Double] in
            let rows = labels.indices.filter { labels[$0] == c }
            return (0..<x.columns).map { j in rows.reduce(0) { $0 + x[$1, j] } / Double(rows.count) }
        }
        return NearestCentroidModel(classes: classes, centroids: centroids, temperature: temperature)
    }
}

/// A fitted `NearestCentroid`: the classes and their mean rows.
public struct NearestCentroidModel: FittedClassifier, Equatable {
    public let classes: [Int]
    public let centroids: [[Double]]
    public let temperature: Double

    public func predict(_ x: Matrix<Double>) throws -> [Int] {
        let p = try predictProbabilities(x)
        return (0..<p.rows).map { i in classes[(0..<classes.count).max { p[i, $0] < p[i, $1] }!] }
    }

    public func predictProbabilities(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try x.validateForPredict("nearest-centroid input", features: centroids[0].count)
        return Matrix(rows: x.rows, columns: classes.count) { i, k in
            let d = centroids.map { c in zip(c, x.row(i)).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) } }
            let best = d.min()!
            let weights = d.map { exp(-($0 - best) / temperature) }
            return weights[k] / weights.reduce(0, +)
        }
    }
}

/// The same classifier over images (`SampleArray`, `[N, C, H, W]`): each image flattened to a row.
/// It shows that an estimator over tensors registers and runs like any other
/// (`register(imageClassifier:)`).
public struct ImageNearestCentroid: Classifier, RegisteredEstimator {
    public var temperature: Double = 1

    public init(temperature: Double = 1) { self.temperature = temperature }

    public static let estimatorName = "image-nearest-centroid"
    public static let summary = "nearest centroid over images: each class is the mean of its images"
    public static var defaultConfiguration: ImageNearestCentroid { ImageNearestCentroid() }

    public func validate() throws { try NearestCentroid(temperature: temperature).validate() }

    public func fit(_ x: SampleArray, labels: [Int]) throws -> ImageNearestCentroidModel {
        try x.validateForFit("image nearest-centroid input")
        return ImageNearestCentroidModel(
            rows: try NearestCentroid(temperature: temperature).fit(x.flattened().converted(to: Double.self), labels: labels))
    }
}

/// A fitted `ImageNearestCentroid`.
public struct ImageNearestCentroidModel: FittedClassifier, Equatable {
    public let rows: NearestCentroidModel

    public var classes: [Int] { rows.classes }

    public func predict(_ x: SampleArray) throws -> [Int] { try rows.predict(x.flattened().converted(to: Double.self)) }

    public func predictProbabilities(_ x: SampleArray) throws -> Matrix<Double> {
        try rows.predictProbabilities(x.flattened().converted(to: Double.self))
    }
}

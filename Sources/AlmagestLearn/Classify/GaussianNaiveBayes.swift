import AlmagestCore
import Foundation

/// Gaussian naive Bayes, as scikit-learn's `GaussianNB`: each class is a product of independent
/// normal distributions, one per feature, with the class's mean and (population) variance of that
/// feature; the class priors are the class frequencies of the training labels. To keep variances
/// away from zero, `varSmoothing` times the largest feature variance of the whole training set is
/// added to every variance (scikit-learn's `epsilon_`). Probabilities are the normalised joint
/// likelihoods `ln P(c) − ½ Σⱼ [ln(2π σ²_cj) + (xⱼ − μ_cj)² / σ²_cj]`, through log-sum-exp.
/// (Chan, Golub & LeVeque, 1983, for the variances; the model in Hastie, Tibshirani & Friedman,
/// *The Elements of Statistical Learning*, 2009, §6.6.3.) Cost: O(n d) to fit, O(n k d) to predict.
///
/// ```swift
/// let model = try GaussianNaiveBayes().fit(x, labels: y)   // model.means, model.variances, model.priors
/// let p = try model.predictProbabilities(test)              // columns follow model.classes
/// ```
public struct GaussianNaiveBayes: Classifier, RegisteredEstimator {
    /// Fraction of the largest feature variance added to every variance (scikit-learn's
    /// `var_smoothing`).
    public var varSmoothing: Double

    public init(varSmoothing: Double = 1e-9) { self.varSmoothing = varSmoothing }

    public static let estimatorName = "gaussian-nb"
    public static let summary = "Gaussian naive Bayes: independent normal features per class, priors from the labels"
    public static var defaultConfiguration: GaussianNaiveBayes { GaussianNaiveBayes() }
    public static var optionHelp: [String: String] {
        ["var_smoothing": "fraction of the largest feature variance added to every variance"]
    }

    public func validate() throws {
        try require(varSmoothing >= 0 && varSmoothing.isFinite, "var smoothing", varSmoothing, expected: "a non-negative number")
    }

    /// Fits per-class means and variances and the class priors; throws `FitError` on empty or
    /// non-finite data, labels that do not fit the rows, or a single class.
    public func fit(_ x: Matrix<Double>, labels: [Int]) throws -> GaussianNaiveBayesModel {
        try validate()
        try x.validateForFit("naive Bayes input")
        let classes = try ClassLabels.distinct(labels, rows: x.rows, method: "naive Bayes")
        let epsilon = varSmoothing * (StandardScaler.meanAndVariance(x).variance.max() ?? 0)
        var means: [[Double]] = [], variances: [[Double]] = [], priors: [Double] = []
        for c in classes {
            let rows = labels.indices.filter { labels[$0] == c }
            let (mean, variance) = StandardScaler.meanAndVariance(x.rows(at: rows))
            means.append(mean)
            variances.append(variance.map { $0 + epsilon })
            priors.append(Double(rows.count) / Double(x.rows))
        }
        return GaussianNaiveBayesModel(classes: classes, means: means, variances: variances, priors: priors, epsilon: epsilon)
    }
}

/// A fitted `GaussianNaiveBayes`: per class (rows, in the order of `classes`) the feature means
/// and smoothed variances, and the class priors.
public struct GaussianNaiveBayesModel: FittedClassifier, Equatable {
    public let classes: [Int]
    /// Class x feature means (scikit-learn's `theta_`).
    public let means: [[Double]]
    /// Class x feature variances plus `epsilon` (scikit-learn's `var_`).
    public let variances: [[Double]]
    /// Class frequencies of the training labels (`class_prior_`).
    public let priors: [Double]
    /// What was added to every variance (`epsilon_`).
    public let epsilon: Double

    public var featureCount: Int { means[0].count }

    public func predict(_ x: Matrix<Double>) throws -> [Int] {
        try jointLogLikelihood(x).argmaxPerRow().map { classes[$0] }
    }

    /// Posterior class probabilities, one column per entry of `classes`.
    public func predictProbabilities(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try jointLogLikelihood(x).softmaxRows()
    }

    /// ln P(c) + ln p(x | c) for each row and class (scikit-learn's `predict_joint_log_proba`).
    public func jointLogLikelihood(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try x.validateForPredict("naive Bayes input", features: featureCount)
        let constants = classes.indices.map { k in
            log(priors[k]) - 0.5 * variances[k].reduce(0) { $0 + log(2 * Double.pi * $1) }
        }
        return Matrix(rows: x.rows, columns: classes.count) { i, k in
            var squares = 0.0
            for j in 0..<featureCount {
                let t = x[i, j] - means[k][j]
                squares += t * t / variances[k][j]
            }
            return constants[k] - 0.5 * squares
        }
    }
}

import AlmagestCore
import Foundation

/// A support vector machine classifier (C-SVC; Boser, Guyon & Vapnik 1992, Cortes & Vapnik
/// 1995), as scikit-learn's `SVC` / libsvm (Chang & Lin, "LIBSVM: a library for support vector
/// machines", 2011). For two classes it solves the dual
///
///     min_α ½ αᵀQα − eᵀα   s.t.  yᵀα = 0,  0 ≤ α_i ≤ C w_{y_i},   Q_ij = y_i y_j K(x_i, x_j)
///
/// by SMO with second-order working-set selection (Fan, Chen & Lin 2005), shrinking, and an LRU
/// cache of kernel rows of `cacheSize` MB (`SMOSolver`, `SignedKernelRows`); the decision value
/// is f(x) = Σ y_i α_i K(x_i, x) − ρ. More classes are handled one-versus-one (Knerr et al.
/// 1990): one machine per pair of classes, prediction by their votes (ties to the lower class).
/// Kernels: RBF, linear, polynomial, sigmoid (`SVMKernel`), γ as scikit-learn's `gamma`
/// (`scale`, `auto` or a number). With `probability`, each pair also gets a Platt sigmoid fitted
/// to decision values of an internal 5-fold cross-validation (seeded by `seed`; `PlattScaling`),
/// and class probabilities come from pairwise coupling (Wu, Lin & Weng 2004, `PairwiseCoupling`).
///
/// Cost: per pair, O(n d) per kernel row not in the cache and roughly O(n) to O(n²) SMO steps;
/// prediction O(m · n_SV · d) in GEMM blocks. `probability` multiplies the fit by about 6.
/// The model has no intrinsic feature importances (use `PermutationImportance`).
///
/// ```swift
/// let model = try SupportVectorClassifier(kernel: .rbf, c: 10, gamma: .scale).fit(x, labels: y)
/// let predicted = try model.predict(test)
/// let f = try model.decisionFunction(test)       // n x 1 (two classes) or n x k(k−1)/2
/// let p = try SupportVectorClassifier(probability: true, seed: 0).fit(x, labels: y).predictProbabilities(test)
/// ```
public struct SupportVectorClassifier: Classifier, RegisteredEstimator {
    /// How the box bound C is scaled per class.
    public enum ClassWeight: String, Codable, Sendable, CaseIterable {
        /// C for every class.
        case uniform
        /// C · n / (k · n_c) for class c (scikit-learn's `balanced`).
        case balanced
        /// C · `classWeights[c]`, one weight per class in ascending label order.
        case given
    }

    public var kernel: SVMKernel.Kind
    /// The box bound C (scikit-learn's `C`): larger fits the training data more closely.
    public var c: Double
    public var gamma: SVMGamma
    /// Degree of the polynomial kernel.
    public var degree: Int
    /// The constant of the polynomial and sigmoid kernels.
    public var coef0: Double
    /// Stop when the maximal KKT violation m(α) − M(α) is below this (scikit-learn's `tol`).
    public var tolerance: Double
    /// Set aside variables stuck at a bound during the solve.
    public var shrinking: Bool
    /// Kernel row cache per solver, in MB (scikit-learn's `cache_size`).
    public var cacheSize: Double
    /// Most SMO steps per pair of classes; the model's `hasConverged` says whether it was hit.
    public var maxIterations: Int
    public var classWeight: ClassWeight
    /// One weight per class (ascending label order), used by `classWeight = given`.
    public var classWeights: [Double]
    /// Fit Platt sigmoids (internal 5-fold cross-validation) for calibrated probabilities.
    public var probability: Bool
    /// Seed of the cross-validation folds of `probability`.
    public var seed: Int

    /// Folds of the internal cross-validation that feeds the Platt sigmoids (libsvm's 5).
    public static let probabilityFolds = 5

    public init(kernel: SVMKernel.Kind = .rbf, c: Double = 1, gamma: SVMGamma = .scale, degree: Int = 3, coef0: Double = 0,
                tolerance: Double = 1e-3, shrinking: Bool = true, cacheSize: Double = 200, maxIterations: Int = 10_000_000,
                classWeight: ClassWeight = .uniform, classWeights: [Double] = [], probability: Bool = false, seed: Int = 0) {
        (self.kernel, self.c, self.gamma, self.degree, self.coef0) = (kernel, c, gamma, degree, coef0)
        (self.tolerance, self.shrinking, self.cacheSize, self.maxIterations) = (tolerance, shrinking, cacheSize, maxIterations)
        (self.classWeight, self.classWeights, self.probability, self.seed) = (classWeight, classWeights, probability, seed)
    }

    public static let estimatorName = "svm"
    public static let summary = "support vector machine (C-SVC): SMO with second-order working sets, RBF/linear/poly/sigmoid kernels, one-vs-one, Platt probabilities"
    public static var defaultConfiguration: SupportVectorClassifier { SupportVectorClassifier() }
    public static var conformanceConfiguration: SupportVectorClassifier { SupportVectorClassifier(probability: true) }
    public static var optionHelp: [String: String] {
        ["kernel": "rbf, linear, poly or sigmoid",
         "c": "box bound C: larger fits the training data more closely",
         "gamma": "kernel coefficient: scale (1 / (d Var X)), auto (1 / d) or a positive number",
         "degree": "degree of the poly kernel", "coef0": "constant of the poly and sigmoid kernels",
         "tolerance": "stop when the largest KKT violation is below this",
         "shrinking": "set aside variables stuck at a bound", "cache_size": "kernel row cache in MB",
         "max_iterations": "most SMO steps per pair of classes",
         "class_weight": "uniform, balanced or given (class_weights, in ascending label order)",
         "class_weights": "one weight per class, ascending label order (class_weight = given)",
         "probability": "fit Platt sigmoids on an internal 5-fold cross-validation",
         "seed": "seed of the probability folds"]
    }

    public func validate() throws {
        try require(c > 0 && c.isFinite, "C", c, expected: "a positive number")
        if case let .value(g) = gamma {
            try require(g > 0 && g.isFinite, "gamma", g, expected: "scale, auto or a positive number")
        }
        try require(degree >= 0, "degree", degree, expected: "a non-negative integer")
        try require(coef0.isFinite, "coef0", coef0, expected: "a finite number")
        try require(tolerance > 0 && tolerance.isFinite, "tolerance", tolerance, expected: "a positive number")
        try require(cacheSize > 0 && cacheSize.isFinite, "cache size", cacheSize, expected: "a positive number of MB")
        try require(maxIterations >= 1, "max iterations", maxIterations, expected: "at least 1")
        try require(classWeights.allSatisfy { $0 > 0 && $0.isFinite }, "class weights", classWeights,
                    expected: "positive numbers")
        try require(classWeight != .given || !classWeights.isEmpty, "class weights", classWeights,
                    expected: "one weight per class when class_weight is given")
    }

    /// Fits one machine per pair of classes; throws `FitError` on empty or non-finite data,
    /// labels that do not fit the rows, a single class, or class weights of the wrong count.
    public func fit(_ x: Matrix<Double>, labels: [Int]) throws -> SupportVectorClassifierModel {
        try validate()
        try x.validateForFit("SVM input")
        BLAS.ensureConfigured()   // single-threaded OpenBLAS: kernel rows and blocks run in our parallel chunks
        let classes = try ClassLabels.distinct(labels, rows: x.rows, method: "SVM")
        if classWeight == .given {
            try require(classWeights.count == classes.count, "class weights", classWeights,
                        expected: "\(classes.count) weights, one per class \(classes)")
        }
        return fitValidated(x, labels: labels, classes: classes)
    }
}

import AlmagestCore
import Foundation

/// Discriminative clustering by the MMD GEMINI (Ohl et al., NeurIPS 2022; gemclus's
/// `LinearMMD` / `MLPMMD`): a softmax regression or a one-hidden-layer perceptron p(y | x) trained
/// by Adam or SGD to maximise the MMD between the clusters' distributions (`MMDGemini`),
/// one-vs-all or one-vs-one, with a linear, polynomial, RBF or sigmoid kernel. Inputs are used as
/// given: standardise them first (the clustering experiment does). With the linear kernel the MMD
/// is the Euclidean distance between cluster means, so one dominant direction can hide the ones
/// that separate the clusters: on spectra, cluster the whitened leading principal components
/// (`PCA(components: 12, whiten: true)`, the experiment's `--pca 12 --whiten`), where 16 starts
/// recover the semi-synthetic spectra's classes (README, spectra section).
///
/// Scale — how the kernel products are taken, never with an n x n matrix beyond `gramLimit` rows:
/// - linear kernel: factorised through the features, K α = X (Xᵀ α): O(n d K) per step, any n;
/// - other kernels, a batch of at most `gramLimit` rows (default 8,000; the batch is every row
///   when `batch_size` is 0): the batch's Gram matrix, computed once for full-batch training and
///   then kept in single precision (`singlePrecisionGram`, default): each step reads the n x n
///   matrix once, so half the bytes and SGEMM's speed make a full-batch step about twice as fast,
///   at a relative error of about 1e-6 on the objective (the reported scores stay in double);
/// - RBF with `fourier_features` D > 0: random Fourier features (Rahimi & Recht 2007,
///   φ(x) = √(2/D) cos(ωᵀx + b), ω ~ N(0, 2γ I)), K ≈ φ φᵀ, then the factorised path: O(n D K) per
///   step for any n and batch — the choice for large n with an RBF kernel.
/// Larger batches with an exact non-linear kernel are refused with a message saying these options.
///
/// A kernel of one's own: `fit(_:kernelMatrix:)` trains the model on the features `x` against a
/// given n x n kernel matrix of the same rows (symmetric, finite); the registry's kernel
/// `precomputed` (for the command line and experiments) does as gemclus's `kernel="precomputed"`:
/// the data *is* the n x n matrix, the affinity and, row by row, the model's input, so `predict`
/// then takes rows of kernel values against the training rows.
/// Cost per epoch: the model's passes plus the objective above. `restarts` R trains R times from
/// different initialisations and keeps the start of highest final score (`GeminiTrainer`).
///
/// ```swift
/// let model = try GeminiMMDClustering(clusters: 10, ovo: true, kernel: .rbf).fit(x)
/// model.labels; model.geminiScore; model.clustersFound
/// ```
public struct GeminiMMDClustering: Clusterer, Codable, Sendable, Equatable {
    /// The kernel's kind (its parameters are `gamma`, `degree`, `coef0`).
    public enum KernelKind: String, Codable, Sendable, CaseIterable { case linear, polynomial, rbf, sigmoid, precomputed }

    public var clusters: Int
    /// One-vs-one (every pair of clusters) rather than one-vs-all.
    public var ovo: Bool
    public var kernel: KernelKind
    /// γ of the polynomial, RBF and sigmoid kernels; 0: 1 / features (scikit-learn's default).
    public var gamma: Double
    public var degree: Int
    public var coef0: Double
    /// RBF only: random Fourier features instead of the exact kernel (0: exact).
    public var fourierFeatures: Int
    public var model: GeminiNetwork.Kind
    /// Hidden units of the MLP.
    public var hidden: Int
    public var activation: GeminiNetwork.Activation
    public var optimizer: GeminiOptimizer
    public var learningRate: Double
    /// Passes over the data (gemclus's `max_iter`).
    public var epochs: Int
    /// Rows per step; 0: every row (full batch, gemclus's default).
    public var batchSize: Int
    /// The most rows an exact non-linear kernel matrix may have.
    public var gramLimit: Int
    /// Full-batch training with an exact kernel multiplies by a Float copy of the Gram matrix.
    public var singlePrecisionGram: Bool
    public var seed: Int
    /// Independent trainings from different initialisations; the one whose last epoch scores
    /// highest is kept (1: a single training, as gemclus).
    public var restarts: Int
    public init(
        clusters: Int, ovo: Bool = false, kernel: KernelKind = .linear, gamma: Double = 0, degree: Int = 3, coef0: Double = 1,
        fourierFeatures: Int = 0, model: GeminiNetwork.Kind = .linear, hidden: Int = 20, activation: GeminiNetwork.Activation = .relu,
        optimizer: GeminiOptimizer = .adam, learningRate: Double = 1e-3, epochs: Int = 1000, batchSize: Int = 0,
        gramLimit: Int = 8_000, singlePrecisionGram: Bool = true, seed: Int = 0, restarts: Int = 1
    ) {
        self.clusters = clusters
        self.ovo = ovo
        self.kernel = kernel
        self.gamma = gamma
        self.degree = degree
        self.coef0 = coef0
        self.fourierFeatures = fourierFeatures
        self.model = model
        self.hidden = hidden
        self.activation = activation
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.epochs = epochs
        self.batchSize = batchSize
        self.gramLimit = gramLimit
        self.singlePrecisionGram = singlePrecisionGram
        self.seed = seed
        self.restarts = restarts
    }

    public func validate() throws {
        try require(clusters >= 2, "clusters", clusters, expected: "at least 2")
        try require(gamma >= 0 && gamma.isFinite, "gamma", gamma, expected: "a finite value >= 0 (0: 1 / features)")
        try require(degree >= 1, "degree", degree, expected: "at least 1")
        try require(coef0.isFinite, "coef0", coef0, expected: "a finite number")
        try require(fourierFeatures >= 0, "fourier_features", fourierFeatures, expected: "0 (exact kernel) or a number of features")
        try require(fourierFeatures == 0 || kernel == .rbf, "fourier_features", fourierFeatures, expected: "0 unless the kernel is rbf")
        try require(hidden >= 1, "hidden", hidden, expected: "at least 1 hidden unit")
        try require(learningRate > 0 && learningRate.isFinite, "learning_rate", learningRate, expected: "a positive number")
        try require(epochs >= 1, "epochs", epochs, expected: "at least 1")
        try require(restarts >= 1, "restarts", restarts, expected: "at least 1 training")
        try require(batchSize >= 0, "batch_size", batchSize, expected: "0 (every row) or a positive number of rows")
        try require(gramLimit >= 2, "gram_limit", gramLimit, expected: "at least 2 rows")
    }

    public func fit(_ x: Matrix<Double>) throws -> GeminiClusteringModel {
        if kernel == .precomputed { return try fit(x, kernelMatrix: x) }
        try validate()
        try x.validateForFit("GEMINI input")
        try require(x.rows >= clusters, "clusters", clusters, expected: "at most the number of samples (\(x.rows))")
        let batch = batchSize == 0 || batchSize >= x.rows ? x.rows : batchSize
        let objective = MMDGemini(ovo: ovo)
        let exact = try exactKernel()
        let trainer = GeminiTrainer(settings: settings, clusters: clusters)
        let trained: (network: GeminiNetwork, scores: [Double])
        if let exact, batch > gramLimit {
            throw FitError.invalidParameter(
                name: "batch_size", value: "\(batch) rows with the \(exact.name) kernel",
                expected: "at most gram_limit (\(gramLimit)) rows for an exact kernel matrix; set batch_size, or fourier_features with rbf")
        } else if let exact, batch == x.rows {
            let matrix = try exact.matrix(x, x)
            let gram = fullBatchAffinity(matrix)
            trained = try trainer.train(x) { _, y in try objective.evaluate(y, affinity: gram) }
        } else if let exact {
            trained = try trainer.train(x) { rows, y in
                let xb = x.rows(at: rows)
                return try objective.evaluate(y, affinity: .gram(try exact.matrix(xb, xb)))
            }
        } else {
            let features = try featureMap(x)
            trained = try trainer.train(x) { rows, y in
                try objective.evaluate(y, affinity: .features(rows.count == x.rows ? features : features.rows(at: rows)))
            }
        }
        return try GeminiClusteringModel(trained: trained, on: x, clustersAsked: clusters)
    }

    /// Trains the model on the features `x` (n x d) against the given kernel matrix `k` of the
    /// same rows (n x n, symmetric, finite); the `kernel`, `gamma`, `degree`, `coef0` and
    /// `fourier_features` options are not used. Mini-batches take the batch's block of `k`; a full
    /// batch multiplies by `k` itself (in single precision with `singlePrecisionGram`).
    public func fit(_ x: Matrix<Double>, kernelMatrix k: Matrix<Double>) throws -> GeminiClusteringModel {
        var checked = self
        checked.kernel = .linear
        checked.fourierFeatures = 0
        try checked.validate()
        try x.validateForFit("GEMINI input")
        try require(x.rows >= clusters, "clusters", clusters, expected: "at most the number of samples (\(x.rows))")
        try k.validateAsPairMatrix("kernel matrix", symbol: "K", rows: x.rows, nonNegative: false)
        let batch = batchSize == 0 || batchSize >= x.rows ? x.rows : batchSize
        let objective = MMDGemini(ovo: ovo)
        let trainer = GeminiTrainer(settings: settings, clusters: clusters)
        let trained: (network: GeminiNetwork, scores: [Double])
        if batch == x.rows {
            let gram = fullBatchAffinity(k)
            trained = try trainer.train(x) { _, y in try objective.evaluate(y, affinity: gram) }
        } else {
            trained = try trainer.train(x) { rows, y in try objective.evaluate(y, affinity: .gram(k.rows(at: rows).columns(at: rows))) }
        }
        return try GeminiClusteringModel(trained: trained, on: x, clustersAsked: clusters)
    }

    // MARK: - Private

    var settings: GeminiTrainer.Settings {
        GeminiTrainer.Settings(
            model: model, hidden: hidden, activation: activation, optimizer: optimizer, learningRate: learningRate, epochs: epochs,
            batchSize: batchSize, seed: seed, restarts: restarts)
    }

    /// The affinity a full batch multiplies by at every step: `k`, or its single-precision copy.
    private func fullBatchAffinity(_ k: Matrix<Double>) -> MMDGemini.Affinity {
        singlePrecisionGram ? .singlePrecisionGram(k.converted(to: Float.self)) : .gram(k)
    }

    /// The kernel whose matrix is needed, or nil when products go through features.
    private func exactKernel() throws -> GeminiKernel? {
        let g: Double? = gamma == 0 ? nil : gamma
        switch kernel {
        case .linear: return nil
        case .rbf: return fourierFeatures > 0 ? nil : .rbf(gamma: g)
        case .polynomial: return .polynomial(degree: degree, gamma: g, coef0: coef0)
        case .sigmoid: return .sigmoid(gamma: g, coef0: coef0)
        case .precomputed: return .precomputed
        }
    }

    /// The features the factorised path multiplies by: x itself (linear), or its random Fourier features (RBF).
    func featureMap(_ x: Matrix<Double>) throws -> Matrix<Double> {
        guard kernel == .rbf else { return x }
        let g = gamma == 0 ? 1 / Double(x.columns) : gamma
        var rng = RandomStream(seed: seed, stream: 1)
        let omega: Matrix<Double> = rng.normalMatrix(rows: x.columns, columns: fourierFeatures)
        let scale = (2 * g).squareRoot(), norm = (2 / Double(fourierFeatures)).squareRoot()
        let shifts = (0..<fourierFeatures).map { _ in rng.nextDouble(in: 0..<(2 * Double.pi)) }
        var projected = try x * omega
        for i in 0..<projected.rows {
            for j in 0..<fourierFeatures { projected[i, j] = norm * Foundation.cos(scale * projected[i, j] + shifts[j]) }
        }
        return projected
    }
}

/// A fitted GEMINI: the trained model, the training labels, clusters asked and found, and the
/// GEMINI score of every epoch (the mean over its batches; the last is `geminiScore`).
public struct GeminiClusteringModel: FittedClusterer, Equatable {
    public let network: GeminiNetwork
    public let labels: [Int]
    public let clustersAsked: Int
    public let scores: [Double]

    public init(network: GeminiNetwork, labels: [Int], clustersAsked: Int, scores: [Double]) {
        self.network = network
        self.labels = labels
        self.clustersAsked = clustersAsked
        self.scores = scores
    }

    /// The model of a training: its network, and the labels it gives the training rows `x`.
    init(trained: (network: GeminiNetwork, scores: [Double]), on x: Matrix<Double>, clustersAsked: Int) throws {
        let probabilities = try trained.network.forward(x).probabilities
        self.init(network: trained.network, labels: probabilities.argmaxPerRow(), clustersAsked: clustersAsked, scores: trained.scores)
    }

    /// Clusters that received at least one training row.
    public var clustersFound: Int { Set(labels).count }
    /// The score of the last epoch.
    public var geminiScore: Double { scores.last ?? 0 }

    /// The most probable cluster of each row.
    public func predict(_ x: Matrix<Double>) throws -> [Int] {
        try predictProbabilities(x).argmaxPerRow()
    }

    /// p(cluster | row) for each row.
    public func predictProbabilities(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try x.validateForPredict("GEMINI input", features: network.inputs)
        return try network.forward(x).probabilities
    }

    /// The score per epoch as a training curve (loss = −score, so lower is better as for losses).
    public var trainingCurves: TrainingCurves? {
        TrainingCurves(trainingLoss: scores.map { -$0 }, validationLoss: [], validationAccuracy: [], epochSeconds: [],
                       bestEpoch: scores.count)
    }

    public var fitReport: [String: Double] {
        ["gemini_score": geminiScore, "iterations": Double(scores.count), "clusters_found": Double(clustersFound),
         "clusters_asked": Double(clustersAsked)]
    }
}

extension GeminiMMDClustering: RegisteredEstimator {
    public static let estimatorName = "gemini-mmd"
    public static let summary = "GEMINI: a linear or MLP model trained to maximise the MMD between clusters (one-vs-all or one-vs-one)"
    /// gemclus's defaults: linear model and kernel, one-vs-all, Adam at 1e-3, 1000 epochs, full batch.
    public static var defaultConfiguration: GeminiMMDClustering { GeminiMMDClustering(clusters: 3) }
    public static var conformanceConfiguration: GeminiMMDClustering {
        GeminiMMDClustering(clusters: 3, ovo: true, kernel: .rbf, model: .mlp, hidden: 8, learningRate: 0.01, epochs: 30)
    }
    public static var optionHelp: [String: String] {
        [
            "clusters": "clusters asked (the model's outputs)", "ovo": "one-vs-one (every pair) instead of one-vs-all",
            "kernel": "linear, polynomial, rbf, sigmoid, or precomputed (the data is the n x n kernel matrix)",
            "gamma": "kernel gamma; 0: 1 / features",
            "fourier_features": "rbf only: random Fourier features instead of the exact kernel (0: exact)",
            "model": "linear (softmax regression) or mlp", "hidden": "hidden units of the mlp",
            "activation": "relu, tanh or sigmoid", "optimizer": "adam or sgd", "learning_rate": "step size",
            "epochs": "passes over the data", "batch_size": "rows per step; 0: every row",
            "gram_limit": "most rows of an exact kernel matrix",
            "single_precision_gram": "full batch, exact kernel: multiply by a Float copy of the kernel matrix (about 2x faster)",
            "seed": "seed of the initialisation and the batches",
            "restarts": "independent trainings; the one of highest final score is kept",
        ]
    }
}

// Configurations saved before `restarts` existed trained once: they decode with 1.
extension GeminiMMDClustering {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            clusters: try c.decode(Int.self, forKey: .clusters), ovo: try c.decode(Bool.self, forKey: .ovo),
            kernel: try c.decode(KernelKind.self, forKey: .kernel), gamma: try c.decode(Double.self, forKey: .gamma),
            degree: try c.decode(Int.self, forKey: .degree), coef0: try c.decode(Double.self, forKey: .coef0),
            fourierFeatures: try c.decode(Int.self, forKey: .fourierFeatures), model: try c.decode(GeminiNetwork.Kind.self, forKey: .model),
            hidden: try c.decode(Int.self, forKey: .hidden), activation: try c.decode(GeminiNetwork.Activation.self, forKey: .activation),
            optimizer: try c.decode(GeminiOptimizer.self, forKey: .optimizer), learningRate: try c.decode(Double.self, forKey: .learningRate),
            epochs: try c.decode(Int.self, forKey: .epochs), batchSize: try c.decode(Int.self, forKey: .batchSize),
            gramLimit: try c.decode(Int.self, forKey: .gramLimit), singlePrecisionGram: try c.decode(Bool.self, forKey: .singlePrecisionGram),
            seed: try c.decode(Int.self, forKey: .seed), restarts: try c.decodeIfPresent(Int.self, forKey: .restarts) ?? 1)
    }
}

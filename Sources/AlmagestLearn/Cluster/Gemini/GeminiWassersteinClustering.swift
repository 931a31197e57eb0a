import AlmagestCore
import Foundation

/// Discriminative clustering by the Wasserstein GEMINI (Ohl et al., NeurIPS 2022; gemclus's
/// `LinearWasserstein` / `MLPWasserstein`): a softmax regression or a one-hidden-layer perceptron
/// p(y | x) trained by Adam or SGD to maximise the optimal-transport distance between the
/// clusters' distributions (`WassersteinGemini`), one-vs-all or one-vs-one, over a Euclidean,
/// squared Euclidean or Manhattan distance between samples. Inputs are used as given:
/// standardise them first (the clustering experiment does).
///
/// Scale: every step solves K (one-vs-all) or K(K − 1)/2 (one-vs-one) transport problems of
/// b x b for a batch of b rows — exactly (transportation simplex, best up to a few hundred rows) or
/// by log-domain Sinkhorn (ε = `regularization` times the batch's median distance). The default,
/// `transport: automatic`, solves batches of at most `exact_limit` rows (default 500) exactly and
/// larger ones by Sinkhorn; `exact` and `sinkhorn` force one.
/// The distances of a full batch are computed once; mini-batches (`batch_size`) compute theirs
/// per step. A batch larger than `distance_limit` rows (default 4,000) is refused with a message
/// naming `batch_size`, since its n x n distances and transport plans would not fit.
/// Cost per step: O(b² d) distances (mini-batches) plus the transport problems. `restarts` R
/// trains R times from different initialisations and keeps the start of highest final score.
///
/// Distances of one's own: `fit(_:distances:)` trains the model on the features `x` against a
/// given n x n distance matrix of the same rows (symmetric, ≥ 0); the registry's metric
/// `precomputed` does as gemclus's `metric="precomputed"`: the data *is* the n x n distance
/// matrix, and, row by row, the model's input.
///
/// ```swift
/// let model = try GeminiWassersteinClustering(clusters: 10, ovo: true, batchSize: 256).fit(x)
/// model.labels; model.geminiScore
/// ```
public struct GeminiWassersteinClustering: Clusterer, Codable, Sendable, Equatable {
    /// The distance between two samples.
    public enum Metric: String, Codable, Sendable, CaseIterable { case euclidean, sqeuclidean, manhattan, precomputed }
    /// How the transport problems are solved: exactly up to `exactLimit` rows then by Sinkhorn
    /// (`automatic`), or always one way.
    public enum TransportKind: String, Codable, Sendable, CaseIterable { case automatic, exact, sinkhorn }

    public var clusters: Int
    /// One-vs-one (every pair of clusters) rather than one-vs-all.
    public var ovo: Bool
    public var metric: Metric
    public var transport: TransportKind
    /// Sinkhorn only: ε as a fraction of the median distance of the batch.
    public var regularization: Double
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
    /// The most rows a batch's distance matrix may have.
    public var distanceLimit: Int
    /// `automatic` transport: the most rows of a batch solved exactly.
    public var exactLimit: Int
    public var seed: Int
    /// Independent trainings from different initialisations; the one whose last epoch scores
    /// highest is kept (1: a single training, as gemclus).
    public var restarts: Int
    public init(
        clusters: Int, ovo: Bool = false, metric: Metric = .euclidean, transport: TransportKind = .automatic, regularization: Double = 0.05,
        model: GeminiNetwork.Kind = .linear, hidden: Int = 20, activation: GeminiNetwork.Activation = .relu,
        optimizer: GeminiOptimizer = .adam, learningRate: Double = 1e-3, epochs: Int = 1000, batchSize: Int = 0,
        distanceLimit: Int = 4_000, exactLimit: Int = 500, seed: Int = 0, restarts: Int = 1
    ) {
        self.exactLimit = exactLimit
        self.clusters = clusters
        self.ovo = ovo
        self.metric = metric
        self.transport = transport
        self.regularization = regularization
        self.model = model
        self.hidden = hidden
        self.activation = activation
        self.optimizer = optimizer
        self.learningRate = learningRate
        self.epochs = epochs
        self.batchSize = batchSize
        self.distanceLimit = distanceLimit
        self.seed = seed
        self.restarts = restarts
    }

    public func validate() throws {
        try require(clusters >= 2, "clusters", clusters, expected: "at least 2")
        try require(regularization > 0 && regularization.isFinite, "regularization", regularization,
                    expected: "a positive fraction of the median distance")
        try require(hidden >= 1, "hidden", hidden, expected: "at least 1 hidden unit")
        try require(learningRate > 0 && learningRate.isFinite, "learning_rate", learningRate, expected: "a positive number")
        try require(epochs >= 1, "epochs", epochs, expected: "at least 1")
        try require(restarts >= 1, "restarts", restarts, expected: "at least 1 training")
        try require(batchSize >= 0, "batch_size", batchSize, expected: "0 (every row) or a positive number of rows")
        try require(distanceLimit >= 2, "distance_limit", distanceLimit, expected: "at least 2 rows")
        try require(exactLimit >= 0, "exact_limit", exactLimit, expected: "0 or more rows")
    }

    public func fit(_ x: Matrix<Double>) throws -> GeminiClusteringModel {
        if metric == .precomputed { return try fit(x, distances: x) }
        return try train(x, given: nil)
    }

    /// Trains the model on the features `x` (n x d) against the given distances `d` between its
    /// rows (n x n, symmetric, ≥ 0, finite); the `metric` option is not used. Mini-batches take
    /// the batch's block of `d`.
    public func fit(_ x: Matrix<Double>, distances d: Matrix<Double>) throws -> GeminiClusteringModel {
        try d.validateAsPairMatrix("distance matrix", symbol: "D", rows: x.rows, nonNegative: true)
        return try train(x, given: d)
    }

    // MARK: - Private

    /// The training on `x`, with the distances `given` or computed by `metric`.
    private func train(_ x: Matrix<Double>, given: Matrix<Double>?) throws -> GeminiClusteringModel {
        try validate()
        try x.validateForFit("GEMINI input")
        try require(x.rows >= clusters, "clusters", clusters, expected: "at most the number of samples (\(x.rows))")
        let batch = batchSize == 0 || batchSize >= x.rows ? x.rows : batchSize
        guard batch <= distanceLimit else {
            throw FitError.invalidParameter(
                name: "batch_size", value: "\(batch) rows",
                expected: "at most distance_limit (\(distanceLimit)) rows per step for the transport problems; set batch_size")
        }
        let trainer = GeminiTrainer(settings: settings, clusters: clusters)
        let trained: (network: GeminiNetwork, scores: [Double])
        if batch == x.rows {
            let distances = try given ?? distanceMatrix(x)
            let objective = objective(for: distances)
            trained = try trainer.train(x) { _, y in try objective.evaluate(y, distances: distances) }
        } else {
            trained = try trainer.train(x) { rows, y in
                let distances = try given.map { $0.rows(at: rows).columns(at: rows) } ?? distanceMatrix(x.rows(at: rows))
                return try objective(for: distances).evaluate(y, distances: distances)
            }
        }
        return try GeminiClusteringModel(trained: trained, on: x, clustersAsked: clusters)
    }

    var settings: GeminiTrainer.Settings {
        GeminiTrainer.Settings(
            model: model, hidden: hidden, activation: activation, optimizer: optimizer, learningRate: learningRate, epochs: epochs,
            batchSize: batchSize, seed: seed, restarts: restarts)
    }

    /// The objective for a batch: exact, or Sinkhorn (`automatic`: past `exactLimit` rows), whose
    /// ε scales with the batch's median distance.
    func objective(for distances: Matrix<Double>) -> WassersteinGemini {
        switch transport == .automatic ? (distances.rows <= exactLimit ? .exact : .sinkhorn) : transport {
        case .exact, .automatic: return WassersteinGemini(ovo: ovo, transport: .exact)
        case .sinkhorn:
            let scale = Self.medianOffDiagonal(distances)
            return WassersteinGemini(ovo: ovo, transport: .sinkhorn(regularization: regularization * (scale > 0 ? scale : 1)))
        }
    }

    /// Distances between the rows (n x n, exact zeros on the diagonal).
    func distanceMatrix(_ x: Matrix<Double>) throws -> Matrix<Double> {
        switch metric {
        case .precomputed:
            throw FitError.invalidParameter(name: "metric", value: "precomputed", expected: "a distance matrix given with the data")
        case .euclidean: return WassersteinGemini.euclideanDistances(x)
        case .sqeuclidean: return WassersteinGemini.euclideanDistances(x).map { $0 * $0 }
        case .manhattan:
            let n = x.rows, d = x.columns
            return x.withUnsafeBufferPointer { p in
                var out = Matrix<Double>(rows: n, columns: n)
                for i in 0..<n {
                    for j in (i + 1)..<max(n, i + 1) {
                        var s = 0.0
                        for t in 0..<d { s += abs(p[i * d + t] - p[j * d + t]) }
                        out[i, j] = s
                        out[j, i] = s
                    }
                }
                return out
            }
        }
    }

    private static func medianOffDiagonal(_ d: Matrix<Double>) -> Double {
        var values = [Double]()
        values.reserveCapacity(d.rows * (d.rows - 1) / 2)
        for i in 0..<d.rows { for j in (i + 1)..<max(d.rows, i + 1) { values.append(d[i, j]) } }
        guard !values.isEmpty else { return 0 }
        values.sort()
        return values[values.count / 2]
    }
}

extension GeminiWassersteinClustering: RegisteredEstimator {
    public static let estimatorName = "gemini-wasserstein"
    public static let summary =
        "GEMINI: a linear or MLP model trained to maximise the Wasserstein distance between clusters (one-vs-all or one-vs-one)"
    /// gemclus's defaults: linear model, Euclidean distance, one-vs-all, Adam at 1e-3, 1000 epochs, full batch.
    public static var defaultConfiguration: GeminiWassersteinClustering { GeminiWassersteinClustering(clusters: 3) }
    public static var conformanceConfiguration: GeminiWassersteinClustering {
        GeminiWassersteinClustering(clusters: 3, ovo: true, model: .mlp, hidden: 8, learningRate: 0.01, epochs: 10, batchSize: 32)
    }
    public static var optionHelp: [String: String] {
        [
            "clusters": "clusters asked (the model's outputs)", "ovo": "one-vs-one (every pair) instead of one-vs-all",
            "metric": "euclidean, sqeuclidean or manhattan distance between samples, or precomputed (the data is the n x n distance matrix)",
            "transport": "automatic (exact up to exact_limit rows, then sinkhorn), exact (transportation simplex) or sinkhorn (entropic)",
            "exact_limit": "automatic transport: most rows of a batch solved exactly",
            "regularization": "sinkhorn: epsilon as a fraction of the batch's median distance",
            "model": "linear (softmax regression) or mlp", "hidden": "hidden units of the mlp",
            "activation": "relu, tanh or sigmoid", "optimizer": "adam or sgd", "learning_rate": "step size",
            "epochs": "passes over the data", "batch_size": "rows per step; 0: every row",
            "distance_limit": "most rows of a batch's distance matrix", "seed": "seed of the initialisation and the batches",
            "restarts": "independent trainings; the one of highest final score is kept",
        ]
    }
}

// Configurations saved before `restarts` existed trained once: they decode with 1; those saved
// before `exactLimit` existed get its default.
extension GeminiWassersteinClustering {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            clusters: try c.decode(Int.self, forKey: .clusters), ovo: try c.decode(Bool.self, forKey: .ovo),
            metric: try c.decode(Metric.self, forKey: .metric), transport: try c.decode(TransportKind.self, forKey: .transport),
            regularization: try c.decode(Double.self, forKey: .regularization), model: try c.decode(GeminiNetwork.Kind.self, forKey: .model),
            hidden: try c.decode(Int.self, forKey: .hidden), activation: try c.decode(GeminiNetwork.Activation.self, forKey: .activation),
            optimizer: try c.decode(GeminiOptimizer.self, forKey: .optimizer), learningRate: try c.decode(Double.self, forKey: .learningRate),
            epochs: try c.decode(Int.self, forKey: .epochs), batchSize: try c.decode(Int.self, forKey: .batchSize),
            distanceLimit: try c.decode(Int.self, forKey: .distanceLimit),
            exactLimit: try c.decodeIfPresent(Int.self, forKey: .exactLimit) ?? 500, seed: try c.decode(Int.self, forKey: .seed),
            restarts: try c.decodeIfPresent(Int.self, forKey: .restarts) ?? 1)
    }
}

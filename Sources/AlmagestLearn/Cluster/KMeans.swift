import AlmagestCore

/// k-means clustering: Lloyd's iterations from k-means++ or random seeds, keeping the restart
/// with the lowest inertia.
///
/// References: S. Lloyd, "Least squares quantization in PCM" (1982); D. Arthur and
/// S. Vassilvitskii, "k-means++: the advantages of careful seeding" (2007), with the greedy
/// variant (several candidates per step) that scikit-learn uses.
///
/// Cost: O(k n d T) per restart for T iterations; distances come from one GEMM per block of rows
/// (`‖x‖² − 2 x·c + ‖c‖²`), never an n x k matrix for all rows at once beyond one block. Restarts
/// run in parallel, each on its own random stream `(seed, restart)`, so the result does not depend
/// on the thread count.
///
/// ```swift
/// let model = try KMeans(clusters: 10, restarts: 10, seed: 0).fit(x)
/// model.labels; model.centroids; model.inertia; model.iterations
/// let newLabels = try model.predict(y)
/// ```
public struct KMeans: Clusterer, Codable, Sendable, Equatable {
    /// How the first centroids are chosen.
    public enum Initialization: String, Codable, Sendable, CaseIterable {
        /// Greedy k-means++: each new centre is the best of `2 + ln k` candidates drawn with
        /// probability proportional to the squared distance to the nearest centre so far.
        case kMeansPlusPlus
        /// k distinct rows drawn uniformly.
        case random
    }

    /// Number of clusters k.
    public var clusters: Int
    /// Independent restarts; the one with the lowest inertia wins.
    public var restarts: Int
    /// Upper bound on Lloyd iterations per restart.
    public var maxIterations: Int
    /// Convergence when the squared centroid shift falls below `tolerance` times the mean
    /// feature variance (scikit-learn's rule), or when no label changes.
    public var tolerance: Double
    /// Seeding method.
    public var initialization: Initialization
    /// Seed of every random choice.
    public var seed: Int

    public init(
        clusters: Int, restarts: Int = 10, maxIterations: Int = 300, tolerance: Double = 1e-4,
        initialization: Initialization = .kMeansPlusPlus, seed: Int = 0
    ) {
        self.clusters = clusters
        self.restarts = restarts
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.initialization = initialization
        self.seed = seed
    }

    /// Checks the configuration on its own (the data checks come in `fit`).
    public func validate() throws {
        try require(clusters >= 1, "clusters", clusters, expected: "at least 1")
        try require(restarts >= 1, "restarts", restarts, expected: "at least 1")
        try require(maxIterations >= 1, "maxIterations", maxIterations, expected: "at least 1")
        try require(tolerance >= 0 && tolerance.isFinite, "tolerance", tolerance, expected: "a finite number >= 0")
    }

    /// Clusters the rows of `x`.
    public func fit(_ x: Matrix<Double>) throws -> KMeansModel {
        try validate()
        try x.validateForFit("k-means input")
        guard x.rows >= clusters else {
            throw FitError.tooFewSamples(
                method: "k-means", needed: clusters, got: x.rows,
                reason: "one per cluster, for \(clusters) clusters")
        }
        return fitValidated(x)
    }

    /// Centroids from explicit starting centres (one run, no seeding): for tests and warm starts.
    public func fit(_ x: Matrix<Double>, initialCentroids: Matrix<Double>) throws -> KMeansModel {
        try validate()
        try x.validateForFit("k-means input")
        guard initialCentroids.rows == clusters, initialCentroids.columns == x.columns else {
            throw ShapeError.mismatch(
                operation: "k-means initial centroids", left: initialCentroids.shape, right: x.shape,
                expected: "\(clusters) x \(x.columns) centroids")
        }
        let problem = LloydProblem(x: x, tolerance: tolerance, maxIterations: maxIterations)
        return problem.run(from: initialCentroids)
    }

    // MARK: - Private

    private func fitValidated(_ x: Matrix<Double>) -> KMeansModel {
        BLAS.ensureConfigured()
        let problem = LloydProblem(x: x, tolerance: tolerance, maxIterations: maxIterations)
        let config = self
        let runs = Parallel.map(restarts) { restart in
            FitProgress.report("restart \(restart + 1)/\(config.restarts)")
            var rng = RandomStream(seed: config.seed, stream: restart)
            let start: Matrix<Double>
            switch config.initialization {
            case .kMeansPlusPlus:
                start = kMeansPlusPlusSeeds(x, norms: problem.norms, clusters: config.clusters, rng: &rng)
            case .random:
                start = x.rows(at: rng.sample(config.clusters, from: x.rows))
            }
            return problem.run(from: start)
        }
        // Lowest inertia; the first restart wins ties, so the choice is deterministic.
        var best = runs[0]
        for run in runs.dropFirst() where run.inertia < best.inertia { best = run }
        return best
    }
}

/// A fitted k-means clustering.
public struct KMeansModel: FittedClusterer, Codable, Sendable, Equatable {
    /// k x d cluster centres.
    public let centroids: Matrix<Double>
    /// Cluster of each training row.
    public let labels: [Int]
    /// Sum of squared distances of the training rows to their centres.
    public let inertia: Double
    /// Lloyd iterations of the winning restart.
    public let iterations: Int
    /// True when the winning restart met the tolerance before `maxIterations`.
    public let hasConverged: Bool

    /// Number of clusters.
    public var clusters: Int { centroids.rows }

    /// The nearest centroid of each row of `x`.
    public func predict(_ x: Matrix<Double>) throws -> [Int] {
        try x.validateForPredict("k-means prediction input", features: centroids.columns)
        return try Distances.squaredEuclidean(x, centroids).argminPerRow()
    }

    /// Euclidean distance of each row of `x` to each centroid (n x k).
    public func transform(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try x.validateForPredict("k-means transform input", features: centroids.columns)
        return try Distances.squaredEuclidean(x, centroids).map { $0.squareRoot() }
    }

    /// Sum of squared distances of the rows of `x` to their nearest centroid.
    public func inertia(of x: Matrix<Double>) throws -> Double {
        try x.validateForPredict("k-means input", features: centroids.columns)
        let d = try Distances.squaredEuclidean(x, centroids)
        return (0..<d.rows).reduce(0) { sum, i in sum + (d.row(i).min() ?? 0) }
    }
}

extension KMeans: RegisteredEstimator {
    public static let estimatorName = "kmeans"
    public static let summary = "k-means (Lloyd's iterations) from k-means++ or random starts, best of several restarts"
    /// scikit-learn's defaults: 8 clusters, 10 restarts, 300 iterations, tolerance 1e-4, k-means++.
    public static var defaultConfiguration: KMeans { KMeans(clusters: 8) }
    public static var conformanceConfiguration: KMeans { KMeans(clusters: 3, restarts: 2) }
    public static var optionHelp: [String: String] {
        [
            "clusters": "number of clusters k", "restarts": "independent starts; the lowest inertia wins",
            "max_iterations": "Lloyd iterations per start, at most", "tolerance": "relative centre shift that ends a start",
            "initialization": "kMeansPlusPlus or random", "seed": "seed of every random choice",
        ]
    }
}

extension KMeansModel {
    /// `inertia` and `iterations`, for the run's metrics.
    public var fitReport: [String: Double] { ["inertia": inertia, "iterations": Double(iterations)] }
}

import AlmagestCore

/// Fisher-EM: model-based clustering in a discriminative latent subspace, the discriminative
/// latent mixture (DLM) models fitted by alternating an E-step, an F-step (the Fisher subspace of
/// the current soft partition) and an M-step.
///
/// Reference: C. Bouveyron and C. Brunet, "Simultaneous model-based clustering and visualization
/// in the Fisher discriminative subspace", Statistics and Computing 22:301-324 (2012); the R
/// package FisherEM (`fem`, method `svd`, i.e. `fstep.fisher`). The E-step centres the noise on
/// each class mean as the paper and the R package do (`noiseCenter`; `dataMean` reads the model
/// `x = U·y + ε` literally instead, see `FisherEMSteps`). Differences from the R package, on
/// purpose: maximum-likelihood variances (R divides by n_k − 1, which breaks EM's monotonicity for
/// a fixed U); a relative variance floor (R floors β at the absolute value 1e-3 and stops when a
/// latent variance is below 1e-3, which depends on the data's units); the ICL sign (R adds the
/// classification entropy instead of subtracting it); the F-step computed through the rank-K
/// factor of the between-class covariance (see `FisherSubspace`), with the same pseudo-inverse
/// when p > n (R switches to a ridge-regularised kernel form there, whose ridge 0.5 depends on the
/// data's units; here `shrinkage` shrinks S towards its mean variance, for any n and p); and a
/// random start that draws K rows as centres (R draws a uniform random partition, whose Fisher
/// subspace is noise).
///
/// Cost: an O(n·p² + p³) set-up once per fit (the total covariance and its eigen-decomposition;
/// O(n²·p + n³) through the Gram matrix when p > n), then O(n·p·K) per iteration through GEMM;
/// memory beyond the data: two p x p matrices during the set-up, then O((n + p)·K).
/// K-means initialisation costs what `KMeans` costs on the full data.
///
/// ```swift
/// let model = try FisherEM(clusters: 3, model: .akjBk, seed: 0).fit(x)
/// model.labels; model.posteriors; model.parameters.subspace; model.bic
/// let choice = try FisherEM(clusters: 2, model: .akjB).selectClusters(x, candidates: 2...6, by: .bic)
/// ```
public struct FisherEM: Clusterer, Codable, Sendable, Equatable {
    /// How each start's first partition is made.
    public enum Initialization: String, Codable, Sendable, CaseIterable {
        /// k-means (the project's `KMeans`, a few k-means++ restarts) on the data.
        case kmeans
        /// K distinct rows drawn as centres, every row assigned to the nearest one.
        case random
    }

    /// Number of clusters K (at least 2).
    public var clusters: Int
    /// Which of the twelve DLM models.
    public var model: DLM
    /// Dimension d of the discriminative subspace, 1...K−1 (and below the number of features);
    /// 0 means K − 1, the paper's default.
    public var subspaceDimension: Int
    /// First partition of each start.
    public var initialization: Initialization
    /// Independent starts, each seeded from `(seed, start)`; the highest final log-likelihood wins.
    public var starts: Int
    /// Upper bound on Fisher-EM iterations per start.
    public var maxIterations: Int
    /// Aitken stopping tolerance on the per-sample log-likelihood.
    public var tolerance: Double
    /// Seed of every random choice.
    public var seed: Int
    /// Where the noise outside the discriminative subspace is centred.
    public var noiseCenter: NoiseCenter
    /// Shrinkage γ ∈ [0, 1) of the total covariance in the F-step: Fisher's criterion uses
    /// `(1 − γ)·S + γ·(trace(S)/p)·I`; 0 is the pseudo-inverse of S (R's `svd` method).
    public var shrinkage: Double

    /// Where the model centres the noise outside the subspace.
    public enum NoiseCenter: String, Codable, Sendable, CaseIterable {
        /// On each class mean m_k (the paper's E-step and the R package): the classes also differ
        /// by their means outside the subspace.
        case classMean = "class_mean"
        /// On the data mean x̄: the classes differ only inside the subspace (the DLM model read
        /// literally, with its maximum-likelihood noise variance).
        case dataMean = "data_mean"
    }

    public init(
        clusters: Int, model: DLM = .akjBk, subspaceDimension: Int = 0, initialization: Initialization = .kmeans,
        starts: Int = 1, maxIterations: Int = 100, tolerance: Double = 1e-6, seed: Int = 0,
        noiseCenter: NoiseCenter = .classMean, shrinkage: Double = 0
    ) {
        self.noiseCenter = noiseCenter
        self.shrinkage = shrinkage
        self.clusters = clusters
        self.model = model
        self.subspaceDimension = subspaceDimension
        self.initialization = initialization
        self.starts = starts
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.seed = seed
    }

    /// The subspace dimension in force: `subspaceDimension`, or K − 1 when it is 0.
    public var effectiveSubspaceDimension: Int { subspaceDimension == 0 ? clusters - 1 : subspaceDimension }

    /// Checks the configuration on its own (the data checks come in `fit`).
    public func validate() throws {
        try require(clusters >= 2, "clusters", clusters, expected: "at least 2 (the Fisher subspace has K − 1 dimensions)")
        try require(subspaceDimension >= 0 && subspaceDimension <= clusters - 1, "subspaceDimension", subspaceDimension,
                    expected: "between 1 and clusters − 1 = \(clusters - 1), or 0 for clusters − 1")
        try require(starts >= 1, "starts", starts, expected: "at least 1")
        try require(maxIterations >= 1, "maxIterations", maxIterations, expected: "at least 1")
        try require(tolerance >= 0 && tolerance.isFinite, "tolerance", tolerance, expected: "a finite number >= 0")
        try require(shrinkage >= 0 && shrinkage < 1, "shrinkage", shrinkage, expected: "a number in [0, 1)")
    }

    /// Clusters the rows of `x`.
    public func fit(_ x: Matrix<Double>) throws -> FisherEMModel {
        try validate()
        try validate(data: x)
        BLAS.ensureConfigured()
        let fisher = try FisherSubspace(x)
        return try fitValidated(x, fisher: fisher)
    }

    // MARK: - Private

    func validate(data x: Matrix<Double>) throws {
        try x.validateForFit("Fisher-EM input")
        guard x.rows >= clusters else {
            throw FitError.tooFewSamples(method: "Fisher-EM", needed: clusters, got: x.rows,
                                         reason: "one per cluster, for \(clusters) clusters")
        }
        guard effectiveSubspaceDimension < x.columns else {
            throw FitError.invalidParameter(
                name: "subspaceDimension", value: "\(effectiveSubspaceDimension)",
                expected: "below the number of features, \(x.columns) (the noise subspace needs at least one dimension)")
        }
    }

    /// Every start, sequentially (each is BLAS-bound), keeping the highest log-likelihood; the
    /// first start wins ties, so the choice is deterministic.
    func fitValidated(_ x: Matrix<Double>, fisher: FisherSubspace) throws -> FisherEMModel {
        let steps = FisherEMSteps(x: x, subspace: fisher, model: model, noiseCenter: noiseCenter, shrinkage: shrinkage)
        let loop = FisherEMIterations(steps: steps, dimension: effectiveSubspaceDimension,
                                      maxIterations: maxIterations, tolerance: tolerance)
        var best: FisherEMIterations.Run?
        for start in 0..<starts {
            FitProgress.report("Fisher-EM start \(start + 1)/\(starts)")
            let labels = try initialLabels(x, start: start)
            FitProgress.report("Fisher-EM start \(start + 1)/\(starts): initial partition made")
            guard let run = loop.run(from: Self.indicator(labels, clusters: clusters)) else { continue }
            if best == nil || run.logLikelihood > best!.logLikelihood { best = run }
        }
        guard let run = best else {
            throw FitError.numerical(routine: "Fisher-EM", reason: "every start began with an empty cluster; try another seed or fewer clusters than \(clusters)")
        }
        return FisherEMModel(configuration: self, run: run, samples: x.rows, features: x.columns)
    }

    /// The first hard partition of start `start`.
    func initialLabels(_ x: Matrix<Double>, start: Int) throws -> [Int] {
        var rng = RandomStream(seed: seed, stream: start)
        switch initialization {
        case .kmeans:
            let kmeansSeed = Int(truncatingIfNeeded: rng.next() >> 1)
            return try KMeans(clusters: clusters, restarts: 3, maxIterations: 100, seed: kmeansSeed).fit(x).labels
        case .random:
            let centres = x.rows(at: rng.sample(clusters, from: x.rows))
            return try Distances.squaredEuclidean(x, centres).argminPerRow()
        }
    }

    /// The n x K 0/1 matrix of a hard partition.
    static func indicator(_ labels: [Int], clusters: Int) -> Matrix<Double> {
        var t = Matrix<Double>(rows: labels.count, columns: clusters)
        for (i, label) in labels.enumerated() { t[i, label] = 1 }
        return t
    }
}

extension FisherEM: RegisteredEstimator {
    public static let estimatorName = "fisherem"
    public static let summary = "Fisher-EM: Gaussian mixture in a discriminative latent subspace (12 DLM models), k-means or random starts"
    /// The R package's defaults where they apply: model AkjBk, d = K − 1, k-means starts.
    public static var defaultConfiguration: FisherEM { FisherEM(clusters: 3) }
    public static var conformanceConfiguration: FisherEM { FisherEM(clusters: 3, starts: 2, maxIterations: 30) }
    public static var optionHelp: [String: String] {
        [
            "clusters": "number of clusters K (at least 2)",
            "model": "DLM model: " + DLM.allCases.map(\.rawValue).joined(separator: ", "),
            "subspace_dimension": "dimension d of the discriminative subspace, 1...K-1; 0 for K-1",
            "initialization": "kmeans or random", "starts": "independent starts; the highest log-likelihood wins",
            "max_iterations": "Fisher-EM iterations per start, at most",
            "tolerance": "Aitken tolerance on the per-sample log-likelihood", "seed": "seed of every random choice",
            "noise_center": "class_mean (the paper's E-step, R) or data_mean (classes differ only inside the subspace)",
            "shrinkage": "shrinkage in [0, 1) of the total covariance in the F-step; 0 is its pseudo-inverse",
        ]
    }
    public var label: String { "fisherem-\(model.rawValue)" }
}

// Models and configurations saved before `noiseCenter` and `shrinkage` existed centred the noise
// on the data mean and used the plain pseudo-inverse: they decode with those values.
extension FisherEM {
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            clusters: try c.decode(Int.self, forKey: .clusters), model: try c.decode(DLM.self, forKey: .model),
            subspaceDimension: try c.decode(Int.self, forKey: .subspaceDimension),
            initialization: try c.decode(Initialization.self, forKey: .initialization), starts: try c.decode(Int.self, forKey: .starts),
            maxIterations: try c.decode(Int.self, forKey: .maxIterations), tolerance: try c.decode(Double.self, forKey: .tolerance),
            seed: try c.decode(Int.self, forKey: .seed),
            noiseCenter: try c.decodeIfPresent(NoiseCenter.self, forKey: .noiseCenter) ?? .dataMean,
            shrinkage: try c.decodeIfPresent(Double.self, forKey: .shrinkage) ?? 0)
    }
}

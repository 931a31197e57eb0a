import AlmagestCore

/// Mini-batch k-means (Sculley, "Web-scale k-means clustering", 2010), as scikit-learn's
/// `MiniBatchKMeans`: centres seeded by greedy k-means++ on a random sample of `3 · batchSize` rows
/// (the best of `restarts` seedings by inertia on that sample), then moved by mini-batches of
/// `batchSize` rows drawn with replacement — each centre steps towards the mean of its batch
/// members with a rate of 1 / (rows it has seen) — for at most `maxIterations` passes over the
/// data; training stops early when the smoothed batch inertia has not improved for
/// `maxNoImprovement` batches. Labels and inertia come from one final assignment of every row.
/// Unlike scikit-learn it does not reassign centres with few members.
///
/// Cost: O(b k d) per batch, O(n k d) for the final assignment, computed in row blocks so memory
/// stays O(block x k) beyond the data: linear in the rows, for millions of them. The random stream
/// is (seed, restart) for the seeding and (seed, restarts) for the batches, so a fit does not
/// depend on the thread count.
///
/// ```swift
/// let model = try MiniBatchKMeans(clusters: 10, seed: 0).fit(x)     // KMeansModel
/// model.labels; model.inertia
/// ```
public struct MiniBatchKMeans: Clusterer, RegisteredEstimator {
    /// Number of clusters k.
    public var clusters: Int
    /// Rows per mini-batch.
    public var batchSize: Int
    /// Passes over the data, at most.
    public var maxIterations: Int
    /// Seedings tried on the initial sample; the lowest inertia wins.
    public var restarts: Int
    /// Batches without a lower smoothed inertia before stopping (0: never stop early).
    public var maxNoImprovement: Int
    public var seed: Int

    public init(clusters: Int, batchSize: Int = 1024, maxIterations: Int = 100, restarts: Int = 3,
                maxNoImprovement: Int = 10, seed: Int = 0) {
        self.clusters = clusters
        self.batchSize = batchSize
        self.maxIterations = maxIterations
        self.restarts = restarts
        self.maxNoImprovement = maxNoImprovement
        self.seed = seed
    }

    public static let estimatorName = "minibatch-kmeans"
    public static let summary = "mini-batch k-means: centres moved by random batches, for millions of rows"
    public static var defaultConfiguration: MiniBatchKMeans { MiniBatchKMeans(clusters: 8) }
    public static var conformanceConfiguration: MiniBatchKMeans { MiniBatchKMeans(clusters: 3, batchSize: 16, maxIterations: 5) }
    public static var optionHelp: [String: String] {
        [
            "clusters": "number of clusters k", "batch_size": "rows per mini-batch", "max_iterations": "passes over the data, at most",
            "restarts": "k-means++ seedings tried on the initial sample", "seed": "seed of every random choice",
            "max_no_improvement": "batches without a better smoothed inertia before stopping (0: never)",
        ]
    }

    public func validate() throws {
        try require(clusters >= 1, "clusters", clusters, expected: "at least 1")
        try require(batchSize >= 1, "batch size", batchSize, expected: "at least 1")
        try require(maxIterations >= 1, "max iterations", maxIterations, expected: "at least 1")
        try require(restarts >= 1, "restarts", restarts, expected: "at least 1")
        try require(maxNoImprovement >= 0, "max no improvement", maxNoImprovement, expected: "0 or more")
    }

    /// Clusters the rows of `x`; throws `FitError` for bad settings, empty or non-finite data, or
    /// fewer rows than clusters.
    public func fit(_ x: Matrix<Double>) throws -> KMeansModel {
        try validate()
        try x.validateForFit("mini-batch k-means input")
        guard x.rows >= clusters else {
            throw FitError.tooFewSamples(method: "mini-batch k-means", needed: clusters, got: x.rows,
                                         reason: "one per cluster, for \(clusters) clusters")
        }
        BLAS.ensureConfigured()
        return fitValidated(x)
    }

    // MARK: - Private

    private func fitValidated(_ x: Matrix<Double>) -> KMeansModel {
        let n = x.rows, d = x.columns, k = clusters
        var centres = seedCentres(x)
        var counts = [Double](repeating: 0, count: k)
        var rng = RandomStream(seed: seed, stream: restarts)
        let batch = min(batchSize, n)
        let steps = max(1, (maxIterations * n) / batch)
        var smoothed = Double.nan, best = Double.infinity, stale = 0, step = 0, converged = false
        let alpha = min(1, Double(batch) * 2 / Double(n + 1))
        while step < steps {
            step += 1
            let rows = (0..<batch).map { _ in rng.nextInt(below: n) }
            let xb = x.rows(at: rows)
            let distances = try! Distances.squaredEuclidean(xb, centres)
            let nearest = distances.argminPerRow()
            let inertia = nearest.indices.reduce(0.0) { $0 + max(distances[$1, nearest[$1]], 0) } / Double(batch)
            Self.move(&centres, counts: &counts, batch: xb, nearest: nearest, columns: d)
            smoothed = smoothed.isNaN ? inertia : smoothed * (1 - alpha) + inertia * alpha
            if smoothed < best {
                best = smoothed
                stale = 0
            } else {
                stale += 1
                if maxNoImprovement > 0 && stale >= maxNoImprovement {
                    converged = true
                    break
                }
            }
        }
        let (labels, inertia) = Self.assign(x, centres)
        return KMeansModel(centroids: centres, labels: labels, inertia: inertia, iterations: step, hasConverged: converged)
    }

    /// Greedy k-means++ on a random sample of 3 · batchSize rows (all rows when fewer), best of
    /// `restarts` seedings by the sample's inertia.
    private func seedCentres(_ x: Matrix<Double>) -> Matrix<Double> {
        let k = clusters
        var sampler = RandomStream(seed: seed, stream: restarts + 1)
        let size = min(x.rows, max(3 * batchSize, k))
        let sample = size == x.rows ? x : x.rows(at: sampler.sample(size, from: x.rows).sorted())
        let norms = Distances.Norms(sample)
        let candidates = Parallel.map(restarts) { restart -> (Matrix<Double>, Double) in
            var rng = RandomStream(seed: seed, stream: restart)
            let centres = kMeansPlusPlusSeeds(sample, norms: norms, clusters: k, rng: &rng)
            return (centres, Self.assign(sample, centres).inertia)
        }
        var best = candidates[0]
        for candidate in candidates.dropFirst() where candidate.1 < best.1 { best = candidate }
        return best.0
    }

    /// Each centre steps to the mean of its batch members with rate members / (rows seen so far).
    private static func move(
        _ centres: inout Matrix<Double>, counts: inout [Double], batch: Matrix<Double>, nearest: [Int], columns d: Int
    ) {
        var sums = [Double](repeating: 0, count: centres.rows * d)
        var members = [Double](repeating: 0, count: centres.rows)
        batch.withUnsafeBufferPointer { xb in
            for (i, c) in nearest.enumerated() {
                members[c] += 1
                for j in 0..<d { sums[c * d + j] += xb[i * d + j] }
            }
        }
        centres.withUnsafeMutableBufferPointer { ct in
            for c in 0..<members.count where members[c] > 0 {
                counts[c] += members[c]
                let rate = 1 / counts[c]
                for j in 0..<d { ct[c * d + j] += rate * (sums[c * d + j] - members[c] * ct[c * d + j]) }
            }
        }
    }

    /// Nearest centre and total squared distance of every row, in blocks of 8,192 rows (in parallel).
    static func assign(_ x: Matrix<Double>, _ centres: Matrix<Double>) -> (labels: [Int], inertia: Double) {
        let block = 8192
        let parts = Parallel.map((x.rows + block - 1) / block) { b -> ([Int], Double) in
            let rows = (b * block)..<min(x.rows, (b + 1) * block)
            let distances = try! Distances.squaredEuclidean(x.rows(at: rows), centres)
            let nearest = distances.argminPerRow()
            return (nearest, nearest.indices.reduce(0.0) { $0 + max(distances[$1, nearest[$1]], 0) })
        }
        return (parts.flatMap(\.0), parts.reduce(0) { $0 + $1.1 })
    }
}

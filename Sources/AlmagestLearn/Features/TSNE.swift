import AlmagestCore
import Foundation

/// t-distributed stochastic neighbour embedding to 2 or 3 dimensions with Barnes-Hut gradients,
/// for plots of high-dimensional data.
///
/// References: L. van der Maaten and G. Hinton, "Visualizing Data using t-SNE", JMLR 2008;
/// L. van der Maaten, "Accelerating t-SNE using tree-based algorithms", JMLR 2014. Input
/// affinities are sparse (k = 3·perplexity nearest neighbours, `TSNEAffinities`); the output
/// kernel is the Cauchy `1 / (1 + |yᵢ - yⱼ|²)` in 2-D and 3-D alike; repulsion comes from a
/// quadtree/octree (`SpacePartitioningTree`) with accuracy `theta` (0 = exact). The optimiser is
/// scikit-learn's: gradient descent with momentum 0.5 during `earlyExaggerationIterations` with P
/// multiplied by `earlyExaggeration`, then momentum 0.8; per-coordinate gains (+0.2 when the
/// gradient changes sign against the step, ×0.8 otherwise, at least 0.01), reset between the two
/// phases; learning rate `.automatic` = max(n / earlyExaggeration / 4, 50). The embedding is
/// re-centred after every step. Deterministic for a seed, whatever the thread count.
///
/// Cost: O(n² d) once for the neighbours (GEMM blocks), then O(n log n) per iteration for θ > 0;
/// memory O(n k).
///
/// ```swift
/// let tsne = try TSNE(dimensions: 2, perplexity: 30, seed: 0)
/// let model = try tsne.fit(pixels)            // TSNEModel
/// let xy = model.embedding                    // n x 2
/// print(model.klDivergence)
/// ```
public struct TSNE: Codable, Sendable, Equatable {
    /// How the embedding starts.
    public enum Initialisation: String, Codable, Sendable, CaseIterable {
        /// Normal with standard deviation 1e-4, from `seed`.
        case random
        /// The first principal components, scaled so the first has standard deviation 1e-4.
        case pca
    }

    /// Step size of gradient descent.
    public enum LearningRate: Codable, Sendable, Equatable {
        /// max(n / earlyExaggeration / 4, 50) (Belkina et al., 2019, as scikit-learn).
        case automatic
        case fixed(Double)
    }

    /// Output dimensions, 2 or 3.
    public let dimensions: Int
    /// Effective number of neighbours (5 ... 50 is usual); must be below the number of samples.
    public let perplexity: Double
    /// Factor on P during the first phase.
    public let earlyExaggeration: Double
    /// Iterations of the first phase (part of `iterations`).
    public let earlyExaggerationIterations: Int
    /// Total gradient steps.
    public let iterations: Int
    public let learningRate: LearningRate
    /// Barnes-Hut accuracy: a cell of width w at distance d is summarised when w / d < theta.
    public let theta: Double
    public let initialisation: Initialisation
    public let seed: Int

    public init(
        dimensions: Int = 2, perplexity: Double = 30, earlyExaggeration: Double = 12,
        earlyExaggerationIterations: Int = 250, iterations: Int = 1000, learningRate: LearningRate = .automatic,
        theta: Double = 0.5, initialisation: Initialisation = .pca, seed: Int = 0
    ) throws {
        try require(dimensions == 2 || dimensions == 3, "t-SNE dimensions", dimensions, expected: "2 or 3")
        try require(perplexity.isFinite && perplexity > 0, "t-SNE perplexity", perplexity, expected: "a finite value > 0")
        try require(
            earlyExaggeration.isFinite && earlyExaggeration >= 1, "t-SNE earlyExaggeration", earlyExaggeration,
            expected: "a finite value ≥ 1")
        try require(iterations >= 1, "t-SNE iterations", iterations, expected: "at least 1")
        try require(
            earlyExaggerationIterations >= 0 && earlyExaggerationIterations <= iterations,
            "t-SNE earlyExaggerationIterations", earlyExaggerationIterations, expected: "0...\(iterations) (iterations)")
        if case let .fixed(rate) = learningRate {
            try require(rate.isFinite && rate > 0, "t-SNE learning rate", rate, expected: "a finite value > 0")
        }
        try require(theta.isFinite && theta >= 0, "t-SNE theta", theta, expected: "a finite value ≥ 0 (0 = exact)")
        self.dimensions = dimensions
        self.perplexity = perplexity
        self.earlyExaggeration = earlyExaggeration
        self.earlyExaggerationIterations = earlyExaggerationIterations
        self.iterations = iterations
        self.learningRate = learningRate
        self.theta = theta
        self.initialisation = initialisation
        self.seed = seed
    }

    /// Decodes and validates like `init`.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            dimensions: c.decode(Int.self, forKey: .dimensions), perplexity: c.decode(Double.self, forKey: .perplexity),
            earlyExaggeration: c.decode(Double.self, forKey: .earlyExaggeration),
            earlyExaggerationIterations: c.decode(Int.self, forKey: .earlyExaggerationIterations),
            iterations: c.decode(Int.self, forKey: .iterations), learningRate: c.decode(LearningRate.self, forKey: .learningRate),
            theta: c.decode(Double.self, forKey: .theta), initialisation: c.decode(Initialisation.self, forKey: .initialisation),
            seed: c.decode(Int.self, forKey: .seed))
    }

    /// Embeds the rows of `x`. Throws `FitError` on empty or non-finite data and when there are
    /// not more samples than the perplexity.
    public func fit(_ x: Matrix<Double>) throws -> TSNEModel {
        try x.validateForFit("t-SNE input")
        guard Double(x.rows) > perplexity, x.rows >= 2 else {
            throw FitError.tooFewSamples(
                method: "t-SNE", needed: Swift.max(Int(perplexity.rounded(.down)) + 1, 2), got: x.rows,
                reason: "the perplexity \(perplexity) must be below the number of samples")
        }
        let affinities = TSNEAffinities(x, perplexity: perplexity)
        var y = try initialEmbedding(x)
        let rate: Double
        switch learningRate {
        case .automatic: rate = Swift.max(Double(x.rows) / earlyExaggeration / 4, 50)
        case let .fixed(value): rate = value
        }
        var optimiser = Optimiser(affinities: affinities, dimensions: dimensions, theta: theta)
        optimiser.descend(&y, steps: earlyExaggerationIterations, exaggeration: earlyExaggeration, momentum: 0.5, rate: rate)
        optimiser.descend(&y, steps: iterations - earlyExaggerationIterations, exaggeration: 1, momentum: 0.8, rate: rate)
        let kl = optimiser.klDivergence(y)
        return TSNEModel(
            embedding: try Matrix(rows: x.rows, columns: dimensions, elements: y), klDivergence: kl,
            iterations: iterations, neighbours: affinities.neighbours)
    }
}

/// A fitted t-SNE: the embedding of the training rows (t-SNE has no map for new data).
public struct TSNEModel: Codable, Sendable, Equatable {
    /// n x dimensions coordinates, centred.
    public let embedding: Matrix<Double>
    /// Kullback-Leibler divergence KL(P‖Q) at the end (Q from the Barnes-Hut normalisation).
    public let klDivergence: Double
    /// Gradient steps taken.
    public let iterations: Int
    /// Neighbours per point in the input affinities.
    public let neighbours: Int
}

// MARK: - Private

extension TSNE {
    private func initialEmbedding(_ x: Matrix<Double>) throws -> [Double] {
        let n = x.rows
        switch initialisation {
        case .random:
            var rng = RandomStream(seed: seed)
            return (0..<(n * dimensions)).map { _ in rng.nextNormal() * 1e-4 }
        case .pca:
            let k = Swift.min(dimensions, x.columns, n)
            var y = [Double](repeating: 0, count: n * dimensions)
            let z = try PCA(components: k).fit(x).transform(x)
            let first = z.column(0)
            let mean = first.reduce(0, +) / Double(n)
            let std = (first.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)).squareRoot()
            let factor = std > 0 ? 1e-4 / std : 1
            for i in 0..<n { for a in 0..<k { y[i * dimensions + a] = z[i, a] * factor } }
            if k < dimensions {
                // Fewer input columns than output dimensions: the rest starts random.
                var rng = RandomStream(seed: seed)
                for i in 0..<n { for a in k..<dimensions { y[i * dimensions + a] = rng.nextNormal() * 1e-4 } }
            }
            return y
        }
    }

    /// Gradient descent with momentum and gains over a fixed P.
    struct Optimiser {
        let p: TSNEAffinities
        let dimensions: Int
        let theta: Double
        /// Points per parallel chunk of the gradient.
        let chunkSize = 256

        init(affinities: TSNEAffinities, dimensions: Int, theta: Double) {
            p = affinities
            self.dimensions = dimensions
            self.theta = theta
        }

        mutating func descend(_ y: inout [Double], steps: Int, exaggeration: Double, momentum: Double, rate: Double) {
            guard steps > 0 else { return }
            let count = y.count
            var update = [Double](repeating: 0, count: count)
            var gains = [Double](repeating: 1, count: count)
            var gradient = [Double](repeating: 0, count: count)
            for _ in 0..<steps {
                _ = computeGradient(y, exaggeration: exaggeration, into: &gradient)
                for e in 0..<count {
                    let g = gradient[e]
                    gains[e] = (update[e] * g < 0) ? gains[e] + 0.2 : gains[e] * 0.8
                    if gains[e] < 0.01 { gains[e] = 0.01 }
                    update[e] = momentum * update[e] - rate * gains[e] * g
                    y[e] += update[e]
                }
                centre(&y)
            }
        }

        /// KL(P‖Q) with Q normalised by the Barnes-Hut estimate of Z.
        func klDivergence(_ y: [Double]) -> Double {
            var scratch = [Double](repeating: 0, count: y.count)
            let z = computeGradient(y, exaggeration: 1, into: &scratch)
            let d = dimensions
            var kl = 0.0
            for i in 0..<p.count {
                for e in p.rowStart[i]..<p.rowStart[i + 1] where p.values[e] > 0 {
                    let j = Int(p.columns[e])
                    var distanceSquared = 0.0
                    for a in 0..<d { distanceSquared += (y[i * d + a] - y[j * d + a]) * (y[i * d + a] - y[j * d + a]) }
                    let q = Swift.max(1 / (1 + distanceSquared) / z, Double.leastNormalMagnitude)
                    kl += p.values[e] * Foundation.log(p.values[e] / q)
                }
            }
            return kl
        }

        /// The gradient `4 (exaggeration · F_attr - F_rep / Z)` per point; returns Z.
        func computeGradient(_ y: [Double], exaggeration: Double, into gradient: inout [Double]) -> Double {
            let n = p.count, d = dimensions
            let tree = y.withUnsafeBufferPointer { SpacePartitioningTree(points: $0.baseAddress!, count: n, dimensions: d) }
            let affinities = p, theta = self.theta
            let partialZ = y.withUnsafeBufferPointer { py in
                gradient.withUnsafeMutableBufferPointer { pg in
                    let points = SharedReadPointer(py.baseAddress!), out = SharedPointer(pg.baseAddress!)
                    return Parallel.mapChunks(count: n, chunkSize: chunkSize) { range, _ -> Double in
                        var stack = [Int32]()
                        stack.reserveCapacity(64)
                        var force = (0.0, 0.0, 0.0)
                        var z = 0.0
                        withUnsafeMutableBytes(of: &force) { raw in
                            let f = raw.baseAddress!.assumingMemoryBound(to: Double.self)
                            for i in range {
                                z += tree.repulsion(on: i, points: points.base, theta: theta, force: f, stack: &stack)
                                for a in 0..<d { out[i * d + a] = -f[a] }   // repulsion, divided by Z below
                            }
                        }
                        return z
                    }
                }
            }
            let z = Swift.max(partialZ.reduce(0, +), Double.leastNormalMagnitude)
            y.withUnsafeBufferPointer { py in
                gradient.withUnsafeMutableBufferPointer { pg in
                    affinities.rowStart.withUnsafeBufferPointer { ps in
                        affinities.columns.withUnsafeBufferPointer { pc in
                            affinities.values.withUnsafeBufferPointer { pv in
                                let points = SharedReadPointer(py.baseAddress!), out = SharedPointer(pg.baseAddress!)
                                let start = SharedReadPointer(ps.baseAddress!), column = SharedReadPointer(pc.baseAddress!)
                                let value = SharedReadPointer(pv.baseAddress!)
                                Parallel.forEachChunk(count: n, chunkSize: chunkSize) { range, _ in
                                    for i in range {
                                        Self.addAttraction(
                                            i, d: d, points: points.base, start: start.base, column: column.base,
                                            value: value.base, exaggeration: exaggeration, z: z, gradient: out.base)
                                    }
                                }
                            }
                        }
                    }
                }
            }
            return z
        }

        /// Turns the repulsion already in `gradient[i]` into the full gradient of point i:
        /// `4 (exaggeration · Σ_j p_ij q_ij (y_i - y_j) + repulsion / Z)`.
        @inline(__always)
        private static func addAttraction(
            _ i: Int, d: Int, points y: UnsafePointer<Double>, start: UnsafePointer<Int>, column: UnsafePointer<Int32>,
            value: UnsafePointer<Double>, exaggeration: Double, z: Double, gradient g: UnsafeMutablePointer<Double>
        ) {
            var a0 = 0.0, a1 = 0.0, a2 = 0.0
            let y0 = y[i * d], y1 = y[i * d + 1], y2 = d == 3 ? y[i * d + 2] : 0
            for e in start[i]..<start[i + 1] {
                let j = Int(column[e])
                let dx = y0 - y[j * d], dy = y1 - y[j * d + 1], dz = d == 3 ? y2 - y[j * d + 2] : 0
                let w = value[e] / (1 + dx * dx + dy * dy + dz * dz)
                a0 += w * dx
                a1 += w * dy
                a2 += w * dz
            }
            g[i * d] = 4 * (exaggeration * a0 + g[i * d] / z)
            g[i * d + 1] = 4 * (exaggeration * a1 + g[i * d + 1] / z)
            if d == 3 { g[i * d + 2] = 4 * (exaggeration * a2 + g[i * d + 2] / z) }
        }

        private func centre(_ y: inout [Double]) {
            let n = p.count, d = dimensions
            for a in 0..<d {
                var mean = 0.0
                for i in 0..<n { mean += y[i * d + a] }
                mean /= Double(n)
                for i in 0..<n { y[i * d + a] -= mean }
            }
        }
    }
}

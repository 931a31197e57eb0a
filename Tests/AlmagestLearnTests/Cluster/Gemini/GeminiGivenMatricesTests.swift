import AlmagestCore
@testable import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

/// Kernels and distances of one's own (`fit(_:kernelMatrix:)`, `fit(_:distances:)`, the
/// `precomputed` options), the automatic choice between exact and Sinkhorn transport, SGD, and
/// exact kernels on mini-batches.
@Suite struct GeminiGivenMatricesTests {
    /// 200 rows in four well-separated groups, standardised, and their truth.
    static func groups(_ n: Int = 200) throws -> (x: Matrix<Double>, truth: [Int]) {
        var rng = RandomStream(seed: 9)
        let truth = (0..<n).map { $0 % 4 }
        let centres = [[0.0, 0, 0], [6, 0, 0], [0, 6, 0], [0, 0, 6]]
        let raw = Matrix<Double>(rows: n, columns: 3) { i, j in centres[truth[i]][j] + rng.nextNormal() }
        return (try StandardScaler().fit(raw).transform(raw), truth)
    }

    /// A given kernel matrix trains exactly as the same kernel computed from the rows, on a full
    /// batch and on mini-batches (the exact-kernel mini-batch path), and finds the groups.
    @Test(arguments: [0, 64])
    func givenKernelMatrixEqualsTheComputedOne(batch: Int) throws {
        let (x, truth) = try Self.groups()
        let config = GeminiMMDClustering(clusters: 4, ovo: true, kernel: .rbf, learningRate: 0.05, epochs: 60, batchSize: batch)
        let k = try GeminiKernel.rbf(gamma: nil).matrix(x, x)
        let computed = try config.fit(x), given = try config.fit(x, kernelMatrix: k)
        // A batch's block of the whole matrix and the batch's own kernel differ in the last bits.
        #expect(given.labels == computed.labels)
        #expect(zip(given.network.parameters, computed.network.parameters).allSatisfy { abs($0 - $1) <= 1e-9 * max(1, abs($1)) })
        let ari = try adjustedRandIndex(truth, given.labels)
        #expect(ari > 0.95, "batch \(batch): ARI \(ari)")
    }

    /// `kernel: precomputed` (as gemclus): the data is the kernel matrix, the affinity and the
    /// model's input; through the registry, as the command line gives it.
    @Test func precomputedKernelThroughTheRegistry() throws {
        let (x, _) = try Self.groups(80)
        let k = try GeminiKernel.rbf(gamma: nil).matrix(x, x)
        let options: [String: ParameterValue] = ["clusters": 4, "ovo": true, "kernel": "precomputed", "learning_rate": 0.05, "epochs": 40]
        let model = try EstimatorSpec("gemini-mmd", options: options).clusterer().fit(k)
        let direct = try GeminiMMDClustering(clusters: 4, ovo: true, learningRate: 0.05, epochs: 40).fit(k, kernelMatrix: k)
        #expect(model.labels == direct.labels && model.fitReport == direct.fitReport)
        #expect(try model.predict(k) == model.labels)
    }

    @Test func badKernelMatricesAreRefusedByName() throws {
        let (x, _) = try Self.groups(40)
        let config = GeminiMMDClustering(clusters: 4, epochs: 2)
        var k = try GeminiKernel.linear.matrix(x, x)
        let wrong = #expect(throws: FitError.self) { try config.fit(x, kernelMatrix: k.rows(at: Array(0..<39))) }
        #expect("\(wrong!)".contains("39 x 40") && "\(wrong!)".contains("40 x 40"))
        k[2, 5] += 1
        let asymmetric = #expect(throws: FitError.self) { try config.fit(x, kernelMatrix: k) }
        #expect("\(asymmetric!)".contains("K[2, 5]") && "\(asymmetric!)".contains("symmetric"))
        let rectangular = #expect(throws: FitError.self) {
            try GeminiMMDClustering(clusters: 4, kernel: .precomputed, epochs: 2).fit(x)
        }
        #expect("\(rectangular!)".contains("40 x 3"))
    }

    /// Given distances train exactly as the metric's, and `metric: precomputed` finds the groups.
    @Test func givenDistancesEqualTheComputedOnes() throws {
        let (x, truth) = try Self.groups(120)
        let config = GeminiWassersteinClustering(clusters: 4, ovo: true, metric: .sqeuclidean, learningRate: 0.05, epochs: 30, batchSize: 40)
        let d = try config.distanceMatrix(x)
        #expect(try config.fit(x, distances: d) == config.fit(x))
        let ari = try adjustedRandIndex(truth, try config.fit(x, distances: d).labels)
        #expect(ari > 0.9, "ARI \(ari)")
        // metric: precomputed: the data is the distance matrix, and the model's input.
        var precomputed = config
        precomputed.metric = .precomputed
        #expect(try precomputed.fit(d) == config.fit(d, distances: d))
        var negative = d
        negative[1, 2] = -1
        negative[2, 1] = -1
        let refused = #expect(throws: FitError.self) { try config.fit(x, distances: negative) }
        #expect("\(refused!)".contains("D[1, 2]") && "\(refused!)".contains(">= 0"))
        var asymmetric = d
        asymmetric[3, 4] += 1
        #expect(throws: FitError.self) { try config.fit(x, distances: asymmetric) }
    }

    /// `transport: automatic` (the default) solves a batch exactly up to `exact_limit` rows and by
    /// Sinkhorn beyond; `exact` and `sinkhorn` force one.
    @Test func automaticTransportSwitchesAtTheExactLimit() throws {
        let small = Matrix<Double>(rows: 6, columns: 6) { i, j in abs(Double(i - j)) }
        let large = Matrix<Double>(rows: 7, columns: 7) { i, j in abs(Double(i - j)) }
        let automatic = GeminiWassersteinClustering(clusters: 2, exactLimit: 6)
        #expect(GeminiWassersteinClustering(clusters: 2).transport == .automatic)
        #expect(automatic.objective(for: small).transport == .exact)
        guard case .sinkhorn = automatic.objective(for: large).transport else {
            Issue.record("7 rows past an exact limit of 6 should use Sinkhorn")
            return
        }
        var exact = automatic
        exact.transport = .exact
        #expect(exact.objective(for: large).transport == .exact)
        var sinkhorn = automatic
        sinkhorn.transport = .sinkhorn
        guard case .sinkhorn = sinkhorn.objective(for: small).transport else {
            Issue.record("transport sinkhorn should always use Sinkhorn")
            return
        }
    }

    /// In training, batches past the exact limit go through Sinkhorn: the automatic run equals the
    /// one forced to Sinkhorn and differs from the exact one. (Sinkhorn training is slow in a debug
    /// build, so the run is short.)
    @Test func automaticTrainingUsesSinkhornPastTheLimit() throws {
        let (x, _) = try Self.groups(40)
        let automatic = GeminiWassersteinClustering(clusters: 4, metric: .sqeuclidean, learningRate: 0.05, epochs: 2, batchSize: 20, exactLimit: 10)
        var sinkhorn = automatic, exact = automatic
        sinkhorn.transport = .sinkhorn
        exact.transport = .exact
        let model = try automatic.fit(x)
        #expect(model == (try sinkhorn.fit(x)))
        #expect(model.scores != (try exact.fit(x)).scores)
        #expect(model.scores.count == 2 && model.scores.allSatisfy { $0.isFinite && $0 > 0 })
    }

    /// Random Fourier features approximate the RBF kernel (φ φᵀ ≈ K, error shrinking as 1/√D), and
    /// so the objective: the documented approximation behind `fourier_features`.
    @Test func fourierFeaturesApproximateTheRBFKernel() throws {
        let (x, truth) = try Self.groups(100)
        let exact = try GeminiKernel.rbf(gamma: 0.5).matrix(x, x)
        var errors = [Double]()
        for features in [500, 8_000] {
            let phi = try GeminiMMDClustering(clusters: 4, kernel: .rbf, gamma: 0.5, fourierFeatures: features, seed: 3).featureMap(x)
            let approx = try Matrix.product(phi, transposed: false, phi, transposed: true)
            errors.append(approx.maxAbsDifference(exact))
            let y = Matrix<Double>(rows: 100, columns: 4) { i, k in truth[i] == k ? 0.9 : 0.1 / 3 }
            let value = try MMDGemini(ovo: true).evaluate(y, affinity: .features(phi)).value
            let reference = try MMDGemini(ovo: true).evaluate(y, affinity: .gram(exact)).value
            if features == 8_000 { #expect(abs(value - reference) < 0.03 * reference, "\(value) vs \(reference)") }
        }
        #expect(errors[1] < 0.1 && errors[1] < errors[0] / 2, "largest kernel errors \(errors)")
    }

    /// SGD with momentum (instead of Adam) trains the linear model to the groups.
    @Test func sgdFindsTheGroups() throws {
        let (x, truth) = try Self.groups()
        let model = try GeminiMMDClustering(clusters: 4, ovo: true, optimizer: .sgd, learningRate: 0.5, epochs: 150).fit(x)
        let ari = try adjustedRandIndex(truth, model.labels)
        #expect(ari > 0.95, "ARI \(ari)")
        #expect(model.geminiScore > model.scores[0])
    }
}

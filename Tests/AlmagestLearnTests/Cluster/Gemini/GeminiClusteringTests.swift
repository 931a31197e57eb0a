import AlmagestCore
@testable import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

/// The GEMINI models: back-propagation checked by finite differences through every layer, and
/// clustering that finds well-separated groups.
@Suite struct GeminiClusteringTests {
    static func data() throws -> Matrix<Double> {
        try Matrix(try GeminiObjectiveTests.fixture.get().inputs.X)
    }

    /// d objective / d parameters from `backward` equals central differences of the objective
    /// through `forward`, for the linear model and the MLP with each activation (MMD one-vs-one, RBF).
    @Test(arguments: [
        (GeminiNetwork.Kind.linear, GeminiNetwork.Activation.relu), (.mlp, .relu), (.mlp, .tanh), (.mlp, .sigmoid),
    ])
    func backPropagationMatchesFiniteDifferences(kind: GeminiNetwork.Kind, activation: GeminiNetwork.Activation) throws {
        let x = try Self.data()
        var rng = RandomStream(seed: 4)
        var network = GeminiNetwork(kind: kind, inputs: x.columns, hidden: 5, activation: activation, clusters: 3, rng: &rng)
        let affinity = MMDGemini.Affinity.gram(try GeminiKernel.rbf(gamma: nil).matrix(x, x))
        let objective = MMDGemini(ovo: true)
        let value = { (net: GeminiNetwork) in try objective.evaluate(try net.forward(x).probabilities, affinity: affinity).value }
        let pass = try network.forward(x)
        let gradient = try network.backward(pass, outputGradient: try objective.evaluate(pass.probabilities, affinity: affinity).gradient)
        #expect(gradient.count == network.parameters.count)
        let step = 1e-6
        var worst = 0.0, largest = 0.0
        for p in stride(from: 0, to: network.parameters.count, by: max(1, network.parameters.count / 25)) {
            var plus = network, minus = network
            plus.parameters[p] += step
            minus.parameters[p] -= step
            let fd = (try value(plus) - value(minus)) / (2 * step)
            worst = max(worst, abs(fd - gradient[p]))
            largest = max(largest, abs(fd))
        }
        #expect(largest > 1e-4, "the gradient should not vanish here")
        #expect(worst < 1e-7 * max(1, largest), "\(kind) \(activation): back-propagation off finite differences by \(worst)")
    }

    /// Four well-separated groups: the linear model with the linear kernel (factorised), RBF
    /// (exact and by random Fourier features, full and mini-batch) and the MLP all find them.
    @Test(arguments: [
        GeminiMMDClustering(clusters: 4, ovo: true, learningRate: 0.05, epochs: 150),
        GeminiMMDClustering(clusters: 4, kernel: .rbf, learningRate: 0.05, epochs: 150),
        GeminiMMDClustering(clusters: 4, ovo: true, kernel: .rbf, fourierFeatures: 200, learningRate: 0.05, epochs: 100, batchSize: 64),
        GeminiMMDClustering(clusters: 4, ovo: true, kernel: .rbf, model: .mlp, hidden: 16, learningRate: 0.02, epochs: 150),
    ])
    func findsSeparatedGroups(_ config: GeminiMMDClustering) throws {
        var rng = RandomStream(seed: 9)
        let truth = (0..<200).map { $0 % 4 }
        let centres = [[0.0, 0, 0], [6, 0, 0], [0, 6, 0], [0, 0, 6]]
        let raw = Matrix<Double>(rows: 200, columns: 3) { i, j in centres[truth[i]][j] + rng.nextNormal() }
        let x = try StandardScaler().fit(raw).transform(raw)
        let model = try config.fit(x)
        let ari = try ClusteringComparison(labelsTrue: truth, labelsPredicted: model.labels).adjustedRandIndex
        #expect(ari > 0.95, "\(config.kernel) \(config.model) ovo \(config.ovo): ARI \(ari)")
        #expect(model.clustersFound == 4 && model.fitReport["clusters_asked"] == 4)
        #expect(model.scores.count == config.epochs && model.geminiScore > model.scores[0])
        #expect(try model.predict(x) == model.labels)
        // Same seed, same model; it survives encoding.
        #expect(try config.fit(x) == model)
        #expect(try JSONDecoder().decode(GeminiClusteringModel.self, from: JSONEncoder().encode(model)) == model)
    }

    @Test func badSettingsAndInputAreTypedErrors() throws {
        let x = try Self.data()
        #expect(throws: FitError.self) { try GeminiMMDClustering(clusters: 41).fit(x) }
        #expect(throws: FitError.self) { try GeminiMMDClustering(clusters: 1).fit(x) }
        #expect(throws: FitError.self) { try GeminiMMDClustering(clusters: 3, fourierFeatures: 10).fit(x) }  // linear kernel
        let tooBig = #expect(throws: FitError.self) { try GeminiMMDClustering(clusters: 3, kernel: .rbf, gramLimit: 10).fit(x) }
        #expect("\(tooBig!)".contains("fourier_features"))
        var bad = x
        bad[3, 1] = .nan
        #expect(throws: FitError.self) { try GeminiMMDClustering(clusters: 3, epochs: 2).fit(bad) }
        let model = try GeminiMMDClustering(clusters: 3, epochs: 2).fit(x)
        #expect(throws: FitError.self) { try model.predict(try Matrix(rows: 2, columns: 5, elements: Array(repeating: 0, count: 10))) }
    }

    /// The Wasserstein GEMINI finds the same groups on mini-batches with exact transport over
    /// squared distances. (Sinkhorn training runs are minutes in a debug build: its objective is
    /// checked against gemclus in WassersteinGeminiTests.) (Exact transport over a full batch of 120 rows is
    /// minutes in a debug build: the benchmark covers it.)
    @Test(arguments: [
        GeminiWassersteinClustering(clusters: 4, ovo: true, metric: .sqeuclidean, learningRate: 0.05, epochs: 30, batchSize: 40),
    ])
    func wassersteinFindsSeparatedGroups(_ config: GeminiWassersteinClustering) throws {
        var rng = RandomStream(seed: 9)
        let truth = (0..<120).map { $0 % 4 }
        let centres = [[0.0, 0, 0], [6, 0, 0], [0, 6, 0], [0, 0, 6]]
        let raw = Matrix<Double>(rows: 120, columns: 3) { i, j in centres[truth[i]][j] + rng.nextNormal() }
        let x = try StandardScaler().fit(raw).transform(raw)
        let model = try config.fit(x)
        let ari = try ClusteringComparison(labelsTrue: truth, labelsPredicted: model.labels).adjustedRandIndex
        #expect(ari > 0.95, "\(config.metric) \(config.transport) \(config.model) ovo \(config.ovo): ARI \(ari)")
        #expect(model.clustersFound == 4 && model.scores.count == config.epochs)
        #expect(model.geminiScore > model.scores[0])
        #expect(try config.fit(x) == model)
    }

    /// The distances the Wasserstein GEMINI transports over equal their definitions.
    @Test func wassersteinDistancesMatchTheirDefinitions() throws {
        let x = try Self.data().rows(at: Array(0..<7))
        for metric in GeminiWassersteinClustering.Metric.allCases where metric != .precomputed {
            let d = try GeminiWassersteinClustering(clusters: 2, metric: metric).distanceMatrix(x)
            for i in 0..<7 {
                for j in 0..<7 {
                    let diffs = (0..<x.columns).map { x[i, $0] - x[j, $0] }
                    let expected: Double
                    switch metric {
                    case .euclidean: expected = diffs.map { $0 * $0 }.reduce(0, +).squareRoot()
                    case .sqeuclidean: expected = diffs.map { $0 * $0 }.reduce(0, +)
                    case .manhattan: expected = diffs.map(abs).reduce(0, +)
                    case .precomputed: expected = .nan
                    }
                    #expect(abs(d[i, j] - expected) <= 1e-12 * max(1, expected))
                }
            }
        }
    }

    @Test func wassersteinBadSettingsAreTypedErrors() throws {
        let x = try Self.data()
        #expect(throws: FitError.self) { try GeminiWassersteinClustering(clusters: 1).fit(x) }
        #expect(throws: FitError.self) { try GeminiWassersteinClustering(clusters: 3, regularization: 0).fit(x) }
        let tooBig = #expect(throws: FitError.self) { try GeminiWassersteinClustering(clusters: 3, distanceLimit: 10).fit(x) }
        #expect("\(tooBig!)".contains("batch_size"))
        var bad = x
        bad[0, 0] = .infinity
        #expect(throws: FitError.self) { try GeminiWassersteinClustering(clusters: 3, epochs: 2).fit(bad) }
    }
}

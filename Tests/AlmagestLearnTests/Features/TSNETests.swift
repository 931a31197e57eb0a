import AlmagestCore
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

@Suite struct TSNETests {
    /// Leave-one-out k-NN vote of the labels in the embedding (ties: the smallest label).
    static func neighbourAccuracy(_ y: Matrix<Double>, labels: [Int], k: Int) throws -> Double {
        let d2 = try Distances.squaredEuclidean(y, y).elements
        let n = y.rows
        var correct = 0
        for i in 0..<n {
            // The k nearest by insertion into a short sorted list (ties: smaller index first).
            var nearest = [(Double, Int)]()
            for j in 0..<n where j != i {
                let entry = (d2[i * n + j], j)
                if nearest.count == k && entry.0 >= nearest[k - 1].0 { continue }
                var at = nearest.count
                while at > 0 && nearest[at - 1].0 > entry.0 { at -= 1 }
                nearest.insert(entry, at: at)
                if nearest.count > k { nearest.removeLast() }
            }
            var votes = [Int](repeating: 0, count: (labels.max() ?? 0) + 1)
            for (_, j) in nearest { votes[labels[j]] += 1 }
            if votes.firstIndex(of: votes.max()!) == labels[i] { correct += 1 }
        }
        return Double(correct) / Double(y.rows)
    }

    @Test func digitsEmbeddingKeepsLabelNeighbourhoods() throws {
        let digits = try FeatureTestDigits.digits()
        let n = 500
        let x = digits.pixels.rows(at: 0..<n), labels = Array(digits.labels[0..<n])
        let model = try TSNE(perplexity: 30, iterations: 500, seed: 0).fit(x)
        #expect(model.embedding.shape == [n, 2] && model.embedding.isFinite)
        #expect(model.neighbours == 91)
        let accuracy = try Self.neighbourAccuracy(model.embedding, labels: labels, k: 10)
        #expect(accuracy > 0.9, "10-NN label accuracy in the t-SNE embedding: \(accuracy)")
        // A linear 2-D map keeps far less: PCA to 2 is the baseline t-SNE must beat.
        let pca = try PCA(components: 2).fit(x).transform(x)
        let baseline = try Self.neighbourAccuracy(pca, labels: labels, k: 10)
        #expect(accuracy > baseline + 0.15, "t-SNE \(accuracy) vs PCA \(baseline)")
        #expect(model.klDivergence > 0 && model.klDivergence < 1.5, "KL = \(model.klDivergence)")
    }

    @Test(arguments: [TSNE.Initialisation.random, .pca])
    func sameSeedSameEmbeddingWhateverTheThreads(initialisation: TSNE.Initialisation) throws {
        let x = try FeatureTestDigits.digits().pixels.rows(at: 0..<200)
        let tsne = try TSNE(perplexity: 10, earlyExaggerationIterations: 50, iterations: 100, initialisation: initialisation, seed: 7)
        let one = try Parallel.withThreads(1) { try tsne.fit(x) }
        let two = try Parallel.withThreads(2) { try tsne.fit(x) }
        #expect(one == two)
        if initialisation == .random {
            let other = try TSNE(perplexity: 10, earlyExaggerationIterations: 50, iterations: 100, initialisation: .random, seed: 8).fit(x)
            #expect(other.embedding != one.embedding)
        }
    }

    @Test func threeDimensions() throws {
        let digits = try FeatureTestDigits.digits()
        let x = digits.pixels.rows(at: 0..<150), labels = Array(digits.labels[0..<150])
        // (theta = 0, the exact sum, is checked on the tree itself in TSNEInternalsTests.)
        for (dimensions, theta) in [(3, 0.5)] {
            let model = try TSNE(
                dimensions: dimensions, perplexity: 15, earlyExaggerationIterations: 150, iterations: 300, theta: theta, seed: 1
            ).fit(x)
            #expect(model.embedding.shape == [150, dimensions] && model.embedding.isFinite)
            let accuracy = try Self.neighbourAccuracy(model.embedding, labels: labels, k: 10)
            #expect(accuracy > 0.85, "\(dimensions)-D, theta \(theta): 10-NN accuracy \(accuracy)")
        }
    }

    @Test func refusesTooFewSamplesAndBadParameters() throws {
        var rng = RandomStream(seed: 2)
        let x: Matrix<Double> = rng.normalMatrix(rows: 20, columns: 3)
        let error = #expect(throws: FitError.self) { try TSNE(perplexity: 30).fit(x) }
        guard case let .tooFewSamples(method, needed, got, _)? = error else {
            Issue.record("expected tooFewSamples, got \(String(describing: error))")
            return
        }
        #expect(method == "t-SNE" && needed == 31 && got == 20)
        #expect(throws: FitError.self) { try TSNE(dimensions: 4) }
        #expect(throws: FitError.self) { try TSNE(perplexity: 0) }
        #expect(throws: FitError.self) { try TSNE(perplexity: .nan) }
        #expect(throws: FitError.self) { try TSNE(earlyExaggerationIterations: 300, iterations: 200) }
        #expect(throws: FitError.self) { try TSNE(learningRate: .fixed(-1)) }
        #expect(throws: FitError.self) { try TSNE(theta: -0.1) }
        let config = try TSNE(dimensions: 3, perplexity: 12.5, learningRate: .fixed(200), initialisation: .random, seed: 3)
        #expect(try JSONDecoder().decode(TSNE.self, from: JSONEncoder().encode(config)) == config)
    }

    @Test func conformance() throws {
        var rng = RandomStream(seed: 9)
        let x: Matrix<Double> = rng.normalMatrix(rows: 40, columns: 5)
        let tsne = try TSNE(perplexity: 5, earlyExaggerationIterations: 20, iterations: 60, initialisation: .random, seed: 4)
        try Conformance.check("TSNE", data: x) { try tsne.fit($0) }
    }
}

import AlmagestCore
import AlmagestData
import AlmagestLearn
import Testing

@Suite struct MiniBatchKMeansTests {
    /// 20,000 rows in 8 separated blobs: mini-batches find the same partition as full k-means, with
    /// an inertia within 1% of it.
    @Test func recoversBlobsLikeFullKMeans() throws {
        var rng = RandomStream(seed: 11)
        let centres: [[Double]] = (0..<8).map { (c: Int) -> [Double] in
            (0..<6).map { (j: Int) -> Double in Double((c * 7 + j * 3) % 11) * 4 }
        }
        let truth = (0..<20_000).map { $0 % 8 }
        let x = Matrix<Double>(rows: truth.count, columns: 6) { i, j in centres[truth[i]][j] + rng.nextNormal() }
        let mini = try MiniBatchKMeans(clusters: 8, batchSize: 512, seed: 3).fit(x)
        let full = try KMeans(clusters: 8, restarts: 3, seed: 3).fit(x)
        let agreement = try ClusteringComparison(labelsTrue: truth, labelsPredicted: mini.labels)
        #expect(agreement.adjustedRandIndex > 0.99)
        #expect(mini.inertia <= full.inertia * 1.01, "mini-batch \(mini.inertia) vs full \(full.inertia)")
        let predicted = try mini.predict(x)
        #expect(mini.labels == predicted)
        #expect(abs(try mini.inertia(of: x) - mini.inertia) < 1e-6 * mini.inertia)
    }

    @Test func sameBitsAtOneAndTwoThreads() throws {
        let digits = try EmbeddedDatasets.digits().features
        let saved = Parallel.threads
        defer { Parallel.threads = saved }
        Parallel.threads = 1
        let one = try MiniBatchKMeans(clusters: 10, batchSize: 100, seed: 5).fit(digits)
        Parallel.threads = 2
        let two = try MiniBatchKMeans(clusters: 10, batchSize: 100, seed: 5).fit(digits)
        #expect(one == two)
        #expect(try MiniBatchKMeans(clusters: 10, batchSize: 100, seed: 6).fit(digits) != one)
    }

    @Test func refusesBadSettingsAndData() throws {
        let x = Matrix<Double>(rows: 5, columns: 2) { i, j in Double(i + j) }
        #expect(throws: FitError.self) { try MiniBatchKMeans(clusters: 6).fit(x) }
        #expect(throws: FitError.self) { try MiniBatchKMeans(clusters: 2, batchSize: 0).fit(x) }
        #expect(throws: FitError.self) { try MiniBatchKMeans(clusters: 2, maxNoImprovement: -1).fit(x) }
        var bad = x
        bad[1, 1] = .nan
        #expect(throws: FitError.self) { try MiniBatchKMeans(clusters: 2).fit(bad) }
    }
}

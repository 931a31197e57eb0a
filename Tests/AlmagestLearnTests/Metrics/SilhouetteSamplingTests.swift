import AlmagestCore
import AlmagestData
import AlmagestLearn
import Testing

@Suite struct SilhouetteSamplingTests {
    /// On digits, the silhouette of a 1,000-row stratified sample is within 0.01 of the exact one.
    @Test func sampleIsCloseToExactOnDigits() throws {
        let digits = try EmbeddedDatasets.digits()
        let x = try StandardScaler().fit(digits.features).transform(digits.features)
        let labels = try KMeans(clusters: 10, restarts: 2, seed: 0).fit(x).labels
        let exact = try SilhouetteAnalysis(x, labels: labels).score
        for seed in 0..<3 {
            let rows = try #require(SilhouetteMode.sample(1000).rows(labels: labels, seed: seed))
            #expect(rows.count == 1000 && Set(rows).count == 1000 && rows == rows.sorted())
            let sampled = try SilhouetteAnalysis(x.rows(at: rows), labels: rows.map { labels[$0] }).score
            #expect(abs(sampled - exact) < 0.01, "seed \(seed): \(sampled) vs exact \(exact)")
            // Stratified: each cluster keeps its share, to one row.
            for k in Set(labels) {
                let share = Double(labels.filter { $0 == k }.count) * 1000 / Double(labels.count)
                #expect(abs(Double(rows.filter { labels[$0] == k }.count) - share) <= 1)
            }
        }
        #expect(SilhouetteMode.sample(1000).rows(labels: labels, seed: 4) == SilhouetteMode.sample(1000).rows(labels: labels, seed: 4))
        #expect(SilhouetteMode.sample(1000).rows(labels: labels, seed: 4) != SilhouetteMode.sample(1000).rows(labels: labels, seed: 5))
    }

    @Test func smallDataAndModes() throws {
        let labels = [0, 0, 1, 1, 1, 2]
        #expect(SilhouetteMode.sample(10).rows(labels: labels, seed: 0) == nil)      // fewer rows than the sample
        #expect(SilhouetteMode.exact.rows(labels: labels, seed: 0) == nil)
        // Every cluster keeps at least one row, even a tiny one.
        let many = [Int](repeating: 0, count: 500) + [1]
        #expect(try #require(SilhouetteMode.sample(20).rows(labels: many, seed: 1)).contains(500))
        #expect(try SilhouetteMode(parsing: "sample=500") == .sample(500))
        #expect(try SilhouetteMode(parsing: " EXACT ") == .exact && SilhouetteMode(parsing: "off") == .off)
        for bad in ["sample=1", "sample=x", "some"] {
            #expect(throws: FitError.self) { try SilhouetteMode(parsing: bad) }
        }
    }
}

import AlmagestCore
import AlmagestData
import AlmagestTracking
import Foundation
import Testing

/// The per-cluster silhouette and spectra artifacts, checked against direct computations.
@Suite struct ClusteringArtifactTests {
    /// Sizes and means are those of every value; profiles are the sorted values at evenly spaced
    /// ranks with one stride for every cluster; the file reads back equal, with its CSV and plot.
    @Test func silhouetteProfilesKeepSizesMeansAndShapes() throws {
        var rng = RandomStream(seed: 3)
        let labels = (0..<5_000).map { i in i % 7 == 0 ? 9 : (i % 3 == 0 ? 0 : 4) }
        let values = labels.map { l in Double(l) / 10 - 0.2 + Double.random(in: -0.3...0.3, using: &rng) }
        let artifact = try SilhouetteArtifact(values: values, labels: labels, maxPoints: 1_000)
        #expect(artifact.clusters.map(\.label) == [0, 4, 9])
        #expect(abs(artifact.score - values.reduce(0, +) / 5_000) < 1e-12 && artifact.sampleSize == 5_000)
        let stride = 5  // ceil(5000 / 1000)
        for c in artifact.clusters {
            let mine = zip(values, labels).filter { $0.1 == c.label }.map(\.0)
            let sorted = mine.sorted(by: >)
            #expect(c.size == mine.count)
            #expect(abs(c.mean - mine.reduce(0, +) / Double(mine.count)) < 1e-12)
            #expect(c.profile.count == (mine.count + stride - 1) / stride)
            #expect(c.profile.first == sorted.first && c.profile.last == sorted.last)
            #expect(zip(c.profile, c.profile.dropFirst()).allSatisfy { $0 >= $1 })
            #expect(c.profile.allSatisfy { sorted.contains($0) })
        }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-silhouette-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let run = try RunStore(root: root).start(experiment: "e", algorithm: "a", parameters: [:])
        try run.write(artifact)
        #expect(try SilhouetteArtifact.read(from: run.directory) == artifact)
        let csv = try String(contentsOf: run.directory.appendingPathComponent("silhouette.csv"), encoding: .utf8)
        #expect(csv.split(separator: "\n").count == 4 && csv.hasPrefix("cluster,size,mean_silhouette\n0,"))
        let svg = try String(contentsOf: run.directory.appendingPathComponent("silhouette.svg"), encoding: .utf8)
        #expect(svg.components(separatedBy: "class=\"cluster\"").count - 1 == 3)
        #expect(throws: FitError.self) { try SilhouetteArtifact(values: [0.1, .nan], labels: [0, 1]) }
        #expect(throws: FitError.self) { try SilhouetteArtifact(values: [0.1], labels: [0, 1]) }
        #expect(throws: FitError.self) { try SilhouetteArtifact(values: [], labels: []) }
    }

    /// Means, population standard deviations and the members nearest each mean, as computed row
    /// by row; charts carry one series per cluster and a band for the selected one.
    @Test func clusterSpectraMatchDirectComputation() throws {
        var rng = RandomStream(seed: 11)
        let n = 300, p = 257
        let labels = (0..<n).map { _ in Int.random(in: 0..<4, using: &rng) * 3 }
        let flux = Matrix<Double>(rows: n, columns: p) { i, j in
            Double(labels[i]) + sin(Double(j) / 20) + Double.random(in: -1...1, using: &rng)
        }
        let wavelengths = (0..<p).map { 4000 + 2 * Double($0) }
        let artifact = try ClusterSpectraArtifact(flux: flux, wavelengths: wavelengths, labels: labels, membersPerCluster: 2)
        #expect(artifact.clusters.map(\.label) == Array(Set(labels)).sorted())
        for c in artifact.clusters {
            let rows = labels.indices.filter { labels[$0] == c.label }
            #expect(c.size == rows.count)
            for j in [0, 100, p - 1] {
                let column = rows.map { flux[$0, j] }
                let mean = column.reduce(0, +) / Double(rows.count)
                let std = (column.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(rows.count)).squareRoot()
                #expect(abs(c.mean[j] - mean) < 1e-12 && abs(c.std[j] - std) < 1e-12)
            }
            let distance = { (i: Int) in (0..<p).map { j in (flux[i, j] - c.mean[j]) * (flux[i, j] - c.mean[j]) }.reduce(0, +) }
            let nearest = rows.sorted { distance($0) < distance($1) }.prefix(2)
            #expect(c.members.map(\.row) == Array(nearest))
            #expect(c.members.first.map { $0.flux == Array(flux.row($0.row)) } == true)
        }
        #expect(artifact.meansChart().series.count == artifact.clusters.count)
        let chart = try #require(artifact.clusterChart(label: 3))
        #expect(chart.series.count == 3 && chart.series[0].band != nil)
        #expect(artifact.clusterChart(label: 1) == nil)
        let decoded = try ClusterSpectraArtifact.decoded(from: try artifact.encoded(), source: "cluster_spectra.json")
        #expect(decoded == artifact)
        #expect(throws: FitError.self) { try ClusterSpectraArtifact(flux: flux, wavelengths: [1, 2], labels: labels) }
        #expect(throws: FitError.self) { try ClusterSpectraArtifact(flux: flux, wavelengths: wavelengths, labels: [0]) }
    }
}

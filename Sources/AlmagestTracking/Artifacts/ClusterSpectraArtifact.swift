import AlmagestCore
import AlmagestPlot
import Foundation

/// What the clusters of spectra look like (`cluster_spectra.json`): for each cluster, its mean
/// spectrum over wavelength with the spread (one standard deviation either side) and a few
/// typical members — the rows nearest the cluster's mean spectrum, nearest first. Companion:
/// `cluster_spectra.svg` (every cluster's mean spectrum).
///
/// Written by the clustering experiment when the features are spectra (columns named by
/// increasing wavelengths); the values are the spectra as given to the experiment (before any
/// standardisation), so they read as flux. Cost: O(n p) for n spectra of p wavelengths, two passes,
/// parallel over wavelengths.
///
/// ```swift
/// let artifact = try ClusterSpectraArtifact(flux: spectra.flux, wavelengths: spectra.wavelengths, labels: model.labels)
/// try run.write(artifact)
/// let chart = artifact.clusterChart(label: 3)     // mean ± std and the typical members of cluster 3
/// ```
public struct ClusterSpectraArtifact: RunArtifact, Codable, Equatable {
    public static let fileName = "cluster_spectra.json"

    /// One cluster's spectra.
    public struct Cluster: Codable, Sendable, Equatable {
        public var label: Int
        public var size: Int
        /// Mean flux per wavelength.
        public var mean: [Double]
        /// Standard deviation (population) of the flux per wavelength.
        public var std: [Double]
        /// Typical members, nearest the mean first.
        public var members: [Member]
    }

    /// One member spectrum: its row in the data and its flux.
    public struct Member: Codable, Sendable, Equatable {
        public var row: Int
        public var flux: [Double]
    }

    /// The wavelengths of the columns.
    public let wavelengths: [Double]
    /// Clusters in increasing label order.
    public let clusters: [Cluster]

    /// Summarises `flux` (one spectrum per row) by `labels`. Throws `FitError` when the shapes
    /// disagree, there are no rows, or a flux value is not finite.
    public init(flux: Matrix<Double>, wavelengths: [Double], labels: [Int], membersPerCluster: Int = 3) throws {
        guard flux.rows > 0, flux.columns > 0 else {
            throw FitError.emptyInput(what: "spectra of the clusters", rows: flux.rows, columns: flux.columns)
        }
        guard wavelengths.count == flux.columns else {
            throw FitError.featureCountMismatch(expected: wavelengths.count, got: flux.columns)
        }
        guard labels.count == flux.rows else {
            throw FitError.invalidLabels(reason: "\(labels.count) cluster labels for \(flux.rows) spectra; expected one per spectrum")
        }
        try flux.validateForFit("spectra of the clusters")
        self.wavelengths = wavelengths
        let ids = Array(Set(labels)).sorted()
        let index = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, $0) })
        let n = flux.rows, p = flux.columns, k = ids.count
        var sizes = [Int](repeating: 0, count: k)
        for l in labels { sizes[index[l]!] += 1 }
        let clusterOf = labels.map { index[$0]! }, counts = sizes
        // Means and variances per cluster: two passes over the rows, wavelengths split across cores.
        var sums = [Double](repeating: 0, count: k * p), squares = [Double](repeating: 0, count: k * p)
        sums.withUnsafeMutableBufferPointer { sumBuffer in
            squares.withUnsafeMutableBufferPointer { squareBuffer in
                flux.withUnsafeBufferPointer { f in
                    let s = SharedPointer(sumBuffer.baseAddress!), q = SharedPointer(squareBuffer.baseAddress!)
                    let f = SharedReadPointer(f.baseAddress!)
                    Parallel.forEachChunk(count: p, chunkSize: 128) { range, _ in
                        for i in 0..<n {
                            let row = i * p, c = clusterOf[i] * p
                            for j in range { s[c + j] += f[row + j] }
                        }
                        for c in 0..<k { for j in range { s[c * p + j] /= Double(counts[c]) } }
                        for i in 0..<n {
                            let row = i * p, c = clusterOf[i] * p
                            for j in range {
                                let d = f[row + j] - s[c + j]
                                q[c + j] += d * d
                            }
                        }
                    }
                }
            }
        }
        let means = sums
        // Distance of each row to its cluster's mean, for the typical members.
        let distances = Parallel.map(n) { i -> Double in
            let c = clusterOf[i] * p
            var d = 0.0
            for j in 0..<p {
                let e = flux[i, j] - means[c + j]
                d += e * e
            }
            return d
        }
        let byCluster = Dictionary(grouping: 0..<n, by: { clusterOf[$0] })
        clusters = ids.indices.map { c in
            let nearest = byCluster[c, default: []].sorted { (distances[$0], $0) < (distances[$1], $1) }.prefix(max(0, membersPerCluster))
            return Cluster(
                label: ids[c], size: sizes[c], mean: Array(means[c * p..<(c + 1) * p]),
                std: (0..<p).map { (squares[c * p + $0] / Double(sizes[c])).squareRoot() },
                members: nearest.map { Member(row: $0, flux: Array(flux.row($0))) })
        }
    }

    /// Every cluster's mean spectrum, one line each.
    public func meansChart() -> LineChart {
        LineChart(
            series: clusters.map { LineSeries("cluster \($0.label) (\($0.size))", x: wavelengths, y: $0.mean) },
            titles: ChartTitles("Mean spectrum of each cluster", x: "wavelength (Å)", y: "flux"),
            style: ChartStyle(width: 760, height: 380))
    }

    /// One cluster: its mean spectrum with a band of one standard deviation either side, and its
    /// typical members (dashed); nil when there is no such cluster.
    public func clusterChart(label: Int) -> LineChart? {
        guard let c = clusters.first(where: { $0.label == label }) else { return nil }
        let band = (lower: zip(c.mean, c.std).map { $0 - $1 }, upper: zip(c.mean, c.std).map { $0 + $1 })
        let members = c.members.map { LineSeries("row \($0.row)", x: wavelengths, y: $0.flux, isDashed: true) }
        return LineChart(
            series: [LineSeries("mean ± std", x: wavelengths, y: c.mean, band: band)] + members,
            titles: ChartTitles("Cluster \(label): \(c.size) spectra", x: "wavelength (Å)", y: "flux"),
            style: ChartStyle(width: 760, height: 340))
    }

    public func companions() throws -> [(name: String, contents: Data)] {
        [("cluster_spectra.svg", Data(try meansChart().svg().utf8))]
    }
}

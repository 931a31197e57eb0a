import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestTracking
import Foundation

/// The image-clustering experiment: for each descriptor, extract features, standardise them,
/// run k-means, score the clustering with every metric, and log a run with its artifacts.
///
/// Each run directory holds `parameters.json`, `metrics.json`, `labels.csv` (row, true label,
/// cluster), `projection.csv` (3-D PCA coordinates of the features with true label and cluster, for
/// the dashboard's scatter), `silhouette.csv` (per-cluster size and mean silhouette) and
/// `model.json` (the fitted k-means model), and, when the rows are images, `examples.json` (a few
/// images per cluster, `ClusterExamples`, for the dashboard). Cost: dominated by k-means, O(k n d T) per restart.
///
/// ```swift
/// let config = ClusteringExperiment(clusters: 10, descriptors: [.hog, .histogram], seed: 0)
/// let results = try config.run(on: try EmbeddedDatasets.digits(), settings: .digits(), store: store)
/// print(ClusteringExperiment.table(results))
/// ```
public struct ClusteringExperiment: Codable, Sendable, Equatable {
    /// Experiment name (the folder under the run store).
    public var experiment: String
    public var clusters: Int
    public var descriptors: [FeatureDescriptor]
    public var restarts: Int
    public var seed: Int
    /// Standardise the features (zero mean, unit variance per column) before k-means.
    public var standardize: Bool

    public init(
        experiment: String = "digits", clusters: Int, descriptors: [FeatureDescriptor], restarts: Int = 10,
        seed: Int = 0, standardize: Bool = true
    ) {
        self.experiment = experiment
        self.clusters = clusters
        self.descriptors = descriptors
        self.restarts = restarts
        self.seed = seed
        self.standardize = standardize
    }

    /// Runs every descriptor on `dataset`; logs each run in `store` when one is given.
    public func run(on dataset: Dataset, settings: FeatureSettings, store: RunStore?) throws -> [ClusteringResult] {
        try require(!descriptors.isEmpty, "descriptors", "[]", expected: "at least one of hog, histogram, none")
        try dataset.features.validateForFit("clustering input")
        return try descriptors.map { try runOne($0, dataset: dataset, settings: settings, store: store) }
    }

    /// The metric table printed by the CLI: one row per descriptor.
    public static func table(_ results: [ClusteringResult]) -> String {
        let columns: [(String, String)] = [
            ("AMI", "adjusted_mutual_information"), ("ARI", "adjusted_rand_index"), ("V-measure", "v_measure"),
            ("homog.", "homogeneity"), ("compl.", "completeness"), ("pair Jaccard", "pair_jaccard_index"),
            ("silhouette", "silhouette"), ("inertia", "inertia"),
        ]
        var lines = ["descriptor".padding(toLength: 12, withPad: " ", startingAt: 0)
            + columns.map { $0.0.leftPadded(to: 13) }.joined()]
        for result in results {
            let cells = columns.map { column -> String in
                guard let v = result.metrics[column.1] else { return "—".leftPadded(to: 13) }
                return (column.1 == "inertia" ? String(format: "%.2f", v) : String(format: "%.4f", v)).leftPadded(to: 13)
            }
            lines.append(result.descriptor.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0) + cells.joined())
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - Private

    private func runOne(
        _ descriptor: FeatureDescriptor, dataset: Dataset, settings: FeatureSettings, store: RunStore?
    ) throws -> ClusteringResult {
        var parameters: [String: ParameterValue] = [
            "descriptor": .string(descriptor.rawValue), "clusters": .int(clusters), "restarts": .int(restarts),
            "seed": .int(seed), "standardize": .bool(standardize), "initialization": "kMeansPlusPlus",
            "max_iterations": 300, "tolerance": 1e-4, "samples": .int(dataset.count), "source": .string(dataset.provenance.source),
        ]
        for (k, v) in settings.parameters(for: descriptor) { parameters[k] = .string(v) }
        let run = try store?.start(experiment: experiment, algorithm: "kmeans-\(descriptor.rawValue)", parameters: parameters)
        do {
            let result = try compute(descriptor, dataset: dataset, settings: settings, run: run)
            let record = try run?.finish(metrics: result.metrics, timings: result.timings)
            return ClusteringResult(
                descriptor: descriptor, metrics: result.metrics, timings: result.timings, labels: result.labels,
                projection: result.projection, runID: record?.id, directory: run?.directory)
        } catch {
            _ = try? run?.fail(error)
            throw error
        }
    }

    private func compute(
        _ descriptor: FeatureDescriptor, dataset: Dataset, settings: FeatureSettings, run: ActiveRun?
    ) throws -> ClusteringResult {
        var timings = [String: Double]()
        var clock = Stopwatch()
        var features = try settings.features(descriptor, of: dataset.features)
        timings["features"] = clock.lap()
        if standardize { features = try StandardScaler().fit(features).transform(features) }
        timings["standardize"] = clock.lap()
        let model = try KMeans(clusters: clusters, restarts: restarts, seed: seed).fit(features)
        timings["fit"] = clock.lap()

        var metrics: [String: Double] = [
            "inertia": model.inertia, "iterations": Double(model.iterations),
            "clusters_found": Double(Set(model.labels).count), "clusters_asked": Double(clusters),
            "feature_count": Double(features.columns),
        ]
        if let truth = dataset.labels {
            let comparison = try ClusteringComparison(labelsTrue: truth, labelsPredicted: model.labels)
            metrics.merge(comparison.dictionary) { $1 }
        }
        var silhouette: SilhouetteAnalysis?
        if Set(model.labels).count >= 2 && Set(model.labels).count < features.rows {
            let analysis = try SilhouetteAnalysis(features, labels: model.labels)
            metrics["silhouette"] = analysis.score
            metrics["calinski_harabasz"] = try calinskiHarabasz(of: features, labels: model.labels)
            metrics["davies_bouldin"] = try daviesBouldin(of: features, labels: model.labels)
            silhouette = analysis
        }
        timings["metrics"] = clock.lap()
        let projection = try PCA(components: min(3, features.columns, features.rows)).fit(features).transform(features)
        timings["projection"] = clock.lap()
        timings["total"] = clock.total

        if let run {
            try run.writeJSON("metrics.json", metrics)
            try run.writeArtifact("labels.csv", contents: labelsCSV(truth: dataset.labels, predicted: model.labels))
            try run.writeArtifact(
                "projection.csv", contents: projectionCSV(projection, truth: dataset.labels, predicted: model.labels))
            if let silhouette { try run.writeArtifact("silhouette.csv", contents: silhouetteCSV(silhouette)) }
            try run.writeJSON("model.json", model)
            if descriptor != .none && settings.imageHeight * settings.imageWidth == dataset.featureCount {
                try run.writeJSON("examples.json", ClusterExamples(
                    images: dataset.features, height: settings.imageHeight, width: settings.imageWidth,
                    clusters: model.labels, truth: dataset.labels))
            }
        }
        return ClusteringResult(
            descriptor: descriptor, metrics: metrics, timings: timings, labels: model.labels, projection: projection,
            runID: nil, directory: nil)
    }

    private func labelsCSV(truth: [Int]?, predicted: [Int]) -> Data {
        var text = truth == nil ? "row,cluster\n" : "row,true_label,cluster\n"
        for (i, p) in predicted.enumerated() {
            text += truth.map { "\(i),\($0[i]),\(p)\n" } ?? "\(i),\(p)\n"
        }
        return Data(text.utf8)
    }

    private func projectionCSV(_ z: Matrix<Double>, truth: [Int]?, predicted: [Int]) -> Data {
        let axes = ["x", "y", "z"].prefix(z.columns)
        var text = axes.joined(separator: ",") + (truth == nil ? ",cluster\n" : ",true_label,cluster\n")
        for i in 0..<z.rows {
            text += z.row(i).map { "\($0)" }.joined(separator: ",")
            text += truth.map { ",\($0[i]),\(predicted[i])\n" } ?? ",\(predicted[i])\n"
        }
        return Data(text.utf8)
    }

    private func silhouetteCSV(_ s: SilhouetteAnalysis) -> Data {
        var text = "cluster,size,mean_silhouette\n"
        for (k, label) in s.clusterLabels.enumerated() { text += "\(label),\(s.clusterSizes[k]),\(s.clusterMeans[k])\n" }
        return Data(text.utf8)
    }
}

/// What one descriptor's run produced.
public struct ClusteringResult: Sendable {
    public let descriptor: FeatureDescriptor
    public let metrics: [String: Double]
    /// Seconds per phase: features, standardize, fit, metrics, projection, total.
    public let timings: [String: Double]
    public let labels: [Int]
    /// 3-D PCA coordinates of the (standardised) features.
    public let projection: Matrix<Double>
    /// The logged run, when a store was given.
    public let runID: String?
    public let directory: URL?
}

/// Wall-clock laps.
struct Stopwatch {
    private let start = DispatchTime.now().uptimeNanoseconds
    private var last = DispatchTime.now().uptimeNanoseconds
    mutating func lap() -> Double {
        let now = DispatchTime.now().uptimeNanoseconds
        defer { last = now }
        return Double(now - last) / 1e9
    }
    var total: Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? " " + self : String(repeating: " ", count: width - count) + self
    }
}

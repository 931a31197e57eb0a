import AlmagestCore
import AlmagestData
import AlmagestLearn
import AlmagestTracking
import Foundation

/// The clustering experiment (images, spectra, any table): for each descriptor, extract features,
/// standardise them, optionally pass them through a registered transformer (`transform`: PCA,
/// whitened or not), fit any registered clusterer (k-means by default), score the clustering with
/// every metric, and log a run with its artifacts.
///
/// The clusterer is named by an `EstimatorSpec` and taken from `EstimatorRegistry.shared`, so a
/// new algorithm needs no change here; the experiment's `clusters` and `seed` are set on it when it
/// has such options. Each run directory holds `parameters.json` (the clusterer's options,
/// flattened, and the experiment's settings), `metrics.json`, `labels.csv` (row, true label,
/// cluster), `projection.csv` (`ProjectionArtifact`: 3-D PCA coordinates with true label and
/// cluster), `silhouette.json` (`SilhouetteArtifact`: per-cluster size, mean and silhouette
/// profile, with `silhouette.csv` and the plot beside it), `training_curve.csv` when the clusterer
/// records one (GEMINI's score per epoch, FisherEM's log-likelihood per iteration), `model.json`
/// (the fitted clusterer, with its registered name), `transform.json` when a `transform` is set
/// (the fitted transformer, with its registered name: what new rows go through, after the
/// standardisation, before `model.json`'s `predict`) and, when the rows are images,
/// `examples.json` (a few images per cluster, `ClusterExamples`), or, when they are spectra
/// (columns named by increasing wavelengths), `cluster_spectra.json` (`ClusterSpectraArtifact`:
/// mean spectrum, spread and typical members per cluster). Cost: the clusterer's fit (k-means: O(k n d T) per
/// restart) plus O(n²) for the silhouette.
///
/// ```swift
/// let config = ClusteringExperiment(clusterer: EstimatorSpec("kmeans", options: ["restarts": 10]),
///                                   clusters: 10, descriptors: [.hog, .histogram], seed: 0)
/// let results = try config.run(on: try EmbeddedDatasets.digits(), settings: .digits(), store: store)
/// print(ClusteringExperiment.table(results))
/// ```
public struct ClusteringExperiment: Codable, Sendable, Equatable {
    /// Experiment name (the folder under the run store).
    public var experiment: String
    /// The registered clusterer and its options.
    public var clusterer: EstimatorSpec
    /// Clusters asked (set as the clusterer's `clusters` option).
    public var clusters: Int
    public var descriptors: [FeatureDescriptor]
    /// Seed (set as the clusterer's `seed` option).
    public var seed: Int
    /// Standardise the features (zero mean, unit variance per column) before clustering.
    public var standardize: Bool
    /// With `standardize`: centre each column but divide all of them by one common scale, the root
    /// mean column variance (`StandardScalerModel.transformToCommonScale`), so that the columns keep
    /// their relative weights (mean variance 1).
    /// Spectra need it: standardising each wavelength gives pixels of pure noise the weight of the
    /// emission lines (on the semi-synthetic spectra no GEMINI start then comes near the true
    /// classes; with one scale some do — see the README's spectra section).
    public var commonScale: Bool
    /// The silhouette on every row, on a seeded sample stratified by cluster (the default: 10,000
    /// rows, so that runs stay linear in the rows), or not at all. Calinski-Harabasz and
    /// Davies-Bouldin are always exact (they are linear).
    public var silhouette: SilhouetteMode
    /// A registered transformer fitted on the (standardised) features and applied before the
    /// clusterer, e.g. `EstimatorSpec("pca", options: ["components": 12, "whiten": true])`; nil:
    /// none. Its name and options are logged as `transform` and `transform_<option>`. The metrics
    /// and the projection are then taken on its output, the space the clusterer saw.
    /// Spectra need PCA whitening for GEMINI: on the semi-synthetic spectra the first component
    /// (the overall flux) holds 80% of the variance, so a Euclidean criterion hardly sees the lines
    /// that tell two templates apart; with 12 whitened components GEMINI's best start is the true
    /// classes (see the README's spectra section).
    public var transform: EstimatorSpec?

    public init(
        experiment: String = "digits", clusterer: EstimatorSpec = EstimatorSpec("kmeans"), clusters: Int,
        descriptors: [FeatureDescriptor], seed: Int = 0, standardize: Bool = true, silhouette: SilhouetteMode = .standard,
        commonScale: Bool = false, transform: EstimatorSpec? = nil
    ) {
        self.transform = transform
        self.silhouette = silhouette
        self.experiment = experiment
        self.clusterer = clusterer
        self.clusters = clusters
        self.descriptors = descriptors
        self.seed = seed
        self.standardize = standardize
        self.commonScale = commonScale
    }

    /// Runs every descriptor on `dataset`; logs each run in `store` when one is given, and tells
    /// each phase to `progress`. Throws `RegistryError` for an unknown clusterer and `FitError` for
    /// a bad option or bad data.
    public func run(
        on dataset: Dataset, settings: FeatureSettings, store: RunStore?, progress: ProgressLog = .silent
    ) throws -> [ClusteringResult] {
        try require(!descriptors.isEmpty, "descriptors", "[]", expected: "at least one of hog, histogram, none")
        try require(clusters >= 1, "clusters", clusters, expected: "at least 1")
        let estimator = try clusterer.overriding(["clusters": .int(clusters), "seed": .int(seed)]).clusterer()
        let transformer = try transform.map { try $0.overriding(["seed": .int(seed)]).transformer() }
        try dataset.features.validateForFit("clustering input")
        return try descriptors.map {
            try runOne(
                $0, estimator: estimator, transformer: transformer, dataset: dataset, settings: settings, store: store, progress: progress)
        }
    }

    /// The metric table printed by the CLI: one row per descriptor.
    public static func table(_ results: [ClusteringResult]) -> String {
        let columns: [(String, String)] = [
            ("AMI", "adjusted_mutual_information"), ("ARI", "adjusted_rand_index"), ("V-measure", "v_measure"),
            ("homog.", "homogeneity"), ("compl.", "completeness"), ("pair Jaccard", "pair_jaccard_index"),
            ("silhouette", "silhouette"), ("inertia", "inertia"),
        ]
        var table = TextTable(header: ["run"] + columns.map(\.0))
        for result in results {
            table.append(["\(result.algorithm)-\(result.descriptor.rawValue)"] + columns.map { TextTable.number(result.metrics[$0.1]) })
        }
        return table.rendered
    }

    // MARK: - Private

    private func runOne(
        _ descriptor: FeatureDescriptor, estimator: AnyClusterer<Matrix<Double>>, transformer: AnyTransformer<Matrix<Double>>?,
        dataset: Dataset, settings: FeatureSettings, store: RunStore?, progress: ProgressLog
    ) throws -> ClusteringResult {
        var parameters = try estimator.configuration.parameters
        parameters.merge([
            "algorithm": .string(estimator.name), "descriptor": .string(descriptor.rawValue), "standardize": .bool(standardize),
            "common_scale": .bool(standardize && commonScale),
            "silhouette": .string(silhouette.description),
            "samples": .int(dataset.count), "source": .string(dataset.provenance.source),
        ]) { $1 }
        parameters.merge(try settings.parameters(for: descriptor)) { $1 }
        if let transformer {
            parameters["transform"] = .string(transformer.name)
            for (key, value) in try transformer.configuration.parameters { parameters["transform_\(key)"] = value }
        }
        let tracked = try RunStore.track(
            in: store, experiment: experiment, algorithm: "\(estimator.name)-\(descriptor.rawValue)", parameters: parameters
        ) { run in
            try compute(
                descriptor, estimator: estimator, transformer: transformer, dataset: dataset, settings: settings, run: run,
                progress: progress)
        }
        let result = tracked.value
        return ClusteringResult(
            algorithm: estimator.name, descriptor: descriptor, metrics: result.metrics, timings: result.timings,
            labels: result.labels, projection: result.projection, runID: tracked.record?.id, directory: tracked.directory)
    }

    private func compute(
        _ descriptor: FeatureDescriptor, estimator: AnyClusterer<Matrix<Double>>, transformer: AnyTransformer<Matrix<Double>>?,
        dataset: Dataset, settings: FeatureSettings, run: ActiveRun?, progress: ProgressLog
    ) throws -> RunOutcome<ClusteringResult> {
        var timings = [String: Double]()
        var clock = Stopwatch()
        let name = "\(estimator.name)-\(descriptor.rawValue)"
        var features = try progress.phase("\(name): features") { try settings.features(descriptor, of: dataset.features) }
        timings["features"] = clock.lap()
        if standardize {
            let scaler = try StandardScaler().fit(features)
            features = try commonScale ? scaler.transformToCommonScale(features) : scaler.transform(features)
        }
        timings["standardize"] = clock.lap()
        var fittedTransform: AnyFittedTransformer<Matrix<Double>>?
        if let transformer {
            let input = features
            let fitted = try progress.phase("\(name): \(transformer.name) \(features.rows) x \(features.columns)") {
                try transformer.fit(input)
            }
            features = try fitted.transform(input)
            fittedTransform = fitted
            timings["transform"] = clock.lap()
        }
        let model = try progress.phase("\(name): fit \(features.rows) x \(features.columns)") { try estimator.fit(features) }
        timings["fit"] = clock.lap()

        var metrics = model.fitReport
        metrics.merge([
            "clusters_found": Double(Set(model.labels).count), "clusters_asked": Double(clusters),
            "feature_count": Double(features.columns),
        ]) { $1 }
        if let truth = dataset.labels {
            let comparison = try ClusteringComparison(labelsTrue: truth, labelsPredicted: model.labels)
            metrics.merge(comparison.dictionary) { $1 }
        }
        var silhouette: SilhouetteArtifact?
        if Set(model.labels).count >= 2 && Set(model.labels).count < features.rows {
            silhouette = try progress.phase("\(name): silhouette (\(self.silhouette))") {
                try sampledSilhouette(features, labels: model.labels, metrics: &metrics)
            }
            metrics["calinski_harabasz"] = try calinskiHarabasz(of: features, labels: model.labels)
            metrics["davies_bouldin"] = try daviesBouldin(of: features, labels: model.labels)
        }
        timings["metrics"] = clock.lap()
        let projection = try progress.phase("\(name): projection") {
            try PCA(components: min(3, features.columns, features.rows)).fit(features).transform(features)
        }
        timings["projection"] = clock.lap()

        if let run {
            try progress.phase("\(name): writing the run") {
                try run.writeJSON("metrics.json", metrics)
                try run.writeArtifact("labels.csv", contents: labelsCSV(truth: dataset.labels, predicted: model.labels))
                try run.write(ProjectionArtifact(coordinates: projection, truth: dataset.labels, clusters: model.labels))
                if let silhouette { try run.write(silhouette) }
                if let curves = model.trainingCurves { try run.write(TrainingCurveArtifact(curves)) }
                if descriptor == .none, let wavelengths = dataset.spectralWavelengths {
                    try run.write(ClusterSpectraArtifact(flux: dataset.features, wavelengths: wavelengths, labels: model.labels))
                }
                try run.writeJSON("model.json", model)
                if let fittedTransform { try run.writeJSON("transform.json", fittedTransform) }
                if descriptor != .none && settings.imageHeight * settings.imageWidth == dataset.featureCount {
                    try run.writeJSON("examples.json", ClusterExamples(
                        images: dataset.features, height: settings.imageHeight, width: settings.imageWidth,
                        clusters: model.labels, truth: dataset.labels))
                }
            }
            timings["artifacts"] = clock.lap()
        }
        timings["total"] = clock.total
        let result = ClusteringResult(
            algorithm: estimator.name, descriptor: descriptor, metrics: metrics, timings: timings, labels: model.labels,
            projection: projection, runID: nil, directory: nil)
        return RunOutcome(result, metrics: metrics, specs: MetricCatalog.specs(for: metrics.keys), timings: timings)
    }

    /// The silhouette as `self.silhouette` says: nil when off or when the sample holds fewer than
    /// two clusters; a sampled run also logs `silhouette_sample_size`.
    private func sampledSilhouette(
        _ features: Matrix<Double>, labels: [Int], metrics: inout [String: Double]
    ) throws -> SilhouetteArtifact? {
        if silhouette == .off { return nil }
        guard let rows = silhouette.rows(labels: labels, seed: seed) else {
            let analysis = try SilhouetteAnalysis(features, labels: labels)
            metrics["silhouette"] = analysis.score
            return try SilhouetteArtifact(values: analysis.samples, labels: labels)
        }
        let sampled = rows.map { labels[$0] }
        let found = Set(sampled).count
        guard found >= 2 && found < rows.count else { return nil }
        let analysis = try SilhouetteAnalysis(features.rows(at: rows), labels: sampled)
        metrics["silhouette"] = analysis.score
        metrics["silhouette_sample_size"] = Double(rows.count)
        return try SilhouetteArtifact(values: analysis.samples, labels: sampled)
    }

    private func labelsCSV(truth: [Int]?, predicted: [Int]) -> Data {
        var text = truth == nil ? "row,cluster\n" : "row,true_label,cluster\n"
        for (i, p) in predicted.enumerated() {
            text += truth.map { "\(i),\($0[i]),\(p)\n" } ?? "\(i),\(p)\n"
        }
        return Data(text.utf8)
    }

}

/// What one descriptor's run produced.
public struct ClusteringResult: Sendable {
    /// The registered name of the clusterer.
    public let algorithm: String
    public let descriptor: FeatureDescriptor
    public let metrics: [String: Double]
    /// Seconds per phase: features, standardize, fit, metrics, projection, total.
    public let timings: [String: Double]
    public let labels: [Int]
    /// 3-D PCA coordinates of what the clusterer saw (the standardised, transformed features).
    public let projection: Matrix<Double>
    /// The logged run, when a store was given.
    public let runID: String?
    public let directory: URL?
}

extension ClusteringExperiment {
    // Experiment files written before `commonScale` existed scaled each column: they decode with
    // false; those written before `transform` existed had none.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            experiment: try c.decode(String.self, forKey: .experiment), clusterer: try c.decode(EstimatorSpec.self, forKey: .clusterer),
            clusters: try c.decode(Int.self, forKey: .clusters), descriptors: try c.decode([FeatureDescriptor].self, forKey: .descriptors),
            seed: try c.decode(Int.self, forKey: .seed), standardize: try c.decode(Bool.self, forKey: .standardize),
            silhouette: try c.decode(SilhouetteMode.self, forKey: .silhouette),
            commonScale: try c.decodeIfPresent(Bool.self, forKey: .commonScale) ?? false,
            transform: try c.decodeIfPresent(EstimatorSpec.self, forKey: .transform))
    }
}

import AlmagestCore
import AlmagestData
import AlmagestExperiments
import AlmagestLearn
import AlmagestTracking
import ArgumentParser
import Foundation

/// `almagest cluster`: any registered clusterer (k-means by default) on a user's own CSV or NPY
/// file, with the demo's outputs.
struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Cluster the rows of a CSV or NPY file (k-means or any registered clusterer) and log the run.",
        discussion: """
            Each row is one sample. With --features hog or histogram the rows are images in row-major order \
            (give --image-size, or square images are assumed). With --target, that column holds the true \
            labels: it is left out of the features and the external scores (AMI, ARI, ...) are computed. \
            --algorithm names any registered clusterer (almagest models --kind clusterer), --option KEY=VALUE \
            sets any of its options (almagest models kmeans).
            """)

    @OptionGroup var options: RunOptions

    @Option(name: .long, help: "Data file: .csv, .csv.gz, .tsv or .npy.")
    var input: String

    @Option(name: .long, help: "Number of clusters k (at most the number of rows).")
    var clusters: Int

    @Option(name: .long, help: "A registered clusterer: \(EstimatorRegistry.shared.entries(of: .clusterer).map(\.name).joined(separator: ", ")).")
    var algorithm: String = "kmeans"

    @OptionGroup var estimator: EstimatorOptionGroup

    @Option(name: .long, help: "Features to extract before clustering: hog, histogram or none.")
    var features: FeatureDescriptor = .none

    @Option(
        name: .long, parsing: .unconditional,
        help: "Column with the true labels: a name, or an index from 0 (negative counts from the end, e.g. -1).")
    var target: String?

    @Option(name: .long, help: "Image size HEIGHTxWIDTH for hog/histogram (default: square).")
    var imageSize: String?

    @Option(name: .long, help: "Largest pixel value, for histograms (default: the data's maximum).")
    var maxPixelValue: Double?

    @Option(name: .long, help: "Shorthand for --option restarts=N: independent starts, the best one wins (k-means: 10).")
    var restarts: String?

    @Option(name: .long, help: "Silhouette: exact (O(n^2)), sample=N (seeded, stratified by cluster; default sample=10000) or off.")
    var silhouette: String = "sample=10000"

    @Flag(name: .long, help: "Cluster the features as they are, without standardising them.")
    var noStandardize = false

    @Option(name: .long, help: "Experiment name: the folder of the runs in the store.")
    var experiment: String = "cluster"

    func run() throws {
        try reportingErrors {
            options.apply()
            let url = URL(fileURLWithPath: input)
            let selector = target.map(ColumnSelector.init(commandLine:))
            let progress = ProgressLog.standardError
            let dataset = try progress.phase("read \(input)") { try Dataset.load(from: url, target: selector) }
            let settings = try featureSettings(for: dataset)
            let chosen = try estimator.options(for: algorithm, shorthands: [("restarts", "restarts", restarts)])
            _ = try EstimatorSpec(algorithm, options: chosen).clusterer()  // said before reading the data
            let config = ClusteringExperiment(
                experiment: experiment, clusterer: EstimatorSpec(algorithm, options: chosen), clusters: clusters,
                descriptors: [features], seed: options.seed, standardize: !noStandardize,
                silhouette: try SilhouetteMode(parsing: silhouette))
            let store = try RunStore(root: URL(fileURLWithPath: options.runs))
            let results = try config.run(on: dataset, settings: settings, store: store, progress: progress)
            print("\(dataset.count) rows x \(dataset.featureCount) columns from \(input)\n")
            print(ClusteringExperiment.table(results))
            for result in results {
                print("\nrun \(result.runID ?? "-") -> \(result.directory?.path ?? "")")
            }
        }
    }

    private func featureSettings(for dataset: Dataset) throws -> FeatureSettings {
        let (height, width) = try imageGeometry(columns: dataset.featureCount)
        let maxValue = maxPixelValue ?? max(dataset.features.max() ?? 1, 1e-12)
        var settings = try FeatureSettings.digits()
        settings.imageHeight = height
        settings.imageWidth = width
        settings.maxPixelValue = maxValue
        if features == .hog && (height > 8 || width > 8) {
            settings.hog = try HOG(orientations: 9, pixelsPerCell: .init(max(2, min(height, width) / 4)), cellsPerBlock: .init(2))
        }
        return settings
    }

    private func imageGeometry(columns: Int) throws -> (Int, Int) {
        if let imageSize {
            let parts = imageSize.lowercased().split(separator: "x").compactMap { Int($0) }
            guard parts.count == 2, parts[0] > 0, parts[1] > 0 else {
                throw ValidationError("--image-size must look like 28x28, got \(imageSize)")
            }
            return (parts[0], parts[1])
        }
        let side = Int(Double(columns).squareRoot().rounded())
        if features != .none && side * side != columns {
            throw ValidationError(
                "the rows have \(columns) values, which is not a square image; give --image-size HEIGHTxWIDTH")
        }
        return (side, side)
    }
}

extension FeatureDescriptor: ExpressibleByArgument {}

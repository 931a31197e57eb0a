import AlmagestCore
import AlmagestData
import AlmagestExperiments
import AlmagestLearn
import AlmagestTracking
import ArgumentParser
import Foundation

/// `almagest cluster`: any registered clusterer (k-means by default) on a user's own CSV or NPY
/// file, or on spectra (a folder of SDSS FITS files, one FITS file), with the demo's outputs.
struct ClusterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cluster",
        abstract: "Cluster the rows of a CSV or NPY file, or spectra from FITS files, with any registered clusterer and log the run.",
        discussion: """
            Each row is one sample. A folder of FITS files (or one .fits file) is read as SDSS spectra: shifted to \
            the rest frame, resampled on a common wavelength grid, normalised by their median; their CLASS gives \
            the true labels. --spectra reads a CSV/NPY matrix the same way (columns named by wavelength). With --features hog or histogram the rows are images in row-major order \
            (give --image-size, or square images are assumed). With --target, that column holds the true \
            labels: it is left out of the features and the external scores (AMI, ARI, ...) are computed. \
            --algorithm names any registered clusterer (almagest models --kind clusterer), --option KEY=VALUE \
            sets any of its options (almagest models kmeans).
            """)

    @OptionGroup var options: RunOptions

    @Option(name: .long, help: "Data: a .csv, .csv.gz, .tsv or .npy file, a folder of FITS spectra, or a .fits file.")
    var input: String

    @Flag(name: .long, help: "Read the rows as spectra (prepared as FITS spectra are; implied for FITS input).")
    var spectra = false

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

    @Flag(name: .long, help: "Standardise with one scale for every column (columns centred, all divided by the root mean variance): keeps the columns' relative weights, as spectra need.")
    var commonScale = false

    @Option(name: .long, help: "Cluster the first N principal components (after standardising) instead of the features.")
    var pca: Int?

    @Flag(name: .long, help: "With --pca: divide each component by its standard deviation (whitening), as GEMINI on spectra needs.")
    var whiten = false

    @Option(name: .long, help: "Experiment name: the folder of the runs in the store.")
    var experiment: String = "cluster"

    func run() throws {
        try reportingErrors {
            options.apply()
            let url = URL(fileURLWithPath: input)
            let selector = target.map(ColumnSelector.init(commandLine:))
            let progress = ProgressLog.standardError
            let dataset = try load(url, target: selector, progress: progress)
            let settings = try featureSettings(for: dataset)
            let chosen = try estimator.options(for: algorithm, shorthands: [("restarts", "restarts", restarts)])
            _ = try EstimatorSpec(algorithm, options: chosen).clusterer()  // said before reading the data
            if whiten && pca == nil { throw ValidationError("--whiten needs --pca N (the number of components to whiten)") }
            let transform = pca.map { EstimatorSpec("pca", options: ["components": .int($0), "whiten": .bool(whiten)]) }
            _ = try transform?.transformer()
            let config = ClusteringExperiment(
                experiment: experiment, clusterer: EstimatorSpec(algorithm, options: chosen), clusters: clusters,
                descriptors: [features], seed: options.seed, standardize: !noStandardize,
                silhouette: try SilhouetteMode(parsing: silhouette), commonScale: commonScale,
                transform: transform)
            let store = try RunStore(root: URL(fileURLWithPath: options.runs))
            let results = try config.run(on: dataset, settings: settings, store: store, progress: progress)
            print("\(dataset.count) rows x \(dataset.featureCount) columns from \(input)\n")
            print(ClusteringExperiment.table(results))
            for result in results {
                print("\nrun \(result.runID ?? "-") -> \(result.directory?.path ?? "")")
            }
        }
    }

    /// The data set: spectra for a folder, a FITS file or `--spectra`; a table otherwise.
    private func load(_ url: URL, target: ColumnSelector?, progress: ProgressLog) throws -> Dataset {
        var isFolder: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder)
        let fits = ["fits", "fit"].contains(url.pathExtension.lowercased())
        guard spectra || fits || (exists && isFolder.boolValue) else {
            return try progress.phase("read \(input)") { try Dataset.load(from: url, target: target) }
        }
        let collection = try SpectraCollection.load(from: url, target: target, progress: progress)
        var notes = collection.dropped.prefix(5).map { "left out \($0.source): \($0.reason)\n" }.joined()
        if collection.dropped.count > 5 { notes += "... and \(collection.dropped.count - 5) more spectra left out\n" }
        FileHandle.standardError.write(Data(notes.utf8))
        return try collection.dataset()
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

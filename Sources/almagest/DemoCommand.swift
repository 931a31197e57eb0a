import AlmagestData
import AlmagestExperiments
import AlmagestLearn
import AlmagestTracking
import ArgumentParser
import Foundation

/// `almagest demo`: the digits image-clustering experiment on the embedded data set.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Cluster the embedded handwritten digits (HOG and grey histograms + k-means) and print the metrics.",
        discussion: """
            Loads the 1797 8x8 digit images embedded in Almagest, extracts HOG (9 orientations, 4x4 pixels \
            per cell, 2x2 cells per block, L2-Hys) and 256-bin grey-level histograms, standardises each, \
            runs k-means with 10 clusters and 10 restarts, prints a metric table per descriptor, and logs one \
            run per descriptor in the run store.
            """)

    @OptionGroup var options: RunOptions

    @Option(name: .long, help: "Number of clusters.")
    var clusters: Int = 10

    @Option(name: .long, help: "k-means restarts (the best inertia wins).")
    var restarts: Int = 10

    func run() throws {
        try reportingErrors {
            options.apply()
            let digits = try EmbeddedDatasets.digits()
            let store = try RunStore(root: URL(fileURLWithPath: options.runs))
            let experiment = ClusteringExperiment(
                experiment: "digits", clusterer: EstimatorSpec("kmeans", options: ["restarts": .int(restarts)]),
                clusters: clusters, descriptors: [.hog, .histogram], seed: options.seed)
            print("Digits: \(digits.count) images of 8x8 pixels, \(digits.classNames.count) classes (\(digits.provenance.source))")
            let results = try experiment.run(on: digits, settings: try .digits(), store: store)
            print("")
            print(ClusteringExperiment.table(results))
            print("")
            for result in results {
                let time = String(format: "%.3f", result.timings["total"] ?? 0)
                print("\(result.descriptor.rawValue): run \(result.runID ?? "-") in \(time) s -> \(result.directory?.path ?? "")")
            }
            print("All runs: \(store.logURL.path)")
            print("See them in a browser: swift run -c release almagest dashboard --runs \(options.runs)"
                + " (or .build/release/almagest dashboard --runs \(options.runs)), then open http://127.0.0.1:8080/")
        }
    }
}

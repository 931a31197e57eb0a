import AlmagestCore
import AlmagestData
import AlmagestTestSupport
import AlmagestTracking
import Foundation
import Testing

/// `almagest cluster` as a user runs it, on spectra: a folder of SDSS FITS files in, a logged run
/// with the spectra artifacts out; a broken file is a one-line error naming it.
@Suite struct ClusterCommandTests {
    @Test func clustersAFolderOfFITSSpectra() throws {
        let runs = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-cluster-fits-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: runs) }
        let folder = Reference.url("datasets/sdss-spectra")
        let result = try runAlmagest(["cluster", "--input", folder.path, "--clusters", "2", "--runs", runs.path, "--silhouette", "exact"])
        #expect(result.status == 0, "\(result.errors)")
        let fits = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".fits") }
        #expect(result.output.contains("\(fits.count) rows x "))
        let store = try RunStore(root: runs)
        let run = try #require(try store.index.runs().first)
        #expect(run.parameters["samples"]?.description == "\(fits.count)")
        let spectra = try ClusterSpectraArtifact.read(from: runs.appendingPathComponent(run.directory))
        #expect(spectra.clusters.map(\.size).reduce(0, +) == fits.count)
        #expect(spectra.wavelengths.count > 1_000 && zip(spectra.wavelengths, spectra.wavelengths.dropFirst()).allSatisfy { $0 < $1 })
        let silhouette = try SilhouetteArtifact.read(from: runs.appendingPathComponent(run.directory))
        #expect(silhouette.sampleSize == fits.count)

        // A truncated FITS file among good ones: the error names the file, nothing is logged.
        let broken = runs.appendingPathComponent("broken")
        try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
        let bytes = try Data(contentsOf: folder.appendingPathComponent(fits.sorted()[0]))
        try bytes.prefix(5_000).write(to: broken.appendingPathComponent("cut.fits"))
        let bad = try runAlmagest(["cluster", "--input", broken.path, "--clusters", "2", "--runs", runs.appendingPathComponent("none").path])
        #expect(bad.status != 0 && bad.errors.contains("cut.fits"), "\(bad.errors)")
        #expect(!bad.errors.contains("Fatal error"))
    }

    /// `make-spectra` writes spectra of known class that `cluster --spectra --target class` reads
    /// back, with the external scores against the truth; the same seed gives the same file, and
    /// an existing file is never replaced; a bad grid is a one-line error naming it.
    @Test func makesSpectraOfKnownClassAndClustersThem() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-make-spectra-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = Reference.url("datasets/sdss-spectra").path
        let csv = root.appendingPathComponent("spectra.csv"), again = root.appendingPathComponent("again.csv")
        let common = ["--templates", folder, "--count", "240", "--grid", "3800:8500:600", "--seed", "4"]
        let made = try runAlmagest(["make-spectra", "--output", csv.path] + common)
        #expect(made.status == 0, "\(made.errors)")
        #expect(made.output.contains("wrote 240 spectra x 600 wavelengths of 8 classes"))
        #expect(try runAlmagest(["make-spectra", "--output", again.path] + common).status == 0)
        #expect(try Data(contentsOf: csv) == Data(contentsOf: again))
        let before = try Data(contentsOf: csv)
        let refused = try runAlmagest(["make-spectra", "--output", csv.path, "--templates", folder, "--count", "10"])
        #expect(refused.status != 0 && refused.errors.contains("spectra.csv"), "\(refused.errors)")
        #expect(try Data(contentsOf: csv) == before)
        let badGrid = try runAlmagest(["make-spectra", "--output", root.appendingPathComponent("x.csv").path, "--grid", "3800-8500"])
        #expect(badGrid.status != 0 && badGrid.errors.contains("3800-8500"), "\(badGrid.errors)")

        let runs = root.appendingPathComponent("runs")
        let clustered = try runAlmagest(["cluster", "--input", csv.path, "--spectra", "--target", "class", "--clusters", "8",
                                         "--algorithm", "fisherem", "--runs", runs.path, "--silhouette", "off"])
        #expect(clustered.status == 0, "\(clustered.errors)")
        let run = try #require(try RunStore(root: runs).index.runs().first)
        let ari = try #require(run.metrics["adjusted_rand_index"])
        #expect(ari > 0.5, "ARI \(ari)")

        // GEMINI on whitened principal components, as the README runs it; --whiten alone is refused.
        let gemini = try runAlmagest(["cluster", "--input", csv.path, "--spectra", "--target", "class", "--clusters", "8",
                                      "--algorithm", "gemini-mmd", "--option", "ovo=true", "--option", "learning_rate=0.1",
                                      "--option", "epochs=60", "--restarts", "8", "--common-scale", "--pca", "10", "--whiten",
                                      "--runs", runs.path, "--silhouette", "off"])
        #expect(gemini.status == 0, "\(gemini.errors)")
        let geminiRun = try #require(try RunStore(root: runs).index.runs().first { $0.parameters["algorithm"] == "gemini-mmd" })
        #expect(geminiRun.parameters["transform"] == "pca" && geminiRun.parameters["transform_whiten"] == true)
        #expect(geminiRun.metrics["feature_count"] == 10)
        let geminiARI = try #require(geminiRun.metrics["adjusted_rand_index"])
        #expect(geminiARI > 0.5, "GEMINI ARI \(geminiARI)")
        // The same spectra as an NPY matrix (no names, no classes), with the Wasserstein GEMINI.
        let npy = root.appendingPathComponent("spectra.npy")
        try NPY.write(try Dataset.load(from: csv, target: ColumnSelector(commandLine: "class")).features, to: npy)
        let wasserstein = try runAlmagest(["cluster", "--input", npy.path, "--spectra", "--clusters", "8", "--algorithm", "gemini-wasserstein",
                                           "--option", "epochs=5", "--option", "batch_size=60", "--option", "learning_rate=0.05",
                                           "--runs", runs.path, "--silhouette", "off"])
        #expect(wasserstein.status == 0, "\(wasserstein.errors)")
        let wassersteinRun = try #require(try RunStore(root: runs).index.runs().first { $0.parameters["algorithm"] == "gemini-wasserstein" })
        #expect(wassersteinRun.parameters["samples"] == 240)
        #expect(wassersteinRun.metrics["iterations"] == 5 && (wassersteinRun.metrics["clusters_found"] ?? 0) >= 2)
        #expect(wassersteinRun.metrics["adjusted_rand_index"] == nil)  // no truth in an NPY matrix
        let lone = try runAlmagest(["cluster", "--input", csv.path, "--spectra", "--clusters", "8", "--whiten", "--runs", runs.path])
        #expect(lone.status != 0 && lone.errors.contains("--pca"), "\(lone.errors)")
    }

    private func runAlmagest(_ arguments: [String]) throws -> (status: Int32, output: String, errors: String) {
        let products = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        let almagest = products.map { $0.appendingPathComponent("almagest") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? products[0].appendingPathComponent("almagest")
        try #require(FileManager.default.isExecutableFile(atPath: almagest.path), "build the almagest product first (\(almagest.path))")
        let process = Process()
        process.executableURL = almagest
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile(), err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }
}

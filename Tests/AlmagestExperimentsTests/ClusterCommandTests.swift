import AlmagestCore
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

import AlmagestCore
import AlmagestData
import ArgumentParser
import Foundation

/// `almagest make-spectra`: semi-synthetic spectra of known class (`SemiSyntheticSpectra`), built
/// from a folder of SDSS FITS spectra as templates (each its own class), written as a CSV whose
/// columns are named by wavelength with the class (the template's number) last — the input
/// `almagest cluster --spectra --target class` reads, with the external scores against the truth.
struct MakeSpectraCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "make-spectra",
        abstract: "Write semi-synthetic spectra of known class, built from real SDSS spectra, as a CSV.",
        discussion: """
            Each spectrum is one template galaxy (its class) with a partner galaxy mixed in (weight up to --mixing), \
            its emission lines scaled (log-normal spread --line-strength), a redshift error (--redshift-jitter, \
            default 1e-4 = 30 km/s) and white noise (--noise times the median flux). Seeded: the same seed gives \
            the same file on any thread count. The file is never overwritten.
            Example: almagest make-spectra --count 2000 --output spectra.csv && \
            almagest cluster --input spectra.csv --spectra --target class --clusters 8 --algorithm fisherem
            """)

    @Option(name: .long, help: "CSV file to write (.csv or .csv.gz; must not exist).")
    var output: String

    @Option(name: .long, help: "A folder of SDSS FITS spectra (or one .fits file): the templates, each its own class.")
    var templates: String = "../shared/datasets/sdss-spectra"

    @Option(name: .long, help: "Number of spectra.")
    var count: Int = 2_000

    @Option(name: .long, help: "Rest-frame wavelength grid START:END:POINTS in Angstrom, log-spaced.")
    var grid: String = "3760:8600:3600"

    @Option(name: .long, help: "Largest weight of the mixed-in partner galaxy, in [0, 0.5).")
    var mixing: Double = 0.2

    @Option(name: .long, help: "Standard deviation of the redshift error.")
    var redshiftJitter: Double = 1e-4

    @Option(name: .long, help: "Standard deviation of the log of the emission-line factor.")
    var lineStrength: Double = 0.3

    @Option(name: .long, help: "Noise standard deviation relative to the template's median flux.")
    var noise: Double = 0.05

    @Option(name: .long, help: "Seed of every random choice.")
    var seed: Int = 0

    func run() throws {
        try reportingErrors {
            var preparation = SpectraPreparation()
            preparation.grid = try Self.parseGrid(grid)
            let real = try SpectraCollection.load(from: URL(fileURLWithPath: templates), preparation: preparation)
            let base = try SpectralTemplates(collection: real)
            let config = SemiSyntheticSpectra(
                count: count, mixing: mixing, redshiftJitter: redshiftJitter, lineStrength: lineStrength, noise: noise, seed: seed)
            let synthetic = try config.generate(from: base, as: Double.self)
            // The class as its template's number: a text column under the numeric wavelengths would
            // hide the header from the CSV reader's detection (a text cell above numbers).
            let named = try synthetic.dataset()
            let table = try Dataset(features: named.features, labels: named.labels, featureNames: named.featureNames)
            try CSVWriter.write(table, to: URL(fileURLWithPath: output), labelName: "class")
            print("wrote \(count) spectra x \(synthetic.wavelengths.count) wavelengths of \(base.count) classes to \(output)")
            print("classes: " + base.names.enumerated().map { "\($0.offset) = \($0.element)" }.joined(separator: ", "))
        }
    }

    /// START:END:POINTS as a log-spaced grid; errors name the text and what was expected.
    static func parseGrid(_ text: String) throws -> WavelengthGrid {
        let parts = text.split(separator: ":").map { String($0) }
        guard parts.count == 3, let start = Double(parts[0]), let end = Double(parts[1]), let points = Int(parts[2]) else {
            throw FitError.invalidParameter(name: "grid", value: text, expected: "START:END:POINTS, e.g. 3760:8600:3600")
        }
        let grid = WavelengthGrid(start: start, end: end, count: points)
        try grid.validate()
        return grid
    }
}

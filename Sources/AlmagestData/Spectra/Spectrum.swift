import AlmagestCore
import Foundation

/// One observed spectrum: flux per wavelength pixel, the inverse variance of each flux value, and
/// what the survey says about the object (redshift, class).
///
/// `init(fits:)` reads an SDSS `spec-PLATE-MJD-FIBER.fits` file (DR8 and later): wavelengths
/// `10^loglam`, `flux` and `ivar` from the binary table `COADD`, and `Z`, `CLASS`, `SUBCLASS` from
/// `SPECOBJ` (absent there: NaN and empty strings). Units are the file's (SDSS: Angstrom, vacuum;
/// flux in 1e-17 erg/s/cm²/Å). A pixel with `ivar == 0` (or a non-finite flux) carries no
/// measurement: `isMissing(at:)`; `restFrame()` divides wavelengths by `1 + z`. Resampling onto a
/// common grid is `resampled(onto:method:maskedPixels:)` (Spectrum+Resampling.swift). Cost O(pixels).
///
/// ```swift
/// let s = try Spectrum(fits: URL(fileURLWithPath: "spec-0266-51602-0001.fits"))
/// s.redshift          // 0.02127...
/// let rest = s.restFrame()
/// let row = rest.resampled(onto: WavelengthGrid(start: 3800, end: 8600, count: 3000))
/// ```
public struct Spectrum: Sendable, Equatable {
    /// Wavelengths of the pixels, increasing (Angstrom).
    public var wavelengths: [Double]
    /// Flux per pixel.
    public var flux: [Double]
    /// Inverse variance per pixel; 0 marks a pixel without a measurement.
    public var inverseVariance: [Double]
    /// The redshift z (NaN when unknown; 0 after `restFrame()`).
    public var redshift: Double
    /// The survey's class (SDSS: GALAXY, QSO, STAR), empty when unknown.
    public var spectralClass: String
    /// The survey's subclass (SDSS: e.g. STARFORMING, BROADLINE), empty when unknown.
    public var subclass: String
    /// Where the spectrum came from (a path).
    public var source: String

    /// A spectrum from its parts; the three arrays must have one value per pixel and the
    /// wavelengths must increase strictly, otherwise `DataError.invalidDataset`.
    public init(
        wavelengths: [Double], flux: [Double], inverseVariance: [Double]? = nil, redshift: Double = .nan,
        spectralClass: String = "", subclass: String = "", source: String = "memory"
    ) throws {
        let ivar = inverseVariance ?? [Double](repeating: 1, count: flux.count)
        guard wavelengths.count == flux.count, ivar.count == flux.count else {
            throw DataError.invalidDataset(
                reason: "\(source): \(wavelengths.count) wavelengths, \(flux.count) flux values and \(ivar.count) inverse variances; expected one of each per pixel")
        }
        for i in wavelengths.indices.dropFirst() where !(wavelengths[i] > wavelengths[i - 1]) {
            throw DataError.invalidDataset(
                reason: "\(source): wavelengths must increase strictly, but pixel \(i) has \(wavelengths[i]) after \(wavelengths[i - 1])")
        }
        if let bad = wavelengths.first(where: { !$0.isFinite || $0 <= 0 }) {
            throw DataError.invalidDataset(reason: "\(source): wavelength \(bad) is not a positive number")
        }
        self.wavelengths = wavelengths
        self.flux = flux
        self.inverseVariance = ivar
        self.redshift = redshift
        self.spectralClass = spectralClass
        self.subclass = subclass
        self.source = source
    }

    /// Reads an SDSS spectrum file (see the type's documentation).
    public init(fits url: URL) throws {
        try self.init(fits: FITSFile(contentsOf: url))
    }

    /// Reads an SDSS spectrum from a parsed FITS file.
    public init(fits file: FITSFile) throws {
        let coadd = try file.hdu(named: "COADD").binaryTable()
        let loglam = try coadd.doubles("loglam")
        let wavelengths = loglam.map { pow(10, $0) }
        var z = Double.nan, spectralClass = "", subclass = ""
        if let specobj = try? file.hdu(named: "SPECOBJ").binaryTable(), specobj.rowCount > 0 {
            z = (try? specobj.doubles("Z").first) ?? .nan
            spectralClass = (try? specobj.strings("CLASS").first) ?? ""
            subclass = (try? specobj.strings("SUBCLASS").first) ?? ""
        }
        try self.init(
            wavelengths: wavelengths, flux: coadd.doubles("flux"), inverseVariance: coadd.doubles("ivar"), redshift: z,
            spectralClass: spectralClass, subclass: subclass, source: file.source)
    }

    /// Number of pixels.
    public var count: Int { flux.count }

    /// Whether pixel `i` has no measurement (`ivar == 0`, or a non-finite flux or ivar).
    public func isMissing(at i: Int) -> Bool {
        !(inverseVariance[i] > 0) || !inverseVariance[i].isFinite || !flux[i].isFinite
    }

    /// The spectrum in its rest frame: wavelengths divided by `1 + z`, redshift then 0. Flux
    /// density is left as observed (a shape comparison does not need the (1+z) factor). A spectrum
    /// with unknown redshift is an error.
    public func restFrame() throws -> Spectrum {
        guard redshift.isFinite, redshift > -1 else {
            throw DataError.invalidDataset(reason: "\(source): the redshift is \(redshift); the rest frame needs a known z > -1")
        }
        var rest = self
        let factor = 1 + redshift
        rest.wavelengths = wavelengths.map { $0 / factor }
        rest.redshift = 0
        return rest
    }

    /// The spectrum without its missing pixels (see `isMissing(at:)`).
    public func droppingMissingPixels() -> Spectrum {
        let kept = (0..<count).filter { !isMissing(at: $0) }
        var out = self
        out.wavelengths = kept.map { wavelengths[$0] }
        out.flux = kept.map { flux[$0] }
        out.inverseVariance = kept.map { inverseVariance[$0] }
        return out
    }
}

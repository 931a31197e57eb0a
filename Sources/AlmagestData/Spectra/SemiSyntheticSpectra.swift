import AlmagestCore
import Foundation

/// Semi-synthetic spectra with known classes, built from real templates (`SpectralTemplates`):
/// a clustering benchmark with truth. Each spectrum i draws, from the seed:
/// - its class `a` uniformly among the templates (the truth label), and a partner class `b != a`
///   mixed in with weight `w ~ U(0, mixing)` (so `a` always dominates, `w < 0.5`);
/// - a redshift offset `dz ~ N(0, redshiftJitter)`: the rest-frame templates are observed at
///   wavelength x (1 + dz), read off the template grid by linear interpolation (clamped at its ends).
///   It stands for the error of the rest-frame shift: SDSS's `Z_ERR` is about 1e-5 (3 km/s) for the
///   eight galaxies of the shared data, so the default 1e-4 (30 km/s, half a pixel of SDSS's 1e-4 dex
///   grid) is ten times that. At 1e-3 (300 km/s, four pixels of a 3,600-point grid) the emission
///   lines move by more than their width and a class is no longer one cluster: on such spectra a
///   Gaussian mixture started at the true classes walks away from them to a partition of higher
///   likelihood (ARI 0.4–0.7), and k-means ends near 0.5;
/// - an emission-line factor `s = exp(lineStrength * N(0, 1))` scaling the templates' line part
///   (template minus running-median continuum) against their continuum;
/// - white Gaussian noise of standard deviation `noise` times the median absolute flux of
///   template `a` (so `noise` is 1 / signal-to-noise per pixel).
/// flux_i(λ) = (1-w)·[C_a + s·L_a](λ/(1+dz)) + w·[C_b + s·L_b](λ/(1+dz)) + noise.
///
/// Rows are generated in parallel chunks of 256 whose random streams are `(seed, chunk index)`, so
/// the result is the same for any thread count. Output in `Float` (default, 4 bytes per value:
/// 68,000 x 3,600 takes 0.98 GB) or `Double`. Cost O(count x grid points).
///
/// ```swift
/// let templates = try SpectralTemplates(collection: try SpectraCollection.load(from: sdssFolder))
/// let synthetic = try SemiSyntheticSpectra(count: 10_000, noise: 0.05, seed: 1).generate(from: templates)
/// synthetic.flux      // 10000 x templates.grid.count, Float
/// synthetic.labels    // the true class of each row
/// ```
public struct SemiSyntheticSpectra: Codable, Sendable, Equatable {
    /// Number of spectra to generate.
    public var count: Int
    /// Largest weight of the mixed-in partner class, in [0, 0.5).
    public var mixing: Double
    /// Standard deviation of the redshift offset (e.g. 1e-4 = 30 km/s), in [0, 0.1].
    public var redshiftJitter: Double
    /// Standard deviation of the log of the emission-line factor.
    public var lineStrength: Double
    /// Noise standard deviation relative to the template's median absolute flux.
    public var noise: Double
    /// The grid of the generated spectra; nil: the templates' grid.
    public var grid: WavelengthGrid?
    public var seed: Int

    public init(
        count: Int = 1000, mixing: Double = 0.2, redshiftJitter: Double = 1e-4, lineStrength: Double = 0.3,
        noise: Double = 0.05, grid: WavelengthGrid? = nil, seed: Int = 0
    ) {
        self.count = count
        self.mixing = mixing
        self.redshiftJitter = redshiftJitter
        self.lineStrength = lineStrength
        self.noise = noise
        self.grid = grid
        self.seed = seed
    }

    /// Checks every setting once; errors name the setting, its value and what is expected.
    public func validate() throws {
        try require(count >= 1, "count", count, expected: "at least 1 spectrum")
        try require(mixing >= 0 && mixing < 0.5, "mixing", mixing, expected: "a weight in [0, 0.5) so that the true class dominates")
        try require(redshiftJitter >= 0 && redshiftJitter <= 0.1, "redshift_jitter", redshiftJitter, expected: "a standard deviation in [0, 0.1]")
        try require(lineStrength >= 0 && lineStrength <= 5, "line_strength", lineStrength, expected: "a log-normal spread in [0, 5]")
        try require(noise >= 0 && noise.isFinite, "noise", noise, expected: "a non-negative relative noise level")
        try grid?.validate()
    }

    /// Generates the spectra from `templates` (see the type's documentation).
    public func generate<Scalar: MatrixScalar>(from templates: SpectralTemplates, as type: Scalar.Type = Float.self) throws
        -> SyntheticSpectra<Scalar>
    {
        try validate()
        let k = templates.count
        let out = grid ?? templates.grid
        let width = out.count, tw = templates.grid.count
        // Position of each output wavelength on the template grid at dz = 0; a shift maps it to
        // alpha * p0 + beta (see `shift`).
        let p0 = (0..<width).map { templates.grid.position(of: out.wavelength(at: $0)) }
        let scale = (0..<k).map { r in
            let a = templates.flux.row(r).map(abs).sorted()
            return a[a.count / 2]
        }
        let continuum = templates.continuum.elements, lines = templates.lines.elements
        let chunk = 256
        var labels = [Int](repeating: 0, count: count), partners = labels
        var weights = [Double](repeating: 0, count: count), offsets = weights, factors = weights
        let (mixing, jitter, spread, noise, seed, tgrid) = (mixing, redshiftJitter, lineStrength, noise, seed, templates.grid)
        let flux = Matrix<Scalar>(rows: count, columns: width) { (buffer: UnsafeMutableBufferPointer<Scalar>) in
            let target = SharedPointer(buffer.baseAddress!)
            labels.withUnsafeMutableBufferPointer { lp in
                partners.withUnsafeMutableBufferPointer { pp in
                    weights.withUnsafeMutableBufferPointer { wp in
                        offsets.withUnsafeMutableBufferPointer { op in
                            factors.withUnsafeMutableBufferPointer { fp in
                                let (l, p, w, o, f) = (SharedPointer(lp.baseAddress!), SharedPointer(pp.baseAddress!),
                                                       SharedPointer(wp.baseAddress!), SharedPointer(op.baseAddress!),
                                                       SharedPointer(fp.baseAddress!))
                                Parallel.forEachChunk(count: count, chunkSize: chunk) { range, c in
                                    var rng = RandomStream(seed: seed, stream: c)
                                    continuum.withUnsafeBufferPointer { cp in
                                        lines.withUnsafeBufferPointer { lnp in
                                            for i in range {
                                                let a = rng.nextInt(below: k)
                                                let b = k > 1 ? (a + 1 + rng.nextInt(below: k - 1)) % k : a
                                                let weight = k > 1 ? mixing * rng.nextDouble() : 0
                                                let dz = jitter * rng.nextNormal()
                                                let s = Double.exp(spread * rng.nextNormal())
                                                l[i] = a; p[i] = b; w[i] = weight; o[i] = dz; f[i] = s
                                                let (alpha, beta) = Self.shift(tgrid, dz: dz)
                                                let sigma = noise * scale[a]
                                                let ca = cp.baseAddress! + a * tw, la = lnp.baseAddress! + a * tw
                                                let cb = cp.baseAddress! + b * tw, lb = lnp.baseAddress! + b * tw
                                                let row = target.base + i * width
                                                let last = Double(tw - 1)
                                                for j in 0..<width {
                                                    let pos = min(max(alpha * p0[j] + beta, 0), last)
                                                    let i0 = min(Int(pos), tw - 2), t = pos - Double(i0)
                                                    let va = ca[i0] + t * (ca[i0 + 1] - ca[i0]) + s * (la[i0] + t * (la[i0 + 1] - la[i0]))
                                                    let vb = cb[i0] + t * (cb[i0 + 1] - cb[i0]) + s * (lb[i0] + t * (lb[i0 + 1] - lb[i0]))
                                                    let e = sigma > 0 ? sigma * rng.nextNormal() : 0
                                                    row[j] = Scalar((1 - weight) * va + weight * vb + e)
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return SyntheticSpectra(
            flux: flux, labels: labels, classNames: templates.names, wavelengths: out.wavelengths, redshiftOffsets: offsets,
            mixingPartners: partners, mixingWeights: weights, lineFactors: factors)
    }

    // MARK: - Private

    /// The template-grid position of an output wavelength observed at 1 + dz, as alpha * p0 + beta
    /// where p0 is its position at dz = 0 (exact for both spacings).
    private static func shift(_ grid: WavelengthGrid, dz: Double) -> (Double, Double) {
        let span = Double(grid.count - 1)
        switch grid.spacing {
        case .logarithmic:
            return (1, -log(1 + dz) / log(grid.end / grid.start) * span)
        case .linear:
            let step = (grid.end - grid.start) / span
            let inverse = 1 / (1 + dz)
            return (inverse, grid.start / step * (inverse - 1))
        }
    }
}

/// The output of `SemiSyntheticSpectra.generate`: the spectra and, per row, the truth behind them.
public struct SyntheticSpectra<Scalar: MatrixScalar>: Sendable, Equatable {
    /// One spectrum per row.
    public let flux: Matrix<Scalar>
    /// The true class (template index) of each row.
    public let labels: [Int]
    /// The template names, `classNames[label]`.
    public let classNames: [String]
    /// The wavelengths of the columns.
    public let wavelengths: [Double]
    /// Per row: the redshift offset dz.
    public let redshiftOffsets: [Double]
    /// Per row: the mixed-in class and its weight.
    public let mixingPartners: [Int]
    public let mixingWeights: [Double]
    /// Per row: the emission-line factor s.
    public let lineFactors: [Double]

    /// The spectra as a data set (features in Double, labels and class names from the truth).
    public func dataset() throws -> Dataset {
        try Dataset(
            features: flux.converted(to: Double.self), labels: labels, featureNames: wavelengths.map { String(format: "%.3f", $0) },
            classNames: classNames, provenance: Dataset.Provenance(source: "semi-synthetic spectra"))
    }
}

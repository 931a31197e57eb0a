/// The training record of an NMF run: one `NMFTrackPoint` per tracked iteration and the reason
/// the run stopped.
///
/// Wall-clock time (`seconds`) is reported but is not part of a point's identity: two runs with
/// the same seed compare equal although their timings differ.
///
/// ```swift
/// let model = try NMF(rank: 10, tracking: NMFTracking(every: 5)).fit(a)
/// model.history.points.map(\.effectiveRank); model.history.stopReason
/// print(model.history.csv())
/// ```
public struct NMFHistory: Codable, Sendable, Equatable {
    public var points: [NMFTrackPoint]
    public var stopReason: NMFStopReason

    public init(points: [NMFTrackPoint], stopReason: NMFStopReason) {
        self.points = points
        self.stopReason = stopReason
    }

    /// The CSV header and one line per point.
    public func csv() -> String {
        var text = NMFTrackPoint.csvHeader + "\n"
        for p in points { text += p.csvLine + "\n" }
        return text
    }
}

/// Why training stopped.
public enum NMFStopReason: String, Codable, Sendable, CaseIterable {
    /// `maxIterations` reached.
    case maxIterations
    /// The relative error improved by less than the tolerance between two tracked points.
    case tolerance
    /// The effective rank stayed on a plateau for the configured window.
    case plateau
}

/// The quantities recorded at one iteration.
public struct NMFTrackPoint: Codable, Sendable, Equatable {
    public var iteration: Int
    /// ‖A − W·H‖²_F / ‖A‖²_F.
    public var relativeError: Double
    /// ‖A − W·H‖_F (not squared, as scikit-learn's `reconstruction_err_`).
    public var absoluteError: Double
    /// The method's own objective (Frobenius: ‖A − W·H‖²; KL: the divergence; deep: the deep loss).
    public var objective: Double
    /// exp(entropy of the normalised singular values of W·H); NaN when the spectrum is not tracked.
    public var effectiveRank: Double
    /// Σσ / σ1 of W·H.
    public var nuclearOverOperator: Double
    public var sigma1: Double
    public var sigma2: Double
    /// Seconds since the start of training (excluded from `==`).
    public var seconds: Double

    public init(
        iteration: Int, relativeError: Double, absoluteError: Double, objective: Double, effectiveRank: Double,
        nuclearOverOperator: Double, sigma1: Double, sigma2: Double, seconds: Double
    ) {
        self.iteration = iteration
        self.relativeError = relativeError
        self.absoluteError = absoluteError
        self.objective = objective
        self.effectiveRank = effectiveRank
        self.nuclearOverOperator = nuclearOverOperator
        self.sigma1 = sigma1
        self.sigma2 = sigma2
        self.seconds = seconds
    }

    public static func == (a: NMFTrackPoint, b: NMFTrackPoint) -> Bool {
        a.iteration == b.iteration && same(a.relativeError, b.relativeError) && same(a.absoluteError, b.absoluteError)
            && same(a.objective, b.objective) && same(a.effectiveRank, b.effectiveRank)
            && same(a.nuclearOverOperator, b.nuclearOverOperator) && same(a.sigma1, b.sigma1)
            && same(a.sigma2, b.sigma2)
    }

    static let csvHeader = "iteration,relative_error,absolute_error,objective,effective_rank,nuclear_over_operator,sigma1,sigma2,seconds"
    var csvLine: String {
        "\(iteration),\(relativeError),\(absoluteError),\(objective),\(effectiveRank),\(nuclearOverOperator),\(sigma1),\(sigma2),\(seconds)"
    }

    // MARK: - Private

    private static func same(_ x: Double, _ y: Double) -> Bool { x == y || (x.isNaN && y.isNaN) }
}

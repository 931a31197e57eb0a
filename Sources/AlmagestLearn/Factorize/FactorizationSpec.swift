import AlmagestCore

/// NMF as users configure it: one flat set of options (method, rank, deep layers, Adam's
/// learning rate, stopping and tracking), turned into an `NMF` configuration when it fits. It is
/// the registered factorizer `nmf` (its options are these properties, in snake_case), one point of
/// an NMF sweep, and what `almagest factorize` builds from its flags.
///
/// ```swift
/// let spec = FactorizationSpec(method: .deep, rank: 10, innerRanks: [20], lambdas: [1, 1])
/// let model = try spec.nmf().fit(x)                // NMFModel<Double>
/// let same = try spec.fit(x)                       // as a registered Factorizer
/// ```
public struct FactorizationSpec: Codable, Sendable, Equatable {
    /// The algorithms the CLI and experiment files name.
    public enum Method: String, Codable, Sendable, CaseIterable {
        case mu, muKL = "mu-kl", muSklearn = "mu-sklearn", gd, deep
    }

    public var method: Method
    public var rank: Int
    /// Deep NMF: ranks of the layers before the last (the depth is this count + 1).
    public var innerRanks: [Int]
    /// Deep NMF: layer weights λ (one per layer) for the layer-wise loss; nil uses the global loss.
    public var lambdas: [Double]?
    /// Deep NMF, global loss: L1 penalty on W1.
    public var l1: Double
    /// Adam's learning rate (gd and deep).
    public var learningRate: Double
    /// How gd and deep keep the factors non-negative.
    public var clamping: AdamNMF.Clamping
    public var iterations: Int
    public var trackEvery: Int
    public var initialization: NMFInitialization
    /// Relative-error tolerance (0: off).
    public var tolerance: Double
    /// Plateau detection (marked on the plots; stops training when `stopOnPlateau`).
    public var plateauWindow: Int
    public var plateauTolerance: Double
    public var stopOnPlateau: Bool
    public var seed: Int

    public init(
        method: Method = .mu, rank: Int = 10, innerRanks: [Int] = [], lambdas: [Double]? = nil, l1: Double = 0,
        learningRate: Double = 1e-2, clamping: AdamNMF.Clamping = .projected, iterations: Int = 200, trackEvery: Int = 10,
        initialization: NMFInitialization = .nndsvda, tolerance: Double = 0, plateauWindow: Int = 5,
        plateauTolerance: Double = 0.05, stopOnPlateau: Bool = false, seed: Int = 0
    ) {
        self.method = method
        self.rank = rank
        self.innerRanks = innerRanks
        self.lambdas = lambdas
        self.l1 = l1
        self.learningRate = learningRate
        self.clamping = clamping
        self.iterations = iterations
        self.trackEvery = trackEvery
        self.initialization = initialization
        self.tolerance = tolerance
        self.plateauWindow = plateauWindow
        self.plateauTolerance = plateauTolerance
        self.stopOnPlateau = stopOnPlateau
        self.seed = seed
    }

    /// The plateau detector of the plots (and of early stopping).
    public var plateauDetector: PlateauDetector { PlateauDetector(window: plateauWindow, tolerance: plateauTolerance) }

    /// The `NMF` configuration of this run (validated when it fits).
    public func nmf() throws -> NMF {
        try plateauDetector.validate()
        let nmfMethod: NMFMethod
        switch method {
        case .mu: nmfMethod = .multiplicative()
        case .muKL: nmfMethod = .multiplicative(loss: .kullbackLeibler)
        case .muSklearn: nmfMethod = .multiplicative(convention: .scikitLearn)
        case .gd: nmfMethod = .adam(AdamNMF(learningRate: learningRate, clamping: clamping))
        case .deep:
            let loss: DeepNMF.Loss = lambdas.map { .layerwise(lambdas: $0) } ?? .global(l1: l1)
            nmfMethod = .deep(DeepNMF(innerRanks: innerRanks.isEmpty ? [2 * rank] : innerRanks, loss: loss,
                                      learningRate: learningRate, clamping: clamping))
        }
        return NMF(
            rank: rank, method: nmfMethod, initialization: initialization,
            stopping: NMFStopping(maxIterations: iterations, tolerance: tolerance, plateau: stopOnPlateau ? plateauDetector : nil),
            tracking: NMFTracking(every: trackEvery, spectrum: true), seed: seed)
    }

    /// A short ASCII label: "mu r10", "deep 20,10 lambda=1.0,1.0".
    public var label: String {
        var text = "\(method.rawValue) r\(rank)"
        if method == .deep {
            text = "deep \(((innerRanks.isEmpty ? [2 * rank] : innerRanks) + [rank]).map(String.init).joined(separator: ","))"
            if let lambdas { text += " lambda=" + lambdas.map { "\($0)" }.joined(separator: ",") } else if l1 > 0 { text += " l1=\(l1)" }
        }
        return text
    }
}

extension FactorizationSpec: Factorizer, RegisteredEstimator {
    public static let estimatorName = "nmf"
    public static let summary = "non-negative matrix factorisation A = W·H: multiplicative updates, projected Adam, deep NMF"
    public static var defaultConfiguration: FactorizationSpec { FactorizationSpec() }
    public static var conformanceConfiguration: FactorizationSpec { FactorizationSpec(rank: 2, iterations: 20, trackEvery: 5) }
    public static var optionHelp: [String: String] {
        [
            "method": "mu, mu-kl, mu-sklearn, gd (projected Adam) or deep", "rank": "rank r of the factorisation",
            "inner_ranks": "deep: ranks of the layers before the last", "l1": "deep, global loss: L1 penalty on W1",
            "learning_rate": "gd/deep: Adam's step size", "clamping": "gd/deep: projected, none or autograd",
            "iterations": "iterations at most", "track_every": "iterations between tracked points",
            "initialization": "nndsvd, nndsvda, nndsvdar, random or eye", "tolerance": "relative-error tolerance (0: off)",
            "plateau_window": "tracked points a plateau spans", "plateau_tolerance": "relative spread of a plateau",
            "stop_on_plateau": "stop on the first effective-rank plateau", "seed": "seed of the random starts",
        ]
    }

    /// Checks the options (the data checks come in `fit`).
    public func validate() throws { try nmf().validate() }

    /// `nmf().fit(a)`.
    public func fit(_ a: Matrix<Double>) throws -> NMFModel<Double> { try nmf().fit(a) }

    /// The run's algorithm: `nmf-` and the method (`nmf-mu`, `nmf-deep`).
    public var algorithmName: String { "nmf-\(method.rawValue)" }
}

import AlmagestCore
import AlmagestLearn
import AlmagestTracking

/// The settings of one factorisation run of the experiment (one point of a sweep), turned into an
/// `NMF` configuration and into the parameters logged with the run.
///
/// ```swift
/// let spec = FactorizationSpec(method: .deep, rank: 10, innerRanks: [20], lambdas: [1, 1])
/// let model = try spec.nmf().fit(x)
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

    /// The parameters logged with the run.
    public var parameters: [String: ParameterValue] {
        var p: [String: ParameterValue] = [
            "method": .string(method.rawValue), "rank": .int(rank), "iterations": .int(iterations),
            "track_every": .int(trackEvery), "initialization": .string(initialization.rawValue),
            "tolerance": .double(tolerance), "plateau_window": .int(plateauWindow),
            "plateau_tolerance": .double(plateauTolerance), "stop_on_plateau": .bool(stopOnPlateau), "seed": .int(seed),
        ]
        if method == .gd || method == .deep {
            p["learning_rate"] = .double(learningRate)
            p["clamping"] = .string(clamping.rawValue)
        }
        if method == .deep {
            let inner = innerRanks.isEmpty ? [2 * rank] : innerRanks
            p["ranks"] = .string((inner + [rank]).map(String.init).joined(separator: ","))
            p["depth"] = .int(inner.count + 1)
            if let lambdas {
                p["loss"] = "layerwise"
                p["lambdas"] = .string(lambdas.map { "\($0)" }.joined(separator: ","))
            } else {
                p["loss"] = "global"
                p["l1"] = .double(l1)
            }
        }
        return p
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

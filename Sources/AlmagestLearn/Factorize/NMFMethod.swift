import AlmagestCore

/// The algorithm an `NMF` runs (a closed choice).
///
/// ```swift
/// NMF(rank: 10, method: .multiplicative())                       // Lee–Seung, Frobenius
/// NMF(rank: 10, method: .multiplicative(loss: .kullbackLeibler))
/// NMF(rank: 10, method: .multiplicative(convention: .scikitLearn))
/// NMF(rank: 10, method: .adam(AdamNMF(learningRate: 1e-2)))
/// NMF(rank: 10, method: .deep(DeepNMF(innerRanks: [20], loss: .layerwise(lambdas: [1, 1]))))
/// ```
public enum NMFMethod: Codable, Sendable, Equatable {
    /// Multiplicative updates (Lee & Seung, 2001); see `MultiplicativeUpdates`.
    case multiplicative(MultiplicativeUpdates)
    /// Projected gradient descent with Adam on ‖A − relu(W)·relu(H)‖²; see `AdamNMF`.
    case adam(AdamNMF)
    /// Deep NMF A ≈ W1···WL·H trained with Adam; see `DeepNMF`.
    case deep(DeepNMF)

    /// Multiplicative updates with the given loss and convention.
    public static func multiplicative(
        loss: NMFLoss = .frobenius, convention: MultiplicativeUpdates.Convention = .leeSeung
    ) -> NMFMethod {
        .multiplicative(MultiplicativeUpdates(loss: loss, convention: convention))
    }

    /// Short name for logs and run stores: mu, mu-kl, mu-sklearn, gd, deep.
    public var name: String {
        switch self {
        case let .multiplicative(mu):
            if mu.loss == .kullbackLeibler { return "mu-kl" }
            return mu.convention == .scikitLearn ? "mu-sklearn" : "mu"
        case .adam: return "gd"
        case .deep: return "deep"
        }
    }

    func validate() throws {
        switch self {
        case let .multiplicative(mu): try mu.validate()
        case let .adam(gd): try gd.validate()
        case let .deep(deep): try deep.validate()
        }
    }
}

/// The loss of multiplicative updates.
public enum NMFLoss: String, Codable, Sendable, CaseIterable {
    /// ‖A − W·H‖²_F.
    case frobenius
    /// Generalised Kullback–Leibler divergence Σ a log(a / wh) − a + wh.
    case kullbackLeibler
}

/// When to stop training.
///
/// Every check happens at a tracked point (`NMFTracking.every`): the relative error's relative
/// improvement since the previous point below `tolerance`, or the effective rank flat over the
/// last `plateau.window` points. Without tracking only `maxIterations` applies.
public struct NMFStopping: Codable, Sendable, Equatable {
    /// Upper bound on iterations.
    public var maxIterations: Int
    /// Stop when (previous − current) / previous relative error falls below this; 0 disables.
    public var tolerance: Double
    /// Stop when the effective rank has stayed on a plateau; nil disables.
    public var plateau: PlateauDetector?

    public init(maxIterations: Int = 200, tolerance: Double = 0, plateau: PlateauDetector? = nil) {
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.plateau = plateau
    }

    func validate() throws {
        try require(maxIterations >= 1, "maxIterations", maxIterations, expected: "at least 1")
        try require(tolerance >= 0 && tolerance.isFinite, "tolerance", tolerance, expected: "a finite number >= 0")
        try plateau?.validate()
    }
}

/// What is recorded during training.
public struct NMFTracking: Codable, Sendable, Equatable {
    /// Record a point every `every` iterations (and at iteration 0 and at the end); 0 records
    /// nothing.
    public var every: Int
    /// Also record the spectrum of W·H (effective rank, nuclear ratio, σ1, σ2).
    public var spectrum: Bool

    public init(every: Int = 10, spectrum: Bool = true) {
        self.every = every
        self.spectrum = spectrum
    }

    func validate() throws {
        try require(every >= 0, "tracking interval", every, expected: "0 (off) or a positive number of iterations")
    }
}

import AlmagestCore
import AlmagestData
import AlmagestLearn
import Foundation

/// An experiment file for NMF sweeps: lists of methods, ranks, deep-layer ranks, λs, L1 penalties
/// and seeds, expanded into one `FactorizationSpec` per combination.
///
/// Deep NMF combines every `innerRanks` entry with every loss: the global loss for each `l1` value,
/// and the layer-wise loss for each `lambdas` entry with one λ per layer (entries of another
/// length are skipped for that depth). Other methods ignore the deep-only lists. Unknown keys are
/// refused, so a typo does not silently run the defaults. Cost: O(combinations).
///
/// ```json
/// {"experiment": "nmf-sweep", "methods": ["mu", "gd", "deep"], "ranks": [5, 10],
///  "innerRanks": [[20], [40, 20]], "lambdas": [[1, 1], [1, 0.1, 0.1]], "l1": [0, 0.01],
///  "iterations": 500, "trackEvery": 10, "initialization": "nndsvda", "seeds": [0]}
/// ```
/// ```swift
/// let sweep = try FactorizationSweep.load(from: URL(fileURLWithPath: "sweep.json"))
/// for spec in try sweep.specs() { ... }
/// ```
public struct FactorizationSweep: Codable, Sendable, Equatable {
    public var experiment: String?
    public var methods: [FactorizationSpec.Method]
    public var ranks: [Int]
    public var innerRanks: [[Int]]?
    public var lambdas: [[Double]]?
    public var l1: [Double]?
    public var learningRate: Double?
    public var clamping: AdamNMF.Clamping?
    public var iterations: Int?
    public var trackEvery: Int?
    public var initialization: NMFInitialization?
    public var tolerance: Double?
    public var plateauWindow: Int?
    public var plateauTolerance: Double?
    public var stopOnPlateau: Bool?
    public var seeds: [Int]?

    public init(methods: [FactorizationSpec.Method], ranks: [Int], innerRanks: [[Int]]? = nil, lambdas: [[Double]]? = nil,
                l1: [Double]? = nil, iterations: Int? = nil, trackEvery: Int? = nil, seeds: [Int]? = nil) {
        self.methods = methods
        self.ranks = ranks
        self.innerRanks = innerRanks
        self.lambdas = lambdas
        self.l1 = l1
        self.iterations = iterations
        self.trackEvery = trackEvery
        self.seeds = seeds
    }

    /// Reads and checks an experiment file.
    public static func load(from url: URL) throws -> FactorizationSweep {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataError.io(path: url.path, reason: error.localizedDescription)
        }
        if let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            let unknown = Set(object.keys).subtracting(knownKeys)
            if let key = unknown.sorted().first {
                throw DataError.malformed(source: url.path, reason: "unknown key \"\(key)\"; expected one of \(knownKeys.sorted().joined(separator: ", "))")
            }
        }
        do {
            return try JSONDecoder().decode(FactorizationSweep.self, from: data)
        } catch let error as DecodingError {
            throw DataError.malformed(source: url.path, reason: Self.describe(error))
        }
    }

    /// Every combination, in the order methods × ranks × (deep: inner ranks × losses) × seeds.
    public func specs() throws -> [FactorizationSpec] {
        try require(!methods.isEmpty, "methods", "[]", expected: "at least one of \(FactorizationSpec.Method.allCases.map(\.rawValue).joined(separator: ", "))")
        try require(!ranks.isEmpty, "ranks", "[]", expected: "at least one rank")
        var base = FactorizationSpec()
        if let v = learningRate { base.learningRate = v }
        if let v = clamping { base.clamping = v }
        if let v = iterations { base.iterations = v }
        if let v = trackEvery { base.trackEvery = v }
        if let v = initialization { base.initialization = v }
        if let v = tolerance { base.tolerance = v }
        if let v = plateauWindow { base.plateauWindow = v }
        if let v = plateauTolerance { base.plateauTolerance = v }
        if let v = stopOnPlateau { base.stopOnPlateau = v }
        var result = [FactorizationSpec]()
        for method in methods {
            for rank in ranks {
                var variants = [FactorizationSpec]()
                var spec = base
                spec.method = method
                spec.rank = rank
                if method == .deep {
                    for inner in innerRanks ?? [[2 * rank]] {
                        spec.innerRanks = inner
                        for penalty in l1 ?? (lambdas == nil ? [0] : []) {
                            spec.lambdas = nil
                            spec.l1 = penalty
                            variants.append(spec)
                        }
                        for weights in lambdas ?? [] where weights.count == inner.count + 1 {
                            spec.lambdas = weights
                            spec.l1 = 0
                            variants.append(spec)
                        }
                    }
                } else {
                    variants.append(spec)
                }
                for variant in variants {
                    for seed in seeds ?? [0] {
                        var s = variant
                        s.seed = seed
                        result.append(s)
                    }
                }
            }
        }
        try require(!result.isEmpty, "experiment file", "no runs", expected: "at least one combination (check that lambdas have one weight per layer)")
        return result
    }

    // MARK: - Private

    private static let knownKeys: Set<String> = [
        "experiment", "methods", "ranks", "innerRanks", "lambdas", "l1", "learningRate", "clamping", "iterations",
        "trackEvery", "initialization", "tolerance", "plateauWindow", "plateauTolerance", "stopOnPlateau", "seeds",
    ]

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .typeMismatch(_, context), let .valueNotFound(_, context), let .keyNotFound(_, context),
             let .dataCorrupted(context):
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return (path.isEmpty ? "" : "at \(path): ") + context.debugDescription
        @unknown default:
            return "\(error)"
        }
    }
}

import AlmagestCore
import Foundation

/// The kernel of an MMD GEMINI (scikit-learn's `pairwise_kernels` definitions, as gemclus uses
/// them): linear `x·y`, polynomial `(γ x·y + c₀)^d`, RBF `exp(−γ‖x − y‖²)`, sigmoid
/// `tanh(γ x·y + c₀)`, or a precomputed matrix given with the data. A nil γ means 1 / features,
/// scikit-learn's default. Blocks come from one GEMM (plus the squared norms for RBF).
/// Cost: O(m n d) for an m x n block.
///
/// ```swift
/// let k = try GeminiKernel.rbf(gamma: nil).matrix(x, x)     // n x n, γ = 1/d
/// ```
public enum GeminiKernel: Codable, Sendable, Equatable {
    case linear
    case polynomial(degree: Int, gamma: Double?, coef0: Double)
    case rbf(gamma: Double?)
    case sigmoid(gamma: Double?, coef0: Double)
    /// The kernel matrix is given with the data (`GeminiMMDClustering.fit(_:kernelMatrix:)`, or
    /// the data itself with the `precomputed` kernel option).
    case precomputed

    /// The kernel between the rows of `a` and of `b`; a `precomputed` kernel has no formula.
    public func matrix(_ a: Matrix<Double>, _ b: Matrix<Double>) throws -> Matrix<Double> {
        let g = gamma(features: a.columns)
        switch self {
        case .linear:
            return try Matrix.product(a, transposed: false, b, transposed: true)
        case let .polynomial(degree, _, coef0):
            return try Matrix.product(a, transposed: false, b, transposed: true).map { Foundation.pow(g * $0 + coef0, Double(degree)) }
        case .rbf:
            return try Distances.squaredEuclidean(a, b).map { Foundation.exp(-g * $0) }
        case let .sigmoid(_, coef0):
            return try Matrix.product(a, transposed: false, b, transposed: true).map { Foundation.tanh(g * $0 + coef0) }
        case .precomputed:
            throw FitError.invalidParameter(
                name: "kernel", value: "precomputed", expected: "an affinity matrix given with the data, not computed from it")
        }
    }

    /// γ for data of `features` columns (1 / features when not set).
    public func gamma(features: Int) -> Double {
        switch self {
        case let .polynomial(_, gamma, _), let .rbf(gamma), let .sigmoid(gamma, _): return gamma ?? 1 / Double(max(features, 1))
        case .linear, .precomputed: return 1
        }
    }

    /// The option text of the kind (`linear`, `polynomial`, `rbf`, `sigmoid`, `precomputed`).
    public var name: String {
        switch self {
        case .linear: return "linear"
        case .polynomial: return "polynomial"
        case .rbf: return "rbf"
        case .sigmoid: return "sigmoid"
        case .precomputed: return "precomputed"
        }
    }
}

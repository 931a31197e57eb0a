import AlmagestCore
import Foundation

/// The kernels of a support vector machine, with libsvm's definitions (Chang & Lin, "LIBSVM: a
/// library for support vector machines", 2011), and their evaluation in blocks:
///
///     linear      K(u, v) = u·v
///     polynomial  K(u, v) = (γ u·v + coef0)^degree
///     rbf         K(u, v) = exp(−γ (‖u‖² + ‖v‖² − 2 u·v))
///     sigmoid     K(u, v) = tanh(γ u·v + coef0)
///
/// Every kernel is a function of the dot products (and, for RBF, the squared norms), so a block of
/// kernel values is one GEMM (prediction: query rows against the support vectors) or one GEMV (the
/// solver: one kernel row) followed by an element-wise map. Cost: O(m n d) per m x n block.
///
/// ```swift
/// let kernel = SVMKernel(kind: .rbf, gamma: 0.1, degree: 3, coef0: 0)
/// let k = kernel.block(rows: 0..<64, of: queries, normsA: qNorms, against: supportVectors, normsB: svNorms)
/// ```
public struct SVMKernel: Codable, Sendable, Equatable {
    /// The kernel function.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case rbf, linear
        case polynomial = "poly"
        case sigmoid
    }

    public let kind: Kind
    /// γ, resolved to a number (scikit-learn's `_gamma`).
    public let gamma: Double
    public let degree: Int
    public let coef0: Double

    public init(kind: Kind, gamma: Double, degree: Int, coef0: Double) {
        (self.kind, self.gamma, self.degree, self.coef0) = (kind, gamma, degree, coef0)
    }

    /// K(u, v) from their dot product and squared norms.
    @inline(__always)
    func value(dot: Double, squaredNormU: Double, squaredNormV: Double) -> Double {
        switch kind {
        case .linear: return dot
        case .polynomial: return Self.power(gamma * dot + coef0, degree)
        case .rbf: return Foundation.exp(-gamma * (squaredNormU + squaredNormV - 2 * dot))
        case .sigmoid: return Foundation.tanh(gamma * dot + coef0)
        }
    }

    /// Whether the kernel reads the squared norms (RBF only).
    var needsNorms: Bool { kind == .rbf }

    /// K between rows `rows` of `a` and every row of `b` (rows.count x b.rows), as one GEMM of the
    /// dot products mapped element by element.
    func block(rows: Range<Int>, of a: Matrix<Double>, normsA: [Double], against b: Matrix<Double>, normsB: [Double])
        -> Matrix<Double> {
        let m = rows.count, n = b.rows, d = a.columns
        var out = Matrix<Double>(rows: m, columns: n)
        guard m > 0, n > 0 else { return out }
        out.withUnsafeMutableBufferPointer { pc in
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    Double.gemm(transposeA: false, transposeB: true, m: m, n: n, k: d, alpha: 1,
                                a: pa.baseAddress! + rows.lowerBound * d, lda: d, b: pb.baseAddress!, ldb: d, beta: 0,
                                c: pc.baseAddress!, ldc: n)
                }
            }
            for i in 0..<m {
                let normU = needsNorms ? normsA[rows.lowerBound + i] : 0
                let row = pc.baseAddress! + i * n
                for j in 0..<n { row[j] = value(dot: row[j], squaredNormU: normU, squaredNormV: needsNorms ? normsB[j] : 0) }
            }
        }
        return out
    }

    /// base^exponent by repeated squaring (libsvm's `powi`), exact for small integer powers.
    static func power(_ base: Double, _ exponent: Int) -> Double {
        var result = 1.0, square = base, e = exponent
        while e > 0 {
            if e & 1 == 1 { result *= square }
            square *= square
            e >>= 1
        }
        return result
    }
}

/// γ of the RBF, polynomial and sigmoid kernels, as scikit-learn's `gamma`: `scale` is
/// 1 / (d · Var(X)) over all entries of the training matrix (1 when that variance is 0), `auto`
/// is 1 / d, or a positive number. It reads and writes as `"scale"`, `"auto"` or a number (a
/// number given as text, `gamma=0.5` on the command line, is read as well).
public enum SVMGamma: Codable, Sendable, Equatable, CustomStringConvertible {
    case scale, auto
    case value(Double)

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let number = try? container.decode(Double.self) {
            self = .value(number)
            return
        }
        let text = try container.decode(String.self).trimmingCharacters(in: .whitespaces)
        switch text.lowercased() {
        case "scale": self = .scale
        case "auto": self = .auto
        default:
            guard let number = Double(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "scale, auto or a positive number, got \(text)")
            }
            self = .value(number)
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .scale: try container.encode("scale")
        case .auto: try container.encode("auto")
        case let .value(v): try container.encode(v)
        }
    }

    public var description: String {
        switch self {
        case .scale: return "scale"
        case .auto: return "auto"
        case let .value(v): return "\(v)"
        }
    }

    /// The number γ stands for on training data `x`.
    func resolved(for x: Matrix<Double>) -> Double {
        switch self {
        case let .value(v): return v
        case .auto: return 1 / Double(x.columns)
        case .scale:
            let n = Double(x.count)
            let mean = x.sum() / n
            let variance = x.elements.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) } / n
            return variance != 0 ? 1 / (Double(x.columns) * variance) : 1
        }
    }
}

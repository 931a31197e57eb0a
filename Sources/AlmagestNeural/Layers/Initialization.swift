import AlmagestCore

/// Weight initialisation schemes, drawn from a seeded stream.
///
/// - Kaiming / He (He et al., 2015): variance 2 / fanIn, for ReLU networks.
/// - Xavier / Glorot (Glorot & Bengio, 2010): variance 2 / (fanIn + fanOut), for tanh and sigmoid.
/// Uniform variants draw from ±sqrt(3 · variance); normal variants from N(0, variance).
/// Cost: one random draw per weight.
///
/// ```swift
/// let w = WeightInitialization.kaimingUniform.tensor(shape: [95, 10], fanIn: 10, fanOut: 95, seed: 3)
/// ```
public enum WeightInitialization: String, Codable, Sendable, CaseIterable {
    case kaimingUniform, kaimingNormal, xavierUniform, xavierNormal

    /// The standard deviation this scheme gives for the fan-in and fan-out.
    public func standardDeviation(fanIn: Int, fanOut: Int) -> Float {
        switch self {
        case .kaimingUniform, .kaimingNormal: return (2 / Float(Swift.max(fanIn, 1))).squareRoot()
        case .xavierUniform, .xavierNormal: return (2 / Float(Swift.max(fanIn + fanOut, 1))).squareRoot()
        }
    }

    /// A parameter tensor (requiring a gradient) of `shape` initialised by this scheme.
    public func tensor(shape: [Int], fanIn: Int, fanOut: Int, seed: Int) -> Tensor {
        let std = standardDeviation(fanIn: fanIn, fanOut: fanOut)
        switch self {
        case .kaimingUniform, .xavierUniform:
            let bound: Float = Float(3).squareRoot() * std
            return Tensor.randomUniform(shape, in: -bound...bound, seed: seed, requiresGradient: true)
        case .kaimingNormal, .xavierNormal:
            return Tensor.randomNormal(shape, standardDeviation: std, seed: seed, requiresGradient: true)
        }
    }
}

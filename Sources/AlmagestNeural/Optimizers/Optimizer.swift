import AlmagestCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Something that updates parameters from their gradients.
///
/// `step()` applies one update to every parameter that has a gradient (frozen ones are skipped);
/// `zeroGradients()` clears them before the next backward pass. Updates run outside the graph.
///
/// ```swift
/// let opt = Adam(parameters: net.trainableParameters(), learningRate: 1e-3)
/// opt.zeroGradients(); try loss.backward(); opt.step()
/// ```
public protocol Optimizer: AnyObject {
    /// The step size of the next `step()`; schedules set it each epoch.
    var learningRate: Float { get set }
    /// The tensors this optimiser updates.
    var parameters: [Tensor] { get }
    /// One update of every parameter that has a gradient.
    func step()
}

extension Optimizer {
    /// Clears every parameter's gradient.
    public func zeroGradients() { for p in parameters { p.zeroGradient() } }
}

/// Rescales all gradients together so that their global L2 norm is at most `maxNorm` (Pascanu et
/// al., 2013); returns the norm before clipping. Cost: O(parameters).
///
/// ```swift
/// let norm = clipGradientNorm(net.trainableParameters(), maxNorm: 1)
/// ```
@discardableResult
public func clipGradientNorm(_ parameters: [Tensor], maxNorm: Float) -> Float {
    var squares = 0.0
    for p in parameters { if let g = p.gradient { for v in g { squares += Double(v) * Double(v) } } }
    let norm = Float(squares.squareRoot())
    if norm > maxNorm, norm > 0 {
        let scale = maxNorm / (norm + 1e-6)
        for p in parameters where p.gradient != nil {
            p.gradient!.withUnsafeMutableBufferPointer { g in for i in 0..<g.count { g[i] *= scale } }
        }
    }
    return norm
}

/// Learning-rate schedules, evaluated per epoch from the base rate.
///
/// - `step(every:factor:)`: multiply by `factor` every `every` epochs.
/// - `cosineAnnealing(period:minimum:)`: from the base down to `minimum` along half a cosine over
///   `period` epochs (Loshchilov & Hutter, 2017, without restarts).
///
/// ```swift
/// let rate = LearningRateSchedule.cosineAnnealing(period: 50, minimum: 0).rate(base: 0.1, epoch: 10)
/// ```
public enum LearningRateSchedule: Codable, Sendable, Equatable {
    case constant
    case step(every: Int, factor: Float)
    case cosineAnnealing(period: Int, minimum: Float)

    /// The rate at `epoch` (0-based).
    public func rate(base: Float, epoch: Int) -> Float {
        switch self {
        case .constant:
            return base
        case let .step(every, factor):
            return base * powf(factor, Float(epoch / Swift.max(every, 1)))
        case let .cosineAnnealing(period, minimum):
            let t = Float(Swift.min(epoch, period)) / Float(Swift.max(period, 1))
            return minimum + (base - minimum) * (1 + cosf(Float.pi * t)) / 2
        }
    }
}

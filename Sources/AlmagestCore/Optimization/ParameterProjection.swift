/// The set an optimiser step projects each updated weight back onto, shared by `AdamUpdate` and
/// `MomentumUpdate`: `nonNegative` is projected gradient descent for non-negative factors (NMF),
/// w ← max(0, w) after every step. Cost: one comparison per element.
///
/// ```swift
/// let update = AdamUpdate<Double>(learningRate: 0.01, stepSize: 0.1, rootSecondCorrection: 0.04,
///                                 projection: .nonNegative)
/// ```
public enum ParameterProjection: Sendable, Equatable {
    /// Weights are left where the step puts them.
    case none
    /// A weight below 0 is set to 0 (−0 and 0 stay as they are).
    case nonNegative
}

import AlmagestCore

/// Scaling to a range, as scikit-learn's `MinMaxScaler`: each column's training minimum maps to
/// `featureRange[0]` and its maximum to `featureRange[1]`, by
/// `x · s + m` with `s = (high − low) / (max − min)` and `m = low − min · s`. A constant column
/// (range below 10 ε) gets range 1, so it maps to `low`. With `clip`, transformed values of new
/// data are clipped to the range. Cost: O(n d) to fit and to transform.
///
/// ```swift
/// let model = try MinMaxScaler(featureRange: [-1, 1]).fit(train)   // model.dataMin, model.dataMax
/// let z = try model.transform(test)
/// ```
public struct MinMaxScaler: Transformer, RegisteredEstimator {
    /// The target interval [low, high], low < high.
    public var featureRange: [Double]
    /// Clip transformed values to the target interval.
    public var clip: Bool

    public init(featureRange: [Double] = [0, 1], clip: Bool = false) {
        self.featureRange = featureRange
        self.clip = clip
    }

    public static let estimatorName = "min-max-scaler"
    public static let summary = "scaling per column to a range: the training minimum and maximum map to its ends"
    public static var defaultConfiguration: MinMaxScaler { MinMaxScaler() }
    public static var optionHelp: [String: String] {
        ["feature_range": "the target interval, e.g. 0,1", "clip": "clip transformed values to the target interval"]
    }

    public func validate() throws {
        try require(featureRange.count == 2 && featureRange.allSatisfy(\.isFinite) && featureRange[0] < featureRange[1],
                    "feature range", featureRange, expected: "two finite numbers low < high, like [0, 1]")
    }

    /// Learns the column minima and maxima; throws `FitError` on empty or non-finite data.
    public func fit(_ x: Matrix<Double>) throws -> MinMaxScalerModel {
        try validate()
        try x.validateForFit("MinMaxScaler input")
        let columns = (0..<x.columns).map { x.column($0) }
        return MinMaxScalerModel(featureRange: featureRange, clip: clip, dataMin: columns.map { $0.min()! },
                                 dataMax: columns.map { $0.max()! })
    }
}

/// A fitted `MinMaxScaler`: the training minimum and maximum of each column and the affine map
/// `x · scale + offset` they give.
public struct MinMaxScalerModel: FittedTransformer, Equatable {
    public let featureRange: [Double]
    public let clip: Bool
    /// Column minima of the training data.
    public let dataMin: [Double]
    /// Column maxima of the training data.
    public let dataMax: [Double]

    public var featureCount: Int { dataMin.count }
    /// `dataMax − dataMin` per column.
    public var dataRange: [Double] { zip(dataMax, dataMin).map { $0 - $1 } }
    /// The factor of each column: (high − low) / range (range 1 for a constant column).
    public var scale: [Double] {
        dataRange.map { (featureRange[1] - featureRange[0]) / ($0 < 10 * Double.ulpOfOne ? 1 : $0) }
    }
    /// What is added after scaling: low − min · scale.
    public var offset: [Double] { zip(dataMin, scale).map { featureRange[0] - $0 * $1 } }

    /// `x · scale + offset`, clipped to the range with `clip`.
    public func transform(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try x.validateForPredict("MinMaxScaler transform input", features: featureCount)
        let (s, m) = (scale, offset)
        return Matrix(rows: x.rows, columns: x.columns) { i, j in
            let v = x[i, j] * s[j] + m[j]
            return clip ? Swift.min(Swift.max(v, featureRange[0]), featureRange[1]) : v
        }
    }

    /// `(z − offset) / scale`, the inverse of `transform` (without clipping).
    public func inverseTransform(_ z: Matrix<Double>) throws -> Matrix<Double> {
        try z.validateForPredict("MinMaxScaler inverse-transform input", features: featureCount)
        let (s, m) = (scale, offset)
        return Matrix(rows: z.rows, columns: z.columns) { i, j in (z[i, j] - m[j]) / s[j] }
    }
}

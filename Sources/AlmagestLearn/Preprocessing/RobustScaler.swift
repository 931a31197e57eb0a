import AlmagestCore

/// Scaling robust to outliers, as scikit-learn's `RobustScaler`: `(x − median) / IQR` per column,
/// where the IQR is the difference of two quantiles (25th and 75th percentile by default) taken
/// by linear interpolation between order statistics, numpy's default (`Quantiles.linear`). A
/// column whose range is zero (below 10 ε) gets scale 1, so it is only centred. `withCentering`
/// and `withScaling` switch either part off. Cost: O(n log n · d) to fit (a sort per column),
/// O(n d) to transform.
///
/// ```swift
/// let model = try RobustScaler(quantileRange: [10, 90]).fit(train)   // model.center, model.scale
/// let z = try model.transform(test)
/// ```
public struct RobustScaler: Transformer, RegisteredEstimator {
    /// Subtract the column medians.
    public var withCentering: Bool
    /// Divide by the spread between the two quantiles.
    public var withScaling: Bool
    /// The lower and upper percentiles (0 ≤ low < high ≤ 100) whose difference is the scale.
    public var quantileRange: [Double]

    public init(withCentering: Bool = true, withScaling: Bool = true, quantileRange: [Double] = [25, 75]) {
        self.withCentering = withCentering
        self.withScaling = withScaling
        self.quantileRange = quantileRange
    }

    public static let estimatorName = "robust-scaler"
    public static let summary = "robust scaling per column: (x - median) / interquartile range"
    public static var defaultConfiguration: RobustScaler { RobustScaler() }
    public static var optionHelp: [String: String] {
        ["with_centering": "subtract the column medians",
         "with_scaling": "divide by the difference of the two percentiles",
         "quantile_range": "lower and upper percentiles of the scale, e.g. 25,75"]
    }

    public func validate() throws {
        try require(quantileRange.count == 2 && quantileRange.allSatisfy(\.isFinite), "quantile range", quantileRange,
                    expected: "two percentiles, like [25, 75]")
        try require(0 <= quantileRange[0] && quantileRange[0] < quantileRange[1] && quantileRange[1] <= 100,
                    "quantile range", quantileRange, expected: "percentiles with 0 ≤ low < high ≤ 100")
    }

    /// Learns the medians and quantile spreads; throws `FitError` on empty or non-finite data.
    public func fit(_ x: Matrix<Double>) throws -> RobustScalerModel {
        try validate()
        try x.validateForFit("RobustScaler input")
        var center = [Double](repeating: 0, count: x.columns), scale = [Double](repeating: 1, count: x.columns)
        for j in 0..<x.columns {
            let sorted = x.column(j).sorted()
            if withCentering { center[j] = Quantiles.median(sorted) }
            if withScaling {
                let spread = Quantiles.linear(sorted, quantileRange[1] / 100) - Quantiles.linear(sorted, quantileRange[0] / 100)
                scale[j] = spread < 10 * Double.ulpOfOne ? 1 : spread
            }
        }
        return RobustScalerModel(center: center, scale: scale)
    }
}

/// A fitted `RobustScaler`: what is subtracted from each column (0 without centring) and what it
/// is divided by (1 without scaling or for a constant column).
public struct RobustScalerModel: FittedTransformer, Equatable {
    /// Column medians, or zeros without centring.
    public let center: [Double]
    /// Column quantile spreads, or ones without scaling.
    public let scale: [Double]

    public var featureCount: Int { center.count }

    /// `(x − center) / scale`.
    public func transform(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try x.validateForPredict("RobustScaler transform input", features: featureCount)
        return Matrix(rows: x.rows, columns: x.columns) { i, j in (x[i, j] - center[j]) / scale[j] }
    }

    /// `z · scale + center`, the inverse of `transform`.
    public func inverseTransform(_ z: Matrix<Double>) throws -> Matrix<Double> {
        try z.validateForPredict("RobustScaler inverse-transform input", features: featureCount)
        return Matrix(rows: z.rows, columns: z.columns) { i, j in z[i, j] * scale[j] + center[j] }
    }
}

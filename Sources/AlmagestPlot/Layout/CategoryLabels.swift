/// Fitting category names under a categorical x axis (bar groups, heatmap columns, confusion
/// matrix classes): names that fit their slot stay horizontal; otherwise all are written upward,
/// shortened to at most `maximumCharacters`, and the chart reserves the depth they need below the
/// axis. Cost: O(number of labels).
///
/// ```swift
/// let fit = CategoryLabels(names, slot: plotWidth / Double(names.count), fontSize: 12)
/// // fit.extraBottom goes to ChartFrame(extraBottom:), fit.labels and fit.rotated to AxisGuide.
/// ```
struct CategoryLabels {
    static let maximumCharacters = 24

    let labels: [String]
    let rotated: Bool
    /// Space needed below the axis beyond one horizontal line of labels.
    let extraBottom: Double

    init(_ names: [String], slot: Double, fontSize f: Double) {
        let widest = names.map { TextSpec.estimatedWidth(of: $0, size: f) }.max() ?? 0
        if widest <= slot * 0.95 {
            labels = names
            rotated = false
            extraBottom = 0
            return
        }
        let limit = Self.maximumCharacters
        labels = names.map { $0.count > limit ? String($0.prefix(limit - 2)) + ".." : $0 }
        rotated = true
        let depth = labels.map { TextSpec.estimatedWidth(of: $0, size: f) }.max() ?? 0
        extraBottom = max(depth + 4 - (f + 8), 0)
    }
}

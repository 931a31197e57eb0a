import AlmagestCore

/// Per-node gradient histograms of histogram-based boosting (LightGBM, Ke et al., NeurIPS 2017):
/// for every feature and bin, the sums of the gradients, of the hessians and the row count of the
/// node's rows in that bin, three `Double`s per bin (the missing-value bin last). Feature j's bins
/// start at slot `offsets[j]`.
///
/// A node's histogram costs O(rows) per feature; its sibling's is the parent's minus it (the
/// subtraction trick), so each split builds only its smaller child. Accumulation visits the rows
/// in their stored (ascending) order, so the sums do not depend on the thread count.
///
/// ```swift
/// let layout = HistogramLayout(binning: binning)
/// var histogram = [Double](repeating: 0, count: layout.values)
/// GradientHistogram.accumulate(codes: column, rows: segment, gradients: g, hessians: h,
///                              into: histogram + 3 * layout.offsets[j], slots: layout.slots(j))
/// ```
struct HistogramLayout: Sendable {
    /// First slot of each feature, and the total slot count last (`features + 1` entries).
    let offsets: [Int]

    init(binning: FeatureBinning) {
        var offsets = [0]
        for j in 0..<binning.features { offsets.append(offsets[j] + binning.bins(j) + 1) }
        self.offsets = offsets
    }

    /// Slots of feature j: its value bins and the missing bin.
    func slots(_ j: Int) -> Int { offsets[j + 1] - offsets[j] }

    /// Doubles in one histogram of every feature.
    var values: Int { 3 * offsets[offsets.count - 1] }
}

enum GradientHistogram {
    /// Adds the rows `rows` (indices into the feature's `codes`) to the feature histogram `into`
    /// (`slots` bins of three values each, cleared first); `gradients[t]`, `hessians[t]` belong
    /// to `rows[t]` (gathered in the node's order).
    @inline(__always)
    static func accumulate(codes: UnsafePointer<UInt8>, rows: UnsafeBufferPointer<Int32>, gradients: UnsafePointer<Double>,
                           hessians: UnsafePointer<Double>, into histogram: UnsafeMutablePointer<Double>, slots: Int) {
        histogram.update(repeating: 0, count: 3 * slots)
        for t in 0..<rows.count {
            let b = 3 * Int(codes[Int(rows[t])])
            histogram[b] += gradients[t]
            histogram[b + 1] += hessians[t]
            histogram[b + 2] += 1
        }
    }

    /// `sibling = parent − child`, bin by bin, over `slots` bins.
    @inline(__always)
    static func subtract(parent: UnsafePointer<Double>, child: UnsafePointer<Double>,
                         into sibling: UnsafeMutablePointer<Double>, slots: Int) {
        for s in 0..<(3 * slots) { sibling[s] = parent[s] - child[s] }
    }
}

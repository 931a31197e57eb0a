import AlmagestCore

/// Per-node gradient histograms of histogram-based boosting (LightGBM, Ke et al., NeurIPS 2017):
/// for every feature and bin, the sums of the gradients, of the hessians and the row count of the
/// node's rows in that bin, three `Double`s per bin (the missing-value bin last). Feature j's bins
/// start at slot `offsets[j]`.
///
/// A node's histogram costs O(rows) per feature; its sibling's is the parent's minus it (the
/// subtraction trick, with exact zeros in the bins it leaves empty), so each split builds only
/// its smaller child. Accumulation reads the bins row-major, several features per pass over the
/// rows, and visits the rows in their stored (ascending) order, so the sums do not depend on the
/// thread count.
///
/// ```swift
/// let layout = HistogramLayout(binning: binning)
/// let histogram = UnsafeMutablePointer<Double>.allocate(capacity: layout.values)
/// // columns = [j, k], targets = [histogram + 3 * layout.offsets[j], ...], slots = [layout.slots(j), ...]
/// GradientHistogram.accumulate(codes: rowMajorBins, stride: d, columns: columns, rows: segment,
///                              gradients: g, hessians: h, into: targets, slots: slots)
/// GradientHistogram.subtract(parent: parentHistogram, child: histogram, into: parentHistogram, slots: total)
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
    /// Adds the rows `rows` to the histograms of several features at once (each cleared first):
    /// row i's bins are the bytes `codes[i * stride + columns[f]]`, feature f's histogram (`slots[f]`
    /// bins of three values) starts at `into[f]`; `gradients[t]`, `hessians[t]` belong to `rows[t]`
    /// (gathered in the node's order). One pass over the rows serves every feature, and each bin
    /// still adds its rows in their order.
    @inline(__always)
    static func accumulate(codes: UnsafePointer<UInt8>, stride: Int, columns: UnsafeBufferPointer<Int>,
                           rows: UnsafeBufferPointer<Int32>, gradients: UnsafePointer<Double>, hessians: UnsafePointer<Double>,
                           into histograms: UnsafeBufferPointer<UnsafeMutablePointer<Double>>, slots: UnsafeBufferPointer<Int>) {
        for f in 0..<columns.count { histograms[f].update(repeating: 0, count: 3 * slots[f]) }
        for t in 0..<rows.count {
            let row = codes + Int(rows[t]) * stride
            let (g, h) = (gradients[t], hessians[t])
            for f in 0..<columns.count {
                let bin = histograms[f] + 3 * Int(row[columns[f]])
                bin[0] += g
                bin[1] += h
                bin[2] += 1
            }
        }
    }

    /// `sibling = parent − child`, bin by bin, over `slots` bins; a bin left without rows gets
    /// exact zeros (not the rounding of the two sums), so that split finding may add it blindly.
    @inline(__always)
    static func subtract(parent: UnsafePointer<Double>, child: UnsafePointer<Double>,
                         into sibling: UnsafeMutablePointer<Double>, slots: Int) {
        for b in 0..<slots {
            let count = parent[3 * b + 2] - child[3 * b + 2]
            let mask = 0 &- UInt64(unsafeBitCast(count > 0, to: UInt8.self))
            sibling[3 * b] = Double(bitPattern: (parent[3 * b] - child[3 * b]).bitPattern & mask)
            sibling[3 * b + 1] = Double(bitPattern: (parent[3 * b + 1] - child[3 * b + 1]).bitPattern & mask)
            sibling[3 * b + 2] = count
        }
    }
}

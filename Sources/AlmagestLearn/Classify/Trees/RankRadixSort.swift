/// Sorting a node's rows by a feature through the feature's ranks: every column's values are
/// replaced once per training set by their rank among the column's distinct values
/// (`FeatureRanks`, shared by every tree of a forest), and a large node's rows are then sorted by
/// rank with a stable least-significant-digit radix sort of 8-bit digits (`radixSortByRank`),
/// O(n · passes) with no comparisons, instead of an O(n log n) comparison sort whose branches
/// the processor cannot predict. Ranks keep the values' order and ties, so a node sorted either
/// way yields the same thresholds and class counts at each boundary between distinct values.
///
/// ```swift
/// let ranks = FeatureRanks(columns: columns, rows: n, features: d)   // ranks.bits ≤ 32
/// radixSortByRank(keys, rows, scratchKeys, scratchRows, histogram: h, count: m, bits: ranks.bits)
/// ```
struct FeatureRanks: Sendable {
    /// `features` columns of `rows` ranks (feature j at `j * rows`): 0 for a column's smallest
    /// value, equal values equal ranks.
    let ranks: [UInt32]
    /// Bits of the largest rank of any column (at least 1).
    let bits: Int

    init(columns: [Double], rows: Int, features: Int) {
        var largest: UInt32 = 0
        var ranks = [UInt32](repeating: 0, count: rows * features)
        var order = [Int32](repeating: 0, count: rows)
        var sorted = [Double](repeating: 0, count: rows)
        for j in 0..<features {
            for i in 0..<rows { (order[i], sorted[i]) = (Int32(i), columns[j * rows + i]) }
            sorted.withUnsafeMutableBufferPointer { v in
                order.withUnsafeMutableBufferPointer { ix in sortWithIndices(v.baseAddress!, ix.baseAddress!, count: rows) }
            }
            var rank: UInt32 = 0
            for p in 0..<rows {
                if p > 0 && sorted[p] != sorted[p - 1] { rank += 1 }
                ranks[j * rows + Int(order[p])] = rank
            }
            largest = Swift.max(largest, rank)
        }
        self.ranks = ranks
        bits = Swift.max(1, UInt32.bitWidth - largest.leadingZeroBitCount)
    }
}

/// Sorts `keys[0..<count]` ascending, stably, moving `indices` alike, by 8-bit digits from the
/// lowest; `bits` bounds the keys' width. Uses the two scratch buffers of `count` entries and
/// `histogram` of 1,024; the result ends in `keys` and `indices`. Passes whose digit is the same
/// for every key are skipped.
func radixSortByRank(
    _ keys: UnsafeMutablePointer<UInt32>, _ indices: UnsafeMutablePointer<Int32>,
    _ scratchKeys: UnsafeMutablePointer<UInt32>, _ scratchIndices: UnsafeMutablePointer<Int32>,
    histogram: UnsafeMutablePointer<Int>, count: Int, bits: Int
) {
    guard count > 1 else { return }
    let passes = (bits + 7) / 8
    histogram.update(repeating: 0, count: 256 * passes)
    // One read of the keys counts the digits of every pass.
    do {
        let h = histogram
        for i in 0..<count {
            let key = keys[i]
            for pass in 0..<passes { h[pass * 256 + Int((key >> UInt32(8 * pass)) & 0xff)] += 1 }
        }
        var (fromKeys, fromIndices, toKeys, toIndices) = (keys, indices, scratchKeys, scratchIndices)
        for pass in 0..<passes {
            let counts = h + pass * 256
            if counts[Int((fromKeys[0] >> UInt32(8 * pass)) & 0xff)] == count { continue }
            var offset = 0
            for digit in 0..<256 {
                let c = counts[digit]
                counts[digit] = offset
                offset += c
            }
            let shift = UInt32(8 * pass)
            for i in 0..<count {
                let key = fromKeys[i]
                let digit = Int((key >> shift) & 0xff)
                let target = counts[digit]
                counts[digit] = target + 1
                toKeys[target] = key
                toIndices[target] = fromIndices[i]
            }
            swap(&fromKeys, &toKeys)
            swap(&fromIndices, &toIndices)
        }
        if fromKeys != keys {
            keys.update(from: fromKeys, count: count)
            indices.update(from: fromIndices, count: count)
        }
    }
}

import AlmagestCore

/// Quantile binning of the features for histogram-based boosting (as in LightGBM, Ke et al.,
/// NeurIPS 2017, and XGBoost's `hist`, Chen & Guestrin, KDD 2016): each feature gets at most
/// `maxBins` bins (≤ 255) separated by increasing `edges`, and one more bin for missing values
/// (NaN), so a bin index fits a byte.
///
/// A value v falls in bin b when `edges[b-1] < v ≤ edges[b]` (the bin is the number of edges
/// below v), so "bin ≤ b goes left" on the training bins and "v ≤ edges[b] goes left" on raw
/// values send every row the same way. A feature with at most `maxBins` distinct values gets one
/// bin per value, the edges at the midpoints between neighbours (every split of the exact greedy
/// algorithm stays possible); otherwise the edges are midpoints between neighbouring values placed
/// greedily so that each bin holds about its share of the rows still to bin (a heavily repeated
/// value gets a bin of its own, as in LightGBM).
///
/// Cost: O(n) per feature to find the edges (a radix sort), O(n log bins) to bin.
///
/// ```swift
/// let binning = FeatureBinning(fitting: x, maxBins: 255)
/// let bins = binning.bin(x)            // feature-major bytes, missing values in bin edges[j].count + 1
/// ```
public struct FeatureBinning: Codable, Sendable, Equatable {
    /// Per feature, the increasing upper edges of its bins but the last (`bins(j) - 1` of them).
    public let edges: [[Double]]

    /// Edges learned from the rows of `x` (NaN values are left out; a feature without any
    /// finite value gets one bin). `maxBins` must be in 2...255.
    public init(fitting x: Matrix<Double>, maxBins: Int) {
        precondition((2...255).contains(maxBins), "maxBins must be in 2...255, got \(maxBins)")
        let (n, d) = (x.rows, x.columns)
        edges = Parallel.map(d) { j in
            var values = [Double]()
            values.reserveCapacity(n)
            x.withUnsafeBufferPointer { e in
                for i in 0..<n where !e[i * d + j].isNaN { values.append(e[i * d + j]) }
            }
            return binEdges(sorted: radixSorted(values), maxBins: maxBins)
        }
    }

    /// Edges given directly (for tests and decoding).
    public init(edges: [[Double]]) { self.edges = edges }

    /// Number of features.
    public var features: Int { edges.count }

    /// Number of value bins of feature `j` (without the missing bin).
    public func bins(_ j: Int) -> Int { edges[j].count + 1 }

    /// The bin index of missing values of feature `j` (one past its value bins).
    public func missingBin(_ j: Int) -> Int { edges[j].count + 1 }

    /// The bin of value `v` of feature `j`.
    public func bin(_ v: Double, feature j: Int) -> Int {
        v.isNaN ? missingBin(j) : lowerBound(edges[j], v)
    }

    /// Bins of every value of `x` (which has `features` columns), feature-major: value (i, j) at
    /// `j * x.rows + i`. Parallel over features.
    public func bin(_ x: Matrix<Double>) -> BinnedFeatures {
        let (n, d) = (x.rows, x.columns)
        var codes = [UInt8](repeating: 0, count: n * d)
        codes.withUnsafeMutableBufferPointer { out in
            let target = SharedPointer(out.baseAddress!)
            x.withUnsafeBufferPointer { e in
                let source = SharedReadPointer(e.baseAddress!)
                Parallel.forEach(d) { j in
                    let cuts = edges[j], missing = UInt8(cuts.count + 1)
                    for i in 0..<n {
                        let v = source[i * d + j]
                        target[j * n + i] = v.isNaN ? missing : UInt8(truncatingIfNeeded: lowerBound(cuts, v))
                    }
                }
            }
        }
        return BinnedFeatures(codes: codes, rows: n, features: d)
    }
}

/// Bin indices of a data set, feature-major (feature j's `rows` bytes from `j * rows`).
public struct BinnedFeatures: Sendable, Equatable {
    public let codes: [UInt8]
    public let rows: Int
    public let features: Int

    /// Bin of row `i`, feature `j`.
    public subscript(i: Int, j: Int) -> Int { Int(codes[j * rows + i]) }
}

// MARK: - Private

/// Number of entries of the increasing `edges` below `v` (the first index whose edge is ≥ v).
/// The halving keeps no branch on the data (the comparison picks the next base), since the
/// values being binned fall on either side at random.
@inline(__always)
func lowerBound(_ edges: [Double], _ v: Double) -> Int {
    guard !edges.isEmpty else { return 0 }
    var (base, length) = (0, edges.count)
    while length > 1 {
        let half = length / 2
        base = edges[base + half] < v ? base + half : base
        length -= half
    }
    return base + (edges[base] < v ? 1 : 0)
}

/// The finite `values` in increasing order: a least-significant-digit radix sort of their bit
/// patterns mapped to unsigned keys in the same order (negative values flipped whole, positive
/// ones with the sign bit set), one byte per pass, skipping the bytes all keys share. O(n) per
/// pass, against O(n log n) comparisons.
private func radixSorted(_ values: [Double]) -> [Double] {
    let n = values.count, sign: UInt64 = 1 << 63
    guard n > 1 else { return values }
    var keys = values.map { v -> UInt64 in
        let bits = v.bitPattern
        return bits & sign != 0 ? ~bits : bits | sign
    }
    var counts = [Int](repeating: 0, count: 8 * 256)
    for key in keys {
        for pass in 0..<8 { counts[pass * 256 + Int(truncatingIfNeeded: key >> (8 * pass)) & 255] += 1 }
    }
    var other = keys
    for pass in 0..<8 where counts[pass * 256 + Int(truncatingIfNeeded: keys[0] >> (8 * pass)) & 255] != n {
        var next = [Int](repeating: 0, count: 256)
        for digit in 1..<256 { next[digit] = next[digit - 1] + counts[pass * 256 + digit - 1] }
        for key in keys {
            let digit = Int(truncatingIfNeeded: key >> (8 * pass)) & 255
            other[next[digit]] = key
            next[digit] += 1
        }
        swap(&keys, &other)
    }
    return keys.map { key in Double(bitPattern: key & sign != 0 ? key & ~sign : ~key) }
}

/// The edges of one feature from its sorted finite values.
private func binEdges(sorted values: [Double], maxBins: Int) -> [Double] {
    guard let first = values.first else { return [] }
    var distinct = [first]
    for v in values.dropFirst() where v != distinct[distinct.count - 1] { distinct.append(v) }
    if distinct.count <= maxBins {
        return (1..<distinct.count).map { midpoint(distinct[$0 - 1], distinct[$0]) }
    }
    // Quantile cuts, greedily: a bin closes once it holds its share of the rows not yet binned
    // (or when the next value alone would fill a share), so a heavily repeated value gets its own
    // bin and the others still spread over the remaining bins.
    var counts = [Int](repeating: 0, count: distinct.count)
    var position = 0
    for v in values {
        if v != distinct[position] { position += 1 }
        counts[position] += 1
    }
    var cuts = [Double]()
    var (filled, remainingRows, remainingBins) = (0, values.count, maxBins)
    for i in 0..<(distinct.count - 1) where remainingBins > 1 {
        filled += counts[i]
        let share = Double(remainingRows) / Double(remainingBins)
        if Double(filled) >= share || Double(counts[i + 1]) >= share {
            cuts.append(midpoint(distinct[i], distinct[i + 1]))
            remainingRows -= filled
            remainingBins -= 1
            filled = 0
        }
    }
    return cuts
}

/// A value in [a, b) between a < b: their midpoint, or a when rounding lands on b.
private func midpoint(_ a: Double, _ b: Double) -> Double {
    let m = a + (b - a) / 2
    return m < b ? m : a
}

import AlmagestCore

/// Split finding of second-order boosting on one feature's gradient histogram (XGBoost, Chen &
/// Guestrin, KDD 2016, eq. 7): a node with gradient sum G and hessian sum H scores
/// T(G)² / (H + λ), where T is the L1 soft threshold T(G) = sign(G) · max(|G| − α, 0); a split
/// gains score(left) + score(right) − score(node) (XGBoost's convention, without the ½), and a
/// leaf's value is −T(G) / (H + λ). A split is allowed when both children keep at least
/// `minSamplesLeaf` rows and a hessian sum of at least `minChildWeight`, and taken when its gain
/// is positive and at least `gamma`.
///
/// Bins are scanned left to right with the missing values sent right, then (when the node has
/// missing values) left, so the default direction is learned; a node without missing values sends
/// them to the child with more rows. Ties keep the first candidate. Cost: O(bins) per feature.
///
/// ```swift
/// let rules = BoostingSplitRules(lambda: 1, alpha: 0, minChildWeight: 1, minSamplesLeaf: 1, gamma: 0)
/// let best = rules.bestSplit(feature: j, histogram: h, slots: s, total: stats)
/// ```
struct BoostingSplitRules: Sendable {
    let lambda: Double
    let alpha: Double
    let minChildWeight: Double
    let minSamplesLeaf: Int
    let gamma: Double

    /// Smallest gain taken as an improvement (XGBoost's `kRtEps`).
    static let minimumGain = 1e-6

    /// The L1 soft threshold of a gradient sum.
    @inline(__always)
    func thresholded(_ g: Double) -> Double { g > alpha ? g - alpha : (g < -alpha ? g + alpha : 0) }

    /// T(G)² / (H + λ).
    @inline(__always)
    func score(_ g: Double, _ h: Double) -> Double {
        let t = thresholded(g)
        return t * t / (h + lambda)
    }

    /// The Newton step −T(G) / (H + λ) (before the learning rate).
    func leafValue(_ stats: NodeStatistics) -> Double { -thresholded(stats.gradient) / (stats.hessian + lambda) }

    /// Whether a node may split at all: room for two children.
    func canSplit(_ stats: NodeStatistics) -> Bool {
        stats.count >= 2 * Double(minSamplesLeaf) && stats.hessian >= 2 * minChildWeight
    }

    /// The best split of feature `feature` over its histogram (`slots` bins of gradient, hessian
    /// and count; the last holds the missing values) of a node with sums `total`; nil when no
    /// split is allowed or none gains.
    func bestSplit(feature: Int, histogram: UnsafePointer<Double>, slots: Int, total: NodeStatistics) -> SplitCandidate? {
        let valueBins = slots - 1
        let missing = NodeStatistics(gradient: histogram[3 * valueBins], hessian: histogram[3 * valueBins + 1],
                                     count: histogram[3 * valueBins + 2])
        let parent = score(total.gradient, total.hessian)
        var bestGain = Self.minimumGain, bestBin = -1, bestMissingLeft = false
        var left = NodeStatistics()
        // Splits after bin t: bins 0...t left. With missing values, t = valueBins - 1 splits them off.
        let lastBin = missing.count > 0 ? valueBins - 1 : valueBins - 2
        guard lastBin >= 0 else { return nil }
        let (minimumCount, lambda) = (Double(minSamplesLeaf), self.lambda)
        /// The gain of sending `l` left (one division: the two children's scores over a common denominator).
        @inline(__always) func gain(_ l: NodeStatistics) -> Double? {
            let r = total.subtracting(l)
            guard l.count >= minimumCount, r.count >= minimumCount, l.hessian >= minChildWeight,
                  r.hessian >= minChildWeight else { return nil }
            let (tl, tr) = (thresholded(l.gradient), thresholded(r.gradient))
            let (hl, hr) = (l.hessian + lambda, r.hessian + lambda)
            return (tl * tl * hr + tr * tr * hl) / (hl * hr) - parent
        }
        for t in 0...lastBin {
            // An empty bin splits the rows as the bin before it did (the earlier candidate wins).
            if histogram[3 * t + 2] == 0 && t < valueBins - 1 { continue }
            left.add(gradient: histogram[3 * t], hessian: histogram[3 * t + 1], count: histogram[3 * t + 2])
            if let g = gain(left), g > bestGain { (bestGain, bestBin, bestMissingLeft) = (g, t, false) }
            if missing.count > 0 && t < valueBins - 1, let g = gain(left.adding(missing)), g > bestGain {
                (bestGain, bestBin, bestMissingLeft) = (g, t, true)
            }
        }
        guard bestBin >= 0, bestGain >= gamma else { return nil }
        // The sums of the chosen sides.
        var l = NodeStatistics()
        for t in 0...bestBin {
            l.add(gradient: histogram[3 * t], hessian: histogram[3 * t + 1], count: histogram[3 * t + 2])
        }
        if bestMissingLeft { l = l.adding(missing) }
        let r = total.subtracting(l)
        let goesLeft = missing.count > 0 ? bestMissingLeft : l.count >= r.count
        return SplitCandidate(feature: feature, bin: bestBin, missingGoesLeft: goesLeft, gain: bestGain, left: l, right: r)
    }
}

/// Sums of a node's (or a side's) gradients, hessians and rows.
struct NodeStatistics: Sendable, Equatable {
    var gradient = 0.0
    var hessian = 0.0
    var count = 0.0

    @inline(__always)
    mutating func add(gradient g: Double, hessian h: Double, count c: Double) {
        gradient += g
        hessian += h
        count += c
    }

    @inline(__always)
    func adding(_ o: NodeStatistics) -> NodeStatistics {
        NodeStatistics(gradient: gradient + o.gradient, hessian: hessian + o.hessian, count: count + o.count)
    }

    @inline(__always)
    func subtracting(_ o: NodeStatistics) -> NodeStatistics {
        NodeStatistics(gradient: gradient - o.gradient, hessian: hessian - o.hessian, count: count - o.count)
    }
}

/// A split found: rows whose bin of `feature` is at most `bin` go left (missing values as
/// `missingGoesLeft` says), with the sums of both sides.
struct SplitCandidate: Sendable, Equatable {
    let feature: Int
    let bin: Int
    let missingGoesLeft: Bool
    let gain: Double
    let left: NodeStatistics
    let right: NodeStatistics

    /// Whether it beats `other` (a higher gain; the lower feature on ties, as the scan order).
    func isBetter(than other: SplitCandidate?) -> Bool {
        guard let other else { return true }
        return gain > other.gain || (gain == other.gain && feature < other.feature)
    }
}

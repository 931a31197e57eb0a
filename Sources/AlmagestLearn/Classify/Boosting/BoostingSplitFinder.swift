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
/// them to the child with more rows. Ties keep the first candidate. The scan first takes the
/// prefix sums at the non-empty bins only (an empty bin splits the rows as the one before it),
/// without branches, then scores them two at a time (SIMD), then picks the first best; the
/// caller lends the scratch memory. Under a `SplitConstraint` (monotone constraints) a second
/// scan scores the children at their values clamped into the node's bounds and refuses the
/// candidates out of the feature's order (see `MonotoneConstraints`); unconstrained searches
/// never enter it. Cost: O(bins) per feature.
///
/// ```swift
/// let rules = BoostingSplitRules(lambda: 1, alpha: 0, minChildWeight: 1, minSamplesLeaf: 1, gamma: 0)
/// let best = rules.bestSplit(feature: j, histogram: h, slots: s, total: stats, scratch: buffer)
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

    /// Scratch values `bestSplit` needs for a feature of `slots` bins.
    static func scratchCapacity(slots: Int) -> Int { 6 * (slots + 2) }

    /// The best split of feature `feature` over its histogram (`slots` bins of gradient, hessian
    /// and count; the last holds the missing values) of a node with sums `total`; nil when no
    /// split is allowed or none gains. With a `constraint`, gains are taken at the children's
    /// values clamped into its bounds, and splits against its direction are not allowed.
    /// `scratch` holds at least `scratchCapacity(slots:)` values.
    func bestSplit(feature: Int, histogram: UnsafePointer<Double>, slots: Int, total: NodeStatistics,
                   scratch: UnsafeMutablePointer<Double>, constraint: SplitConstraint? = nil) -> SplitCandidate? {
        let valueBins = slots - 1
        let missing = NodeStatistics(gradient: histogram[3 * valueBins], hessian: histogram[3 * valueBins + 1],
                                     count: histogram[3 * valueBins + 2])
        // Splits after bin t: bins 0...t left. With missing values, t = valueBins - 1 splits them off.
        let lastBin = missing.count > 0 ? valueBins - 1 : valueBins - 2
        guard lastBin >= 0 else { return nil }
        let sums = PrefixSums(base: scratch, capacity: slots + 2)
        let count = sums.fill(histogram: histogram, through: lastBin, keepingBin: valueBins - 1)
        if let constraint {
            evaluate(sums, count: count, total: total, within: constraint, into: sums.rightGains)
            if missing.count > 0 {
                evaluate(sums, count: count, total: total, adding: missing, within: constraint, into: sums.leftGains)
            }
        } else {
            evaluate(sums, count: count, total: total, into: sums.rightGains)
            if missing.count > 0 {
                evaluate(sums, count: count, total: total, adding: missing, into: sums.leftGains)
            }
        }
        // The first best candidate in scan order: bin by bin, missing values right, then left.
        var best = (gain: Self.minimumGain, entry: -1, missingLeft: false)
        for k in 0..<count {
            if sums.rightGains[k] > best.gain { best = (sums.rightGains[k], k, false) }
            if missing.count > 0 && sums.leftGains[k] > best.gain && sums.bin(k) < valueBins - 1 {
                best = (sums.leftGains[k], k, true)
            }
        }
        guard best.entry >= 0, best.gain >= gamma else { return nil }
        var l = NodeStatistics(gradient: sums.gradients[best.entry], hessian: sums.hessians[best.entry],
                               count: sums.counts[best.entry])
        if best.missingLeft { l = l.adding(missing) }
        let r = total.subtracting(l)
        let goesLeft = missing.count > 0 ? best.missingLeft : l.count >= r.count
        return SplitCandidate(feature: feature, bin: sums.bin(best.entry), missingGoesLeft: goesLeft, gain: best.gain,
                              left: l, right: r)
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

// MARK: - Private

/// The left sides' sums of one feature's candidate splits (the non-empty bins), and their gains,
/// in scratch memory of six arrays of `capacity` values.
private struct PrefixSums {
    let gradients: UnsafeMutablePointer<Double>
    let hessians: UnsafeMutablePointer<Double>
    let counts: UnsafeMutablePointer<Double>
    let bins: UnsafeMutablePointer<Double>
    let rightGains: UnsafeMutablePointer<Double>
    let leftGains: UnsafeMutablePointer<Double>

    init(base: UnsafeMutablePointer<Double>, capacity: Int) {
        (gradients, hessians, counts) = (base, base + capacity, base + 2 * capacity)
        (bins, rightGains, leftGains) = (base + 3 * capacity, base + 4 * capacity, base + 5 * capacity)
    }

    /// The bin of entry k.
    func bin(_ k: Int) -> Int { Int(bins[k].bitPattern) }

    /// Prefix sums of bins 0...t for every non-empty bin t up to `lastBin`, and for `keepingBin`
    /// (the split off of the missing values) even when empty; returns how many. An empty bin
    /// splits the rows as the bin before it did (its equal gain would lose to that earlier
    /// candidate), so it is left out; without branches, as emptiness follows the data. Its sums
    /// are exact zeros (`GradientHistogram.subtract` leaves no rounding in empty bins), so it
    /// changes nothing. One padding entry follows, with a count of 0 (never allowed).
    func fill(histogram: UnsafePointer<Double>, through lastBin: Int, keepingBin: Int) -> Int {
        var (g, h, c) = (0.0, 0.0, 0.0)
        var k = 0
        for t in 0...lastBin {
            let binCount = histogram[3 * t + 2]
            g += histogram[3 * t]
            h += histogram[3 * t + 1]
            c += binCount
            (gradients[k], hessians[k], counts[k], bins[k]) = (g, h, c, Double(bitPattern: UInt64(t)))
            k &+= Int(unsafeBitCast(binCount > 0, to: UInt8.self) | unsafeBitCast(t == keepingBin, to: UInt8.self))
        }
        (gradients[k], hessians[k], counts[k]) = (g, h, 0)
        return k
    }
}

extension BoostingSplitRules {
    /// The gains of sending each entry's sums (plus `extra`) left, −∞ where a child would be too
    /// small: two entries at a time, one division each (the two children's scores over a common
    /// denominator), no branch.
    fileprivate func evaluate(_ sums: PrefixSums, count: Int, total: NodeStatistics, adding extra: NodeStatistics = NodeStatistics(),
                              into gains: UnsafeMutablePointer<Double>) {
        typealias Pair = SIMD2<Double>
        let parent = Pair(repeating: score(total.gradient, total.hessian))
        let (tg, th, tc) = (Pair(repeating: total.gradient), Pair(repeating: total.hessian), Pair(repeating: total.count))
        let (eg, eh, ec) = (Pair(repeating: extra.gradient), Pair(repeating: extra.hessian), Pair(repeating: extra.count))
        let (minimumCount, minimumHessian) = (Pair(repeating: Double(minSamplesLeaf)), Pair(repeating: minChildWeight))
        let (lambda, alpha, none) = (Pair(repeating: self.lambda), Pair(repeating: self.alpha), Pair(repeating: -.infinity))
        let thresholds = self.alpha > 0
        @inline(__always) func load(_ p: UnsafeMutablePointer<Double>) -> Pair { UnsafeRawPointer(p).loadUnaligned(as: Pair.self) }
        for k in stride(from: 0, to: count, by: 2) {
            let gl = load(sums.gradients + k) + eg, hl = load(sums.hessians + k) + eh, cl = load(sums.counts + k) + ec
            let (gr, hr, cr) = (tg - gl, th - hl, tc - cl)
            let allowed = (cl .>= minimumCount) .& (cr .>= minimumCount) .& (hl .>= minimumHessian) .& (hr .>= minimumHessian)
            var (tl, tr) = (gl, gr)
            if thresholds {
                // The soft threshold g − clamp(g, −α, α).
                tl = gl - pointwiseMin(pointwiseMax(gl, -alpha), alpha)
                tr = gr - pointwiseMin(pointwiseMax(gr, -alpha), alpha)
            }
            let (sl, sr) = (hl + lambda, hr + lambda)
            let value = (tl * tl * sr + tr * tr * sl) / (sl * sr) - parent
            UnsafeMutableRawPointer(gains + k).storeBytes(of: value.replacing(with: none, where: .!allowed), as: Pair.self)
        }
    }

    /// `evaluate` under a monotone constraint: each child's value is its step −T(G)/(H+λ) clamped
    /// into the node's bounds, its score −(2Gw + (H+λ)w² + 2α|w|) at that value w, the node's the
    /// same at its own clamped step; −∞ also where the children's values go against the
    /// direction (left above right for +1, below for −1; equal values are allowed). Two entries
    /// at a time, two divisions each, no branch.
    fileprivate func evaluate(_ sums: PrefixSums, count: Int, total: NodeStatistics, adding extra: NodeStatistics = NodeStatistics(),
                              within constraint: SplitConstraint, into gains: UnsafeMutablePointer<Double>) {
        typealias Pair = SIMD2<Double>
        let bounds = constraint.bounds
        let parent = Pair(repeating: score(total.gradient, total.hessian, at: leafValue(total, within: bounds)))
        let (tg, th, tc) = (Pair(repeating: total.gradient), Pair(repeating: total.hessian), Pair(repeating: total.count))
        let (eg, eh, ec) = (Pair(repeating: extra.gradient), Pair(repeating: extra.hessian), Pair(repeating: extra.count))
        let (minimumCount, minimumHessian) = (Pair(repeating: Double(minSamplesLeaf)), Pair(repeating: minChildWeight))
        let (lambda, alpha, none) = (Pair(repeating: self.lambda), Pair(repeating: self.alpha), Pair(repeating: -.infinity))
        let (lower, upper) = (Pair(repeating: bounds.lower), Pair(repeating: bounds.upper))
        let (direction, zero, two) = (Pair(repeating: Double(constraint.direction)), Pair(repeating: 0), Pair(repeating: 2))
        @inline(__always) func load(_ p: UnsafeMutablePointer<Double>) -> Pair { UnsafeRawPointer(p).loadUnaligned(as: Pair.self) }
        @inline(__always) func scored(_ g: Pair, _ s: Pair, _ w: Pair) -> Pair {
            -(two * g * w + s * w * w + two * alpha * pointwiseMax(w, -w))
        }
        for k in stride(from: 0, to: count, by: 2) {
            let gl = load(sums.gradients + k) + eg, hl = load(sums.hessians + k) + eh, cl = load(sums.counts + k) + ec
            let (gr, hr, cr) = (tg - gl, th - hl, tc - cl)
            // The soft threshold g − clamp(g, −α, α) (g itself for α = 0).
            let tl = gl - pointwiseMin(pointwiseMax(gl, -alpha), alpha)
            let tr = gr - pointwiseMin(pointwiseMax(gr, -alpha), alpha)
            let (sl, sr) = (hl + lambda, hr + lambda)
            let wl = pointwiseMin(pointwiseMax(-tl / sl, lower), upper)
            let wr = pointwiseMin(pointwiseMax(-tr / sr, lower), upper)
            let allowed = (cl .>= minimumCount) .& (cr .>= minimumCount) .& (hl .>= minimumHessian) .& (hr .>= minimumHessian)
                .& (direction * (wr - wl) .>= zero)
            let value = scored(gl, sl, wl) + scored(gr, sr, wr) - parent
            UnsafeMutableRawPointer(gains + k).storeBytes(of: value.replacing(with: none, where: .!allowed), as: Pair.self)
        }
    }
}

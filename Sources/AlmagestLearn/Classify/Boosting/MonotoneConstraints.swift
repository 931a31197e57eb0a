import AlmagestCore

/// Monotone constraints of gradient-boosted trees, the basic method of XGBoost
/// (`monotone_constraints`) and LightGBM (`monotone_constraints_method=basic`): a feature of
/// direction +1 may only raise a tree's value as it grows, −1 only lower it, 0 leaves it free.
///
/// Every node carries bounds [lower, upper] on its leaf value (the root is unbounded). The split
/// search of a node clamps each candidate child's Newton step −T(G)/(H+λ) into the node's bounds,
/// scores the child at that clamped value w as −(2Gw + (H+λ)w² + 2α|w|) (twice the regularised
/// loss reduction; T(G)²/(H+λ) when nothing is clamped) and, on a constrained feature, refuses a
/// candidate whose left value is above its right one (+1) or below it (−1). After a split on a
/// constrained feature the children's bounds meet at the midpoint of their two values (XGBoost's
/// rule: the left child's upper bound and the right child's lower bound for +1, the other way
/// round for −1); a split on any other feature passes the node's bounds down to both children.
/// Leaves take their clamped steps. So every leaf under a left child is on the constrained side
/// of every leaf under its right sibling, and each tree, and the sum of trees, is monotone in the
/// feature (for two classes the probability σ(F) too; for K classes each class's score F_k is,
/// as in XGBoost, but a softmax probability need not be, since the other scores move as well).
///
/// Missing values are searched as without constraints (their rows join one side's sums, which
/// the left/right check and the clamped scores then include); the constraint is on the non-missing
/// values, the only ones a threshold orders. Unconstrained training never builds this value, and
/// the split search keeps its unconstrained scan (one division per candidate instead of two).
///
/// ```swift
/// let monotone = MonotoneConstraints([1, 0, -1])          // nil when every direction is 0
/// let (left, right) = monotone!.childBounds(of: node.bounds, split: split, rules: rules)
/// ```
struct MonotoneConstraints: Sendable, Equatable {
    /// Per feature: +1 increasing, −1 decreasing, 0 free.
    let directions: [Int]

    /// Nil when no feature is constrained (empty or all zeros), so that unconstrained training
    /// runs exactly as without the option.
    init?(_ directions: [Int]) {
        guard directions.contains(where: { $0 != 0 }) else { return nil }
        self.directions = directions
    }

    /// What the split search of a node with `bounds` obeys on `feature`.
    func constraint(bounds: LeafBounds, feature: Int) -> SplitConstraint {
        SplitConstraint(bounds: bounds, direction: directions[feature])
    }

    /// The bounds of the children of a node with `bounds` split by `split`: met at the midpoint of
    /// the children's clamped values after a split on a constrained feature, the node's own
    /// otherwise.
    func childBounds(of bounds: LeafBounds, split: SplitCandidate, rules: BoostingSplitRules) -> (left: LeafBounds, right: LeafBounds) {
        let direction = directions[split.feature]
        guard direction != 0 else { return (bounds, bounds) }
        let middle = (rules.leafValue(split.left, within: bounds) + rules.leafValue(split.right, within: bounds)) / 2
        var (left, right) = (bounds, bounds)
        if direction > 0 {
            (left.upper, right.lower) = (middle, middle)
        } else {
            (left.lower, right.upper) = (middle, middle)
        }
        return (left, right)
    }
}

/// The interval a node's leaf value is clamped into.
struct LeafBounds: Sendable, Equatable {
    var lower = -Double.infinity
    var upper = Double.infinity

    /// No bound (the root's).
    static let unbounded = LeafBounds()

    @inline(__always)
    func clamped(_ value: Double) -> Double { Swift.min(Swift.max(value, lower), upper) }
}

/// A node's bounds and the direction of the feature whose split is searched (0 for a free one,
/// whose values are still clamped).
struct SplitConstraint: Sendable, Equatable {
    let bounds: LeafBounds
    let direction: Int
}

extension BoostingSplitRules {
    /// The Newton step of `stats` clamped into `bounds`.
    func leafValue(_ stats: NodeStatistics, within bounds: LeafBounds) -> Double { bounds.clamped(leafValue(stats)) }

    /// −(2Gw + (H+λ)w² + 2α|w|): the score of a child that takes value `w` instead of its own
    /// step (equal to T(G)²/(H+λ) at w = −T(G)/(H+λ)).
    @inline(__always)
    func score(_ g: Double, _ h: Double, at w: Double) -> Double { -(2 * g * w + (h + lambda) * w * w + 2 * alpha * abs(w)) }
}

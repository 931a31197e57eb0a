import AlmagestCore
import Foundation

/// Exact discrete optimal transport (the earth mover's distance) by the transportation simplex
/// (Dantzig 1951; the "MODI" / u-v method, e.g. Hillier & Lieberman, Introduction to Operations
/// Research, ch. 9): minimise Σ_ij P_ij C_ij over P ≥ 0 with row sums `a` and column sums `b`.
/// Start from the north-west-corner basis (a spanning tree of m + n − 1 cells), compute the dual
/// potentials u_i + v_j = C_ij on the tree, bring in the cell of most negative reduced cost
/// C_ij − u_i − v_j, and push flow round the cycle it closes, until no reduced cost is negative.
/// The result is exact up to rounding (no regularisation), with the optimal dual potentials
/// (u, v): the cost equals Σ a_i u_i + Σ b_j v_j and is the gradient of the cost in a (and b), up
/// to a constant, where the problem is non-degenerate.
///
/// Cost: O(m n) per pivot (pricing) plus O(m + n) for the tree; the number of pivots grows
/// roughly like (m + n)·log — fine up to a few hundred points a side. For larger batches use
/// `SinkhornTransport`. A pivot cap (`maxPivots`) stops a degenerate cycle; the result then is a
/// feasible but possibly sub-optimal plan and `optimal` is false.
///
/// ```swift
/// let plan = try ExactTransport().solve(a: [0.5, 0.5], b: [1], cost: c)   // c: 2 x 1
/// plan.cost, plan.u, plan.v
/// ```
public struct ExactTransport: Sendable, Equatable {
    /// Most pivots before giving up (0: 50 (m + n)²).
    public var maxPivots: Int
    /// A reduced cost above −tolerance · max|C| counts as non-negative.
    public var tolerance: Double

    public init(maxPivots: Int = 0, tolerance: Double = 1e-14) {
        self.maxPivots = maxPivots
        self.tolerance = tolerance
    }

    /// An optimal plan: its cost, the dual potentials and whether optimality was reached.
    public struct Solution: Sendable, Equatable {
        public var cost: Double
        public var u: [Double]
        public var v: [Double]
        public var optimal: Bool
        public var pivots: Int
    }

    /// Solves the problem for masses `a` (m), `b` (n) of equal totals and costs `cost` (m x n).
    public func solve(a: [Double], b: [Double], cost: Matrix<Double>) throws -> Solution {
        let m = a.count, n = b.count
        guard m > 0, n > 0, cost.rows == m, cost.columns == n else {
            throw FitError.invalidParameter(
                name: "transport cost", value: "\(cost.rows) x \(cost.columns)", expected: "\(m) x \(n) (masses' lengths), both > 0")
        }
        guard a.allSatisfy({ $0 >= 0 && $0.isFinite }), b.allSatisfy({ $0 >= 0 && $0.isFinite }) else {
            throw FitError.invalidParameter(name: "transport masses", value: "negative or non-finite", expected: "finite masses ≥ 0")
        }
        let c = cost.withUnsafeBufferPointer { Array($0) }
        guard c.allSatisfy(\.isFinite) else {
            throw FitError.invalidParameter(name: "transport cost", value: "non-finite entry", expected: "finite costs")
        }
        var flow = [Double](repeating: 0, count: m * n)
        var basic = [Bool](repeating: false, count: m * n)
        var cells: [Int] = []  // basic cells i * n + j
        cells.reserveCapacity(m + n - 1)
        // North-west corner: m + n − 1 cells, a spanning tree of rows and columns.
        var ra = a, rb = b, i = 0, j = 0
        while true {
            let q = min(ra[i], rb[j])
            flow[i * n + j] = q
            basic[i * n + j] = true
            cells.append(i * n + j)
            ra[i] -= q
            rb[j] -= q
            if i == m - 1 && j == n - 1 { break }
            if j == n - 1 || (i < m - 1 && ra[i] <= rb[j]) { i += 1 } else { j += 1 }
        }
        let scale = max(c.map(abs).max() ?? 0, 1e-300)
        let limit = maxPivots > 0 ? maxPivots : 50 * (m + n) * (m + n)
        var u = [Double](repeating: 0, count: m), v = [Double](repeating: 0, count: n)
        var pivots = 0, optimal = false
        var tree = Tree(m: m, n: n)
        while true {
            tree.build(cells: cells, n: n)
            tree.potentials(cost: c, u: &u, v: &v)
            // Pricing (Dantzig): the most negative reduced cost.
            let entering = Self.price(c, basic, u, v, m: m, n: n, threshold: -tolerance * scale)
            if entering < 0 { optimal = true; break }
            if pivots >= limit { break }
            pivots += 1
            // The cycle: entering (+), then the tree path from its column back to its row,
            // alternating −, +, − ...
            let path = tree.path(fromColumn: entering % n, toRow: entering / n, n: n)
            var theta = Double.infinity, leaving = -1
            for (index, cell) in path.enumerated() where index % 2 == 0 && flow[cell] < theta {
                theta = flow[cell]
                leaving = cell
            }
            for (index, cell) in path.enumerated() { flow[cell] += index % 2 == 0 ? -theta : theta }
            flow[entering] += theta
            flow[leaving] = 0
            basic[leaving] = false
            basic[entering] = true
            cells[cells.firstIndex(of: leaving)!] = entering
        }
        var total = 0.0
        for cell in cells { total += flow[cell] * c[cell] }
        return Solution(cost: total, u: u, v: v, optimal: optimal, pivots: pivots)
    }
}

// MARK: - Private

extension ExactTransport {
    /// The non-basic cell of most negative reduced cost below `threshold`, or −1.
    fileprivate static func price(_ c: [Double], _ basic: [Bool], _ u: [Double], _ v: [Double], m: Int, n: Int, threshold: Double) -> Int {
        c.withUnsafeBufferPointer { c in
            basic.withUnsafeBufferPointer { basic in
                v.withUnsafeBufferPointer { v in
                    var best = threshold, entering = -1
                    for r in 0..<m {
                        let ur = u[r], base = r * n
                        var s = 0
                        while s < n {
                            let reduced = c[base + s] - ur - v[s]
                            if reduced < best && !basic[base + s] { best = reduced; entering = base + s }
                            s += 1
                        }
                    }
                    return entering
                }
            }
        }
    }
}

/// The basis as a tree over nodes 0..<m (rows) and m..<m+n (columns).
private struct Tree {
    let m: Int, n: Int
    var start: [Int]      // CSR offsets of each node's neighbours
    var neighbour: [Int]  // (node, cell) pairs flattened: node at 2e, cell at 2e + 1
    var order: [Int] = []
    var parent: [Int]
    var parentCell: [Int]

    init(m: Int, n: Int) {
        self.m = m
        self.n = n
        start = [Int](repeating: 0, count: m + n + 1)
        neighbour = []
        parent = [Int](repeating: -1, count: m + n)
        parentCell = [Int](repeating: -1, count: m + n)
    }

    mutating func build(cells: [Int], n: Int) {
        var degree = [Int](repeating: 0, count: m + n + 1)
        for cell in cells { degree[cell / n + 1] += 1; degree[m + cell % n + 1] += 1 }
        for k in 0..<(m + n) { degree[k + 1] += degree[k] }
        start = degree
        var fill = degree
        neighbour = [Int](repeating: 0, count: 2 * 2 * cells.count)
        for cell in cells {
            let r = cell / n, s = m + cell % n
            neighbour[2 * fill[r]] = s; neighbour[2 * fill[r] + 1] = cell; fill[r] += 1
            neighbour[2 * fill[s]] = r; neighbour[2 * fill[s] + 1] = cell; fill[s] += 1
        }
        // Breadth-first from row 0: parents and an order for the potentials.
        for k in 0..<(m + n) { parent[k] = -1; parentCell[k] = -1 }
        order = [0]
        order.reserveCapacity(m + n)
        parent[0] = 0
        var head = 0
        while head < order.count {
            let node = order[head]
            head += 1
            for e in start[node]..<start[node + 1] where parent[neighbour[2 * e]] < 0 {
                let next = neighbour[2 * e]
                parent[next] = node
                parentCell[next] = neighbour[2 * e + 1]
                order.append(next)
            }
        }
    }

    func potentials(cost: [Double], u: inout [Double], v: inout [Double]) {
        u[0] = 0
        for node in order.dropFirst() {
            let cell = parentCell[node]
            if node < m { u[node] = cost[cell] - v[parent[node] - m] } else { v[node - m] = cost[cell] - u[parent[node]] }
        }
    }

    /// The cells on the tree path from column node `column` to row `row`, in order.
    func path(fromColumn column: Int, toRow row: Int, n: Int) -> [Int] {
        // Ancestors of each end up to the root, then join at the lowest common ancestor.
        var depth = [Int: Int]()
        var a = m + column, steps = 0
        var upA: [Int] = []
        while true {
            depth[a] = steps
            if a == 0 { break }
            upA.append(parentCell[a])
            a = parent[a]
            steps += 1
        }
        var upB: [Int] = []
        var b = row
        while depth[b] == nil {
            upB.append(parentCell[b])
            b = parent[b]
        }
        let common = depth[b]!
        return Array(upA.prefix(common)) + upB.reversed()
    }
}

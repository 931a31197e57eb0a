/// A quadtree (2-D) or octree (3-D) over points, each node summarised by its point count and
/// centre of mass: the space-partitioning tree of Barnes-Hut force approximation.
///
/// Reference: J. Barnes and P. Hut, "A hierarchical O(N log N) force-calculation algorithm",
/// Nature 1986; as used for t-SNE by L. van der Maaten, "Accelerating t-SNE using tree-based
/// algorithms", JMLR 2014. A node whose cell width w and distance d to a point satisfy `w / d < θ`
/// stands in for all its points. Identical points share one leaf; below `maximumDepth` levels a
/// leaf keeps several points, so building never loops. Build O(n log n), one query O(log n) for
/// θ > 0 (O(n) for θ = 0, the exact sum). Nodes live in flat arrays; a built tree is read-only
/// and can be queried from many threads.
///
/// ```swift
/// let tree = SpacePartitioningTree(points: y, count: n, dimensions: 2)
/// var stack: [Int32] = []
/// let (z, force) = tree.repulsion(on: i, points: y, theta: 0.5, stack: &stack)
/// ```
struct SpacePartitioningTree: Sendable {
    /// Levels below which leaves stop splitting (identical or nearly identical points).
    static let maximumDepth = 48

    /// One cell: its geometry, its summary and its links (the third coordinate is 0 in 2-D).
    struct Node {
        var centre: (Double, Double, Double)
        var halfWidth: Double
        /// Sum of the points while building, their centre of mass after.
        var mass: (Double, Double, Double) = (0, 0, 0)
        var count = 0
        /// Index of the first of the 2^dimensions children, or -1 for a leaf.
        var firstChild: Int32 = -1
        /// For a leaf: one of its points (the first inserted), or -1 when empty.
        var point: Int32 = -1
    }

    let dimensions: Int
    private let childCount: Int
    private var nodes: [Node] = []

    /// Builds the tree over `count` points stored row-major with `dimensions` coordinates each.
    init(points y: UnsafePointer<Double>, count n: Int, dimensions: Int) {
        self.dimensions = dimensions
        childCount = 1 << dimensions
        var lower = (Double.infinity, Double.infinity, dimensions == 3 ? Double.infinity : 0)
        var upper = (-Double.infinity, -Double.infinity, dimensions == 3 ? -Double.infinity : 0)
        for i in 0..<n {
            let p = Self.coordinates(y, i, dimensions)
            lower = (Swift.min(lower.0, p.0), Swift.min(lower.1, p.1), Swift.min(lower.2, p.2))
            upper = (Swift.max(upper.0, p.0), Swift.max(upper.1, p.1), Swift.max(upper.2, p.2))
        }
        let width = n > 0 ? Swift.max(upper.0 - lower.0, upper.1 - lower.1, upper.2 - lower.2) : 1
        nodes.reserveCapacity(Swift.max(2 * n, 1))
        nodes.append(Node(
            centre: n > 0 ? ((lower.0 + upper.0) / 2, (lower.1 + upper.1) / 2, (lower.2 + upper.2) / 2) : (0, 0, 0),
            halfWidth: Swift.max(width / 2 * (1 + 1e-6), 1e-12)))
        for i in 0..<n { insert(i, y) }
        for k in nodes.indices where nodes[k].count > 0 {
            let c = Double(nodes[k].count)
            nodes[k].mass = (nodes[k].mass.0 / c, nodes[k].mass.1 / c, nodes[k].mass.2 / c)
        }
    }

    /// The Barnes-Hut sums for point `i`: `z = Σ_{j≠i} q_ij` and `force = Σ_{j≠i} q_ij² (y_i - y_j)`
    /// with `q_ij = 1 / (1 + |y_i - y_j|²)`, summarising a cell when its width / distance < θ.
    /// `force` must hold `dimensions` values; it is overwritten.
    func repulsion(
        on i: Int, points y: UnsafePointer<Double>, theta: Double, force: UnsafeMutablePointer<Double>,
        stack: inout [Int32]
    ) -> Double {
        let p = Self.coordinates(y, i, dimensions)
        let thetaSquared = theta * theta
        let children = Int32(childCount)
        var z = 0.0
        var f = (0.0, 0.0, 0.0)
        stack.removeAll(keepingCapacity: true)
        stack.append(0)
        nodes.withUnsafeBufferPointer { nodes in
            while let last = stack.popLast() {
                let node = nodes[Int(last)]
                if node.count == 0 { continue }
                let dx = p.0 - node.mass.0, dy = p.1 - node.mass.1, dz = p.2 - node.mass.2
                let distanceSquared = dx * dx + dy * dy + dz * dz
                let isLeaf = node.firstChild < 0
                let side = 2 * node.halfWidth
                if isLeaf || side * side < thetaSquared * distanceSquared {
                    if isLeaf && distanceSquared == 0 {
                        // The leaf holding point i itself (and any duplicates of it): q = 1, no force.
                        z += Double(node.count - 1)
                        continue
                    }
                    let q = 1 / (1 + distanceSquared)
                    let weight = Double(node.count) * q
                    z += weight
                    let w = weight * q
                    f = (f.0 + w * dx, f.1 + w * dy, f.2 + w * dz)
                } else {
                    for c in 0..<children { stack.append(node.firstChild + c) }
                }
            }
        }
        force[0] = f.0
        force[1] = f.1
        if dimensions == 3 { force[2] = f.2 }
        return z
    }
}

// MARK: - Private

extension SpacePartitioningTree {
    @inline(__always)
    private static func coordinates(_ y: UnsafePointer<Double>, _ i: Int, _ d: Int) -> (Double, Double, Double) {
        (y[i * d], y[i * d + 1], d == 3 ? y[i * d + 2] : 0)
    }

    /// Child of `node` whose cell holds `p` (bit a set: above the centre on axis a).
    private func child(of node: Node, for p: (Double, Double, Double)) -> Int {
        var index = p.0 > node.centre.0 ? 1 : 0
        if p.1 > node.centre.1 { index |= 2 }
        if dimensions == 3 && p.2 > node.centre.2 { index |= 4 }
        return Int(node.firstChild) + index
    }

    private mutating func insert(_ i: Int, _ y: UnsafePointer<Double>) {
        let p = Self.coordinates(y, i, dimensions)
        var k = 0, depth = 0
        while true {
            if nodes[k].firstChild >= 0 {
                nodes[k].count += 1
                nodes[k].mass = (nodes[k].mass.0 + p.0, nodes[k].mass.1 + p.1, nodes[k].mass.2 + p.2)
                k = child(of: nodes[k], for: p)
                depth += 1
                continue
            }
            if nodes[k].count == 0 {
                nodes[k].count = 1
                nodes[k].mass = p
                nodes[k].point = Int32(i)
                return
            }
            let resident = Self.coordinates(y, Int(nodes[k].point), dimensions)
            if resident == p || depth >= Self.maximumDepth {
                nodes[k].count += 1
                nodes[k].mass = (nodes[k].mass.0 + p.0, nodes[k].mass.1 + p.1, nodes[k].mass.2 + p.2)
                return
            }
            // Split: the resident points (identical copies of one point) move to one child, then the
            // loop descends again with the new point through the now internal node.
            let h = nodes[k].halfWidth / 2
            let c = nodes[k].centre
            nodes[k].firstChild = Int32(nodes.count)
            for index in 0..<childCount {
                let offset = (index & 1 == 1 ? h : -h, index & 2 == 2 ? h : -h, dimensions == 3 ? (index & 4 == 4 ? h : -h) : 0)
                nodes.append(Node(centre: (c.0 + offset.0, c.1 + offset.1, c.2 + offset.2), halfWidth: h))
            }
            let target = child(of: nodes[k], for: resident)
            nodes[target].count = nodes[k].count
            nodes[target].mass = nodes[k].mass
            nodes[target].point = nodes[k].point
            nodes[k].point = -1
        }
    }
}

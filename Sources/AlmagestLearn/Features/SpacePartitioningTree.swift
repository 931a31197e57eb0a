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

    let dimensions: Int
    private let childCount: Int
    /// Per node: centre of the cell (`dimensions` values).
    private var centre: [Double] = []
    /// Per node: half the side of the (cubic) cell.
    private var halfWidth: [Double] = []
    /// Per node: sum of the points, then (after `finish`) their centre of mass.
    private var mass: [Double] = []
    private var count: [Int] = []
    /// Per node: index of the first of `childCount` children, or -1 for a leaf.
    private var firstChild: [Int32] = []
    /// Per leaf: one of its points (the first inserted), or -1 when empty.
    private var point: [Int32] = []

    /// Builds the tree over `count` points stored row-major with `dimensions` coordinates each.
    init(points y: UnsafePointer<Double>, count n: Int, dimensions: Int) {
        self.dimensions = dimensions
        childCount = 1 << dimensions
        var lower = [Double](repeating: .infinity, count: dimensions)
        var upper = [Double](repeating: -.infinity, count: dimensions)
        for i in 0..<n {
            for a in 0..<dimensions {
                lower[a] = Swift.min(lower[a], y[i * dimensions + a])
                upper[a] = Swift.max(upper[a], y[i * dimensions + a])
            }
        }
        var width = 0.0
        for a in 0..<dimensions { width = Swift.max(width, upper[a] - lower[a]) }
        let half = Swift.max(width / 2 * (1 + 1e-6), 1e-12)
        reserve(Swift.max(2 * n, 1))
        addNode(centre: (0..<dimensions).map { (lower[$0] + upper[$0]) / 2 }, halfWidth: n > 0 ? half : 1)
        for i in 0..<n { insert(i, y) }
        for node in 0..<self.count.count where self.count[node] > 0 {
            let c = Double(self.count[node])
            for a in 0..<dimensions { mass[node * dimensions + a] /= c }
        }
    }

    /// The Barnes-Hut sums for point `i`: `z = Σ_{j≠i} q_ij` and `force = Σ_{j≠i} q_ij² (y_i - y_j)`
    /// with `q_ij = 1 / (1 + |y_i - y_j|²)`, summarising a cell when its width / distance < θ.
    /// `force` must hold `dimensions` values; it is overwritten.
    func repulsion(
        on i: Int, points y: UnsafePointer<Double>, theta: Double, force: UnsafeMutablePointer<Double>,
        stack: inout [Int32]
    ) -> Double {
        let d = dimensions
        var z = 0.0
        for a in 0..<d { force[a] = 0 }
        let thetaSquared = theta * theta
        stack.removeAll(keepingCapacity: true)
        stack.append(0)
        var delta = (0.0, 0.0, 0.0)
        while let last = stack.popLast() {
            let node = Int(last)
            let m = count[node]
            if m == 0 { continue }
            delta.0 = y[i * d] - mass[node * d]
            delta.1 = y[i * d + 1] - mass[node * d + 1]
            delta.2 = d == 3 ? y[i * d + 2] - mass[node * d + 2] : 0
            let distanceSquared = delta.0 * delta.0 + delta.1 * delta.1 + delta.2 * delta.2
            let isLeaf = firstChild[node] < 0
            let side = 2 * halfWidth[node]
            if isLeaf || side * side < thetaSquared * distanceSquared {
                if isLeaf && distanceSquared == 0 {
                    // The leaf holding point i itself (and any duplicates of it): q = 1, no force.
                    z += Double(m - 1)
                    continue
                }
                let q = 1 / (1 + distanceSquared)
                let weight = Double(m) * q
                z += weight
                let f = weight * q
                force[0] += f * delta.0
                force[1] += f * delta.1
                if d == 3 { force[2] += f * delta.2 }
            } else {
                let first = firstChild[node]
                for c in 0..<Int32(childCount) { stack.append(first + c) }
            }
        }
        return z
    }
}

// MARK: - Private

extension SpacePartitioningTree {
    private mutating func reserve(_ nodes: Int) {
        centre.reserveCapacity(nodes * dimensions)
        mass.reserveCapacity(nodes * dimensions)
        halfWidth.reserveCapacity(nodes)
        count.reserveCapacity(nodes)
        firstChild.reserveCapacity(nodes)
        point.reserveCapacity(nodes)
    }

    private mutating func addNode(centre c: [Double], halfWidth h: Double) {
        centre.append(contentsOf: c)
        mass.append(contentsOf: repeatElement(0, count: dimensions))
        halfWidth.append(h)
        count.append(0)
        firstChild.append(-1)
        point.append(-1)
    }

    /// Child of `node` whose cell holds the point at `p` (bit a set: above the centre on axis a).
    private func child(of node: Int, for p: UnsafePointer<Double>) -> Int {
        var index = 0
        for a in 0..<dimensions where p[a] > centre[node * dimensions + a] { index |= 1 << a }
        return Int(firstChild[node]) + index
    }

    private mutating func insert(_ i: Int, _ y: UnsafePointer<Double>) {
        let d = dimensions
        let p = y + i * d
        var node = 0, depth = 0
        while true {
            if firstChild[node] >= 0 {
                count[node] += 1
                for a in 0..<d { mass[node * d + a] += p[a] }
                node = child(of: node, for: p)
                depth += 1
                continue
            }
            if count[node] == 0 {
                count[node] = 1
                for a in 0..<d { mass[node * d + a] = p[a] }
                point[node] = Int32(i)
                return
            }
            let resident = y + Int(point[node]) * d
            let same = (0..<d).allSatisfy { resident[$0] == p[$0] }
            if same || depth >= Self.maximumDepth {
                count[node] += 1
                for a in 0..<d { mass[node * d + a] += p[a] }
                return
            }
            // Split: the resident points (identical copies of one point) move to one child, then the
            // loop descends again with the new point through the now internal node.
            let first = Int32(count.count)
            let h = halfWidth[node] / 2
            let base = Array(centre[(node * d)..<(node * d + d)])
            for c in 0..<childCount {
                addNode(centre: (0..<d).map { a in base[a] + ((c >> a) & 1 == 1 ? h : -h) }, halfWidth: h)
            }
            firstChild[node] = first
            let target = child(of: node, for: resident)
            count[target] = count[node]
            for a in 0..<d { mass[target * d + a] = mass[node * d + a] }
            point[target] = point[node]
            point[node] = -1
        }
    }
}

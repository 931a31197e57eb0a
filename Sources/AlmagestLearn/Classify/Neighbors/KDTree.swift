import AlmagestCore

/// A k-d tree over the rows of a matrix (Bentley, "Multidimensional binary search trees used for
/// associative searching", 1975; the exact search of Friedman, Bentley & Finkel, 1977), for
/// `KNeighborsClassifier`. Each internal node splits its rows at the median of the feature of
/// largest spread: rows sorted by (value, row) in the first half go left, the others right, so
/// every left value is <= `splitValues[node]` <= every right value. A node of at most `leafSize`
/// rows, or whose rows are all equal, is a leaf.
///
/// The search descends to the query's side first, then visits the other side unless the squared
/// distance to the splitting plane exceeds the k-th best distance so far; it ranks rows by
/// `NeighborSearch.squaredDistance` and breaks ties by row, so it returns exactly what brute force
/// returns. Cost: O(d n log² n) to build; about O(d log n) per query in few dimensions, O(d n) in
/// the worst case (many dimensions).
///
/// ```swift
/// let tree = KDTree(xTrain, leafSize: 30)
/// let list = xTrain.withUnsafeBufferPointer { tree.nearest(to: query, k: 5, points: $0.baseAddress!) }
/// ```
public struct KDTree: Codable, Sendable, Equatable {
    /// Training rows, permuted so that the rows of every node are `order[starts[node]..<ends[node]]`.
    public let order: [Int]
    public let starts: [Int], ends: [Int]
    /// Feature of each node's split; −1 at leaves.
    public let splitFeatures: [Int]
    /// Median value of the split feature; 0 at leaves.
    public let splitValues: [Double]
    /// Children of each node; −1 at leaves.
    public let leftChildren: [Int], rightChildren: [Int]
    /// Width of the rows.
    public let columns: Int

    public var nodeCount: Int { splitFeatures.count }

    /// Builds the tree over the rows of `x`.
    public init(_ x: Matrix<Double>, leafSize: Int) {
        var order = Array(0..<x.rows)
        var starts: [Int] = [], ends: [Int] = [], features: [Int] = [], values: [Double] = []
        var lefts: [Int] = [], rights: [Int] = []
        let d = x.columns
        x.withUnsafeBufferPointer { p in
            // (start, end, parent, isLeft)
            var stack = [(0, x.rows, -1, false)]
            while let (start, end, parent, isLeft) = stack.popLast() {
                let id = starts.count
                if parent >= 0 {
                    if isLeft { lefts[parent] = id } else { rights[parent] = id }
                }
                starts.append(start)
                ends.append(end)
                features.append(-1)
                values.append(0)
                lefts.append(-1)
                rights.append(-1)
                guard end - start > Swift.max(leafSize, 1) else { continue }
                var widest = -1, spread = 0.0
                for j in 0..<d {
                    var low = Double.infinity, high = -Double.infinity
                    for r in order[start..<end] {
                        low = Swift.min(low, p[r * d + j])
                        high = Swift.max(high, p[r * d + j])
                    }
                    if high - low > spread { (widest, spread) = (j, high - low) }
                }
                guard widest >= 0 else { continue }
                order[start..<end].sort { a, b in
                    let va = p[a * d + widest], vb = p[b * d + widest]
                    return va < vb || (va == vb && a < b)
                }
                let middle = (start + end) / 2
                features[id] = widest
                values[id] = p[order[middle] * d + widest]
                stack.append((middle, end, id, false))
                stack.append((start, middle, id, true))
            }
        }
        (self.order, self.starts, self.ends, splitFeatures, splitValues) = (order, starts, ends, features, values)
        (leftChildren, rightChildren, columns) = (lefts, rights, d)
    }

    /// The `k` nearest rows to `query` (`columns` values) among `points`, the row-major matrix the
    /// tree was built on.
    func nearest(to query: UnsafePointer<Double>, k: Int, points: UnsafePointer<Double>) -> NeighborList {
        var list = NeighborList(k: k)
        var stack = [0]
        // Depth first, near side first; a far side is pushed with the plane distance it must beat,
        // checked again when popped (the k-th best only shrinks).
        var planeDistances = [0.0]
        while let node = stack.popLast() {
            let plane = planeDistances.removeLast()
            if plane > list.worst { continue }
            let feature = splitFeatures[node]
            if feature < 0 {
                for p in starts[node]..<ends[node] {
                    let row = order[p]
                    list.offer(NeighborSearch.squaredDistance(query, points + row * columns, count: columns), row)
                }
                continue
            }
            let difference = query[feature] - splitValues[node]
            let (near, far) = difference <= 0 ? (leftChildren[node], rightChildren[node]) : (rightChildren[node], leftChildren[node])
            stack.append(far)
            planeDistances.append(difference * difference)
            stack.append(near)
            planeDistances.append(plane)
        }
        return list
    }

    /// Throws `FitError.invalidParameter` unless the arrays describe a tree over `rows` rows (a
    /// corrupted model file), instead of crashing in the search.
    func validateStructure(rows: Int, columns width: Int) throws {
        let n = nodeCount
        let consistent = n >= 1 && columns == width && order.count == rows && Set(order) == Set(0..<rows)
            && [starts.count, ends.count, splitValues.count, leftChildren.count, rightChildren.count].allSatisfy { $0 == n }
        let linked = consistent && (0..<n).allSatisfy { node in
            guard starts[node] >= 0 && starts[node] <= ends[node] && ends[node] <= rows else { return false }
            let l = leftChildren[node], r = rightChildren[node]
            if splitFeatures[node] < 0 { return l < 0 && r < 0 }
            return splitFeatures[node] < width && l > node && r > node && l < n && r < n
        }
        try require(linked, "k-d tree", "\(n) nodes over \(order.count) rows",
                    expected: "one entry per node in every array, children after their parent, \(rows) rows of \(width) columns")
    }
}

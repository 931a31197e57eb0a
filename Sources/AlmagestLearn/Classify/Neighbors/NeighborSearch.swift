import AlmagestCore

/// Exact k-nearest-neighbour search by brute force, shared by `KNeighborsClassifier` and checked
/// against its `KDTree`: both rank training rows by the same exact squared Euclidean distance
/// (coordinates subtracted in index order) and break ties by training-row order, so they return
/// identical neighbours.
///
/// Brute force computes the squared distances of a block of query rows to every training row in
/// one GEMM (`Distances.squaredDistances`, ‖a‖² − 2a·b + ‖b‖²), keeps the training rows within the
/// GEMM's rounding error of the k-th smallest, and ranks those candidates by their exact distance
/// (the GEMM form is not exact: it gives tiny non-zero distances between identical rows). Blocks of
/// query rows run in parallel (`Parallel`). Cost: O(m n d) for m query rows and n training rows,
/// memory O(b n) for blocks of b rows.
///
/// ```swift
/// let lists = NeighborSearch.brute(queries: xTest, points: xTrain, k: 5)
/// lists[0].indices; lists[0].squaredDistances     // nearest first
/// ```
enum NeighborSearch {
    /// Query rows per GEMM block.
    static let blockRows = 64

    /// The `k` nearest rows of `points` to each row of `queries` (same widths, k <= points.rows).
    static func brute(queries: Matrix<Double>, points: Matrix<Double>, k: Int) -> [NeighborList] {
        let normsQ = Distances.Norms(queries), normsP = Distances.Norms(points)
        let largestNorm = normsP.values.max() ?? 0
        let (n, d) = (points.rows, points.columns)
        // Bound on the GEMM form's absolute error, twice (a candidate may be over- and the k-th
        // under-estimated), with a safety factor of 4.
        let relativeError = 8 * Double(d + 2) * Double.ulpOfOne
        let blocks = Parallel.mapChunks(count: queries.rows, chunkSize: blockRows) { range, _ -> [NeighborList] in
            let approximate = Distances.squaredDistances(rows: range, of: queries, to: points, normsA: normsQ, normsB: normsP)
            return queries.withUnsafeBufferPointer { q in
                points.withUnsafeBufferPointer { p in
                    approximate.withUnsafeBufferPointer { a in
                        range.map { i -> NeighborList in
                            let row = a.baseAddress! + (i - range.lowerBound) * n
                            var roughly = NeighborList(k: k)
                            // NaN: ∞ − ∞ from norms that overflowed; such rows are ranked exactly below.
                            for j in 0..<n where !(row[j] > roughly.worst) { roughly.offer(row[j].isNaN ? .infinity : row[j], j) }
                            let limit = roughly.worst + relativeError * (normsQ.values[i] + largestNorm)
                            var exact = NeighborList(k: k)
                            let query = q.baseAddress! + i * d
                            for j in 0..<n where !(row[j] > limit) {
                                exact.offer(squaredDistance(query, p.baseAddress! + j * d, count: d), j)
                            }
                            return exact
                        }
                    }
                }
            }
        }
        return blocks.flatMap { $0 }
    }

    /// Σ (a[j] − b[j])², in index order: the one distance both search algorithms rank by.
    @inline(__always)
    static func squaredDistance(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int) -> Double {
        var s = 0.0
        for j in 0..<count {
            let t = a[j] - b[j]
            s += t * t
        }
        return s
    }
}

/// The best `k` (squared distance, training row) pairs seen so far, nearest first; of two equal
/// distances the lower row comes first.
struct NeighborList: Sendable {
    let k: Int
    private(set) var squaredDistances: [Double] = []
    private(set) var indices: [Int] = []

    init(k: Int) {
        self.k = k
        squaredDistances.reserveCapacity(k)
        indices.reserveCapacity(k)
    }

    /// The distance a newcomer must not exceed to enter (infinity until the list is full).
    var worst: Double { indices.count < k ? .infinity : squaredDistances[k - 1] }

    /// Inserts (`distance`, `index`) if it ranks among the best `k`.
    mutating func offer(_ distance: Double, _ index: Int) {
        if indices.count == k {
            let last = k - 1
            if distance > squaredDistances[last] || (distance == squaredDistances[last] && index > indices[last]) { return }
            squaredDistances.removeLast()
            indices.removeLast()
        }
        var position = indices.count
        while position > 0
            && (squaredDistances[position - 1] > distance
                || (squaredDistances[position - 1] == distance && indices[position - 1] > index)) {
            position -= 1
        }
        squaredDistances.insert(distance, at: position)
        indices.insert(index, at: position)
    }
}

import AlmagestCore

/// Grows one regression tree of gradient boosting on binned features from the rows' gradients and
/// hessians (XGBoost `hist`, Chen & Guestrin, KDD 2016; LightGBM, Ke et al., NeurIPS 2017).
///
/// Nodes wait in a queue with their best split; depth-wise growth expands them in the order they
/// were created (level by level, XGBoost's `depthwise`), leaf-wise growth the one of largest gain
/// first (LightGBM, XGBoost's `lossguide`), until `maxDepth` (0: unlimited) or `maxLeaves` (0:
/// unlimited) stops it. Splitting a node partitions its rows stably (they stay ascending), builds
/// the histogram of the smaller child and takes the larger's as the parent's minus it; children
/// that cannot split (at the depth limit, too few rows or hessian) get no histogram at all; the
/// smaller child's gradients are gathered in row order while partitioning. With `monotone`
/// constraints every node also carries the bounds of its leaf value, which its split search obeys
/// and its children inherit (split at the midpoint after a constrained split), and leaves are
/// clamped into them (`MonotoneConstraints`). Histograms and best
/// splits are computed in parallel over (node, group of about five features), one pass over the
/// node's rows per group, and the best split over features is reduced in feature order, so the
/// tree is the same at any thread count.
///
/// Cost per tree: O(rows · features · depth) for the histograms plus O(nodes · bins · features).
///
/// ```swift
/// let grower = BoostedTreeGrower(binned: bins, binning: binning, rules: rules, maxDepth: 6, maxLeaves: 0,
///                                growPolicy: .depthWise, learningRate: 0.1)
/// let grown = grower.grow(gradients: g, hessians: h, rows: sampled, features: Array(0..<d))
/// ```
struct BoostedTreeGrower: Sendable {
    let binned: BinnedFeatures
    /// The bins row-major (row i's `binned.features` bytes from `i * binned.features`), for
    /// histograms of several features in one pass over a node's rows.
    let rowMajorCodes: [UInt8]
    let binning: FeatureBinning
    let layout: HistogramLayout
    let rules: BoostingSplitRules
    let maxDepth: Int
    let maxLeaves: Int
    let growPolicy: GradientBoostingClassifier.GrowPolicy
    let learningRate: Double
    /// Nil without constraints: then no node is bounded and the search is the unconstrained one.
    let monotone: MonotoneConstraints?

    init(binned: BinnedFeatures, binning: FeatureBinning, rules: BoostingSplitRules, maxDepth: Int, maxLeaves: Int,
         growPolicy: GradientBoostingClassifier.GrowPolicy, learningRate: Double, monotone: MonotoneConstraints? = nil) {
        self.binned = binned
        let (n, d) = (binned.rows, binned.features)
        rowMajorCodes = [UInt8](unsafeUninitializedCapacity: n * d) { out, initialized in
            binned.codes.withUnsafeBufferPointer { codes in
                for j in 0..<d {
                    for i in 0..<n { out[i * d + j] = codes[j * n + i] }
                }
            }
            initialized = n * d
        }
        self.binning = binning
        self.layout = HistogramLayout(binning: binning)
        self.rules = rules
        self.maxDepth = maxDepth
        self.maxLeaves = maxLeaves
        self.growPolicy = growPolicy
        self.learningRate = learningRate
        self.monotone = monotone
    }

    /// A tree with the gain and the count of its splits per feature, and where its rows went:
    /// leaf `l` holds `rows[leaves[l].rows]` and adds `leaves[l].value`.
    struct Grown {
        let tree: BoostedTree
        let gains: [Double]
        let splits: [Int]
        let rows: [Int32]
        let leaves: [(rows: Range<Int>, value: Double)]
    }

    /// Grows a tree on `rows` (ascending indices into the binned rows) with the gradients and
    /// hessians of every binned row, splitting only on `features` (ascending).
    func grow(gradients: [Double], hessians: [Double], rows: [Int32], features: [Int]) -> Grown {
        gradients.withUnsafeBufferPointer { g in
            hessians.withUnsafeBufferPointer { h in
                binned.codes.withUnsafeBufferPointer { codes in
                    rowMajorCodes.withUnsafeBufferPointer { rowCodes in
                        var state = GrowthState(grower: self, codes: SharedReadPointer(codes.baseAddress!),
                                                rowCodes: SharedReadPointer(rowCodes.baseAddress!), gradients: g.baseAddress!,
                                                hessians: h.baseAddress!, rows: rows, features: features)
                        return state.run()
                    }
                }
            }
        }
    }
}

// MARK: - Private

/// A node of the tree being grown.
private struct DraftNode {
    var start: Int, end: Int, depth: Int
    var stats: NodeStatistics
    /// Where its leaf value must stay (unbounded without monotone constraints).
    var bounds: LeafBounds
    var split: SplitCandidate?
    var children: (left: Int, right: Int)?
}

/// One histogram job of a level: build `child`'s histogram (and find its split unless
/// `findChild` is false); with a `sibling`, turn the parent's histogram into the sibling's by
/// subtraction and find its split too.
private struct HistogramJob: Sendable {
    let child: Int
    let findChild: Bool
    let sibling: Int?
    let childStats: NodeStatistics
    let siblingStats: NodeStatistics?
    let childBounds: LeafBounds
    let siblingBounds: LeafBounds?
    /// The child's rows: `rows[start..<start + count]`, their gradients at the same positions of `ordered`.
    let start: Int, count: Int
    let childHistogram: SharedPointer<Double>
    let siblingHistogram: SharedPointer<Double>?
}

/// The mutable state of one tree's growth.
private struct GrowthState {
    let grower: BoostedTreeGrower
    let codes: SharedReadPointer<UInt8>
    let rowCodes: SharedReadPointer<UInt8>
    let gradients: UnsafePointer<Double>
    let hessians: UnsafePointer<Double>
    let features: [Int]
    /// The node's rows, each node a contiguous segment.
    var rows: [Int32]
    var scratch: [Int32]
    /// Gradients (first `rows.count` values) and hessians (the next) of the rows of the nodes whose
    /// histograms are built next, at the rows' positions in `rows`.
    var ordered: [Double]
    var nodes: [DraftNode] = []
    /// Histograms of the nodes waiting to split, by node index (allocated here, freed when used).
    var histograms: [Int: UnsafeMutablePointer<Double>] = [:]
    var gains: [Double]
    var splitCounts: [Int]

    init(grower: BoostedTreeGrower, codes: SharedReadPointer<UInt8>, rowCodes: SharedReadPointer<UInt8>,
         gradients: UnsafePointer<Double>, hessians: UnsafePointer<Double>, rows: [Int32], features: [Int]) {
        self.grower = grower
        self.codes = codes
        self.rowCodes = rowCodes
        self.gradients = gradients
        self.hessians = hessians
        self.rows = rows
        self.scratch = rows
        // Filled by `run` before any read.
        self.ordered = [Double](unsafeUninitializedCapacity: 2 * rows.count) { _, initialized in initialized = 2 * rows.count }
        self.features = features
        gains = [Double](repeating: 0, count: grower.binning.features)
        splitCounts = [Int](repeating: 0, count: grower.binning.features)
    }

    mutating func run() -> BoostedTreeGrower.Grown {
        defer { for buffer in histograms.values { buffer.deallocate() } }
        var total = NodeStatistics()
        for (t, r) in rows.enumerated() {
            (ordered[t], ordered[rows.count + t]) = (gradients[Int(r)], hessians[Int(r)])
            total.add(gradient: ordered[t], hessian: ordered[rows.count + t], count: 1)
        }
        nodes.append(DraftNode(start: 0, end: rows.count, depth: 0, stats: total, bounds: .unbounded, split: nil, children: nil))
        if mayGrow(nodes[0]) { runJobs([(child: 0, findChild: true, sibling: nil, parentHistogram: nil)]) }
        var queue = nodes[0].split == nil ? [Int]() : [0]
        var leaves = 1
        while !queue.isEmpty && (grower.maxLeaves == 0 || leaves < grower.maxLeaves) {
            // Depth-wise: the waiting nodes in creation order (one level), as many as the leaf limit
            // allows; leaf-wise: the one of largest gain.
            let batch: [Int]
            switch grower.growPolicy {
            case .depthWise:
                let allowed = grower.maxLeaves == 0 ? queue.count : min(queue.count, grower.maxLeaves - leaves)
                batch = Array(queue.prefix(allowed))
                queue.removeFirst(allowed)
            case .leafWise:
                batch = [queue.remove(at: nextPosition(queue))]
            }
            let children = split(batch)
            leaves += batch.count
            queue += children.filter { nodes[$0].split != nil }
        }
        let tree = finishedTree()
        let leafRows = nodes.indices.filter { tree.nodes[$0].isLeaf }.map { (rows: nodes[$0].start..<nodes[$0].end, value: tree.nodes[$0].value) }
        return BoostedTreeGrower.Grown(tree: tree, gains: gains, splits: splitCounts, rows: rows, leaves: leafRows)
    }

    /// Whether a node may split: above the depth limit, with room for two children.
    func mayGrow(_ node: DraftNode) -> Bool { mayGrow(depth: node.depth, node.stats) }

    func mayGrow(depth: Int, _ stats: NodeStatistics) -> Bool {
        (grower.maxDepth == 0 || depth < grower.maxDepth) && grower.rules.canSplit(stats)
    }

    /// The queue position of the largest gain, the first created on ties.
    func nextPosition(_ queue: [Int]) -> Int {
        queue.indices.min { a, b in
            let (ga, gb) = (nodes[queue[a]].split!.gain, nodes[queue[b]].split!.gain)
            return ga > gb || (ga == gb && queue[a] < queue[b])
        }!
    }

    /// Splits the nodes `batch` (in order) along their best splits: partitions their rows, creates
    /// their children (two per node, in order) and finds the children's best splits, building each
    /// smaller child's histogram and taking the larger's as the parent's minus it. Returns the
    /// children's indices.
    mutating func split(_ batch: [Int]) -> [Int] {
        var children: [Int] = []
        var jobs: [(child: Int, findChild: Bool, sibling: Int?, parentHistogram: UnsafeMutablePointer<Double>?)] = []
        // The children's sizes are known from the split's sums: the smaller child's gradients are
        // gathered while partitioning, when either child may grow (it gets a histogram job).
        let gatherLeft = batch.map { index -> Bool? in
            let node = nodes[index], split = node.split!
            let depth = node.depth + 1
            guard mayGrow(depth: depth, split.left) || mayGrow(depth: depth, split.right) else { return nil }
            return split.left.count <= split.right.count
        }
        let middles = partition(batch.map { nodes[$0] }, gatherLeft: gatherLeft)
        for (index, middle) in zip(batch, middles) {
            let node = nodes[index], split = node.split!
            gains[split.feature] += split.gain
            splitCounts[split.feature] += 1
            let left = nodes.count, right = nodes.count + 1
            let bounds = grower.monotone?.childBounds(of: node.bounds, split: split, rules: grower.rules) ?? (left: node.bounds, right: node.bounds)
            nodes.append(DraftNode(start: node.start, end: middle, depth: node.depth + 1, stats: split.left, bounds: bounds.left,
                                   split: nil, children: nil))
            nodes.append(DraftNode(start: middle, end: node.end, depth: node.depth + 1, stats: split.right, bounds: bounds.right,
                                   split: nil, children: nil))
            nodes[index].children = (left, right)
            children += [left, right]
            let parentHistogram = histograms.removeValue(forKey: index)!
            let (growLeft, growRight) = (mayGrow(nodes[left]), mayGrow(nodes[right]))
            guard growLeft || growRight else {
                parentHistogram.deallocate()
                continue
            }
            let leftIsSmaller = middle - node.start <= node.end - middle
            let (small, large) = leftIsSmaller ? (left, right) : (right, left)
            let (growSmall, growLarge) = leftIsSmaller ? (growLeft, growRight) : (growRight, growLeft)
            if growLarge {
                jobs.append((small, growSmall, large, parentHistogram))
            } else {
                parentHistogram.deallocate()
                jobs.append((small, true, nil, nil))
            }
        }
        runJobs(jobs)
        return children
    }

    /// Builds the histograms of a level's jobs and finds their best splits, in parallel over
    /// (job, group of features) pairs; each node's best split is reduced in feature order. Keeps
    /// the histograms of nodes that can split, frees the others.
    mutating func runJobs(_ requests: [(child: Int, findChild: Bool, sibling: Int?, parentHistogram: UnsafeMutablePointer<Double>?)]) {
        guard !requests.isEmpty else { return }
        let orderedCount = rows.count
        var jobs: [HistogramJob] = []
        for request in requests {
            let node = nodes[request.child]
            let count = node.end - node.start
            let buffer = UnsafeMutablePointer<Double>.allocate(capacity: grower.layout.values)
            jobs.append(HistogramJob(child: request.child, findChild: request.findChild, sibling: request.sibling,
                                     childStats: node.stats, siblingStats: request.sibling.map { nodes[$0].stats },
                                     childBounds: node.bounds, siblingBounds: request.sibling.map { nodes[$0].bounds },
                                     start: node.start, count: count, childHistogram: SharedPointer(buffer),
                                     siblingHistogram: request.parentHistogram.map(SharedPointer.init)))
        }
        let (rules, layout, d, features, rowCodes) = (grower.rules, grower.layout, grower.binned.features, self.features, self.rowCodes)
        let monotone = grower.monotone
        // Features in groups of about five: one pass over a job's rows fills a group's histograms.
        let groupCount = (features.count + 4) / 5
        let groups = (0..<groupCount).map { k in Array(features[(k * features.count / groupCount)..<((k + 1) * features.count / groupCount)]) }
        let groupSlots = groups.map { $0.map { layout.slots($0) } }
        let scratchCapacity = BoostingSplitRules.scratchCapacity(slots: groupSlots.joined().max() ?? 0)
        let jobList = jobs
        // Rows to add plus bins to scan: small levels stay on one thread.
        let work = (jobs.reduce(0) { $0 + $1.count } + 1024 * jobs.count) * features.count
        let found = rows.withUnsafeBufferPointer { allRows in
            ordered.withUnsafeBufferPointer { o in
                let (rowBase, og) = (SharedReadPointer(allRows.baseAddress!), SharedReadPointer(o.baseAddress!))
                return Parallel.map(jobs.count * groupCount, threads: work < 16_384 ? 1 : nil) { task -> (SplitCandidate?, SplitCandidate?) in
                    let job = jobList[task / groupCount], columns = groups[task % groupCount], slots = groupSlots[task % groupCount]
                    let mine = columns.map { job.childHistogram.base + 3 * layout.offsets[$0] }
                    let scratch = UnsafeMutablePointer<Double>.allocate(capacity: scratchCapacity)
                    defer { scratch.deallocate() }
                    columns.withUnsafeBufferPointer { c in
                        slots.withUnsafeBufferPointer { s in
                            mine.withUnsafeBufferPointer { m in
                                GradientHistogram.accumulate(
                                    codes: rowCodes.base, stride: d, columns: c,
                                    rows: UnsafeBufferPointer(start: rowBase.base + job.start, count: job.count),
                                    gradients: og.base + job.start, hessians: og.base + orderedCount + job.start,
                                    into: m, slots: s)
                            }
                        }
                    }
                    // The best split of each node over the group, reduced in feature order.
                    var best: (child: SplitCandidate?, sibling: SplitCandidate?) = (nil, nil)
                    for (f, j) in columns.enumerated() {
                        if job.findChild, let c = rules.bestSplit(feature: j, histogram: mine[f], slots: slots[f], total: job.childStats,
                                                                     scratch: scratch,
                                                                     constraint: monotone?.constraint(bounds: job.childBounds, feature: j)),
                           c.isBetter(than: best.child) {
                            best.child = c
                        }
                        guard let other = job.siblingHistogram, let siblingStats = job.siblingStats else { continue }
                        let theirs = other.base + 3 * layout.offsets[j]
                        GradientHistogram.subtract(parent: theirs, child: mine[f], into: theirs, slots: slots[f])
                        let siblingConstraint = monotone?.constraint(bounds: job.siblingBounds ?? .unbounded, feature: j)
                        if let s = rules.bestSplit(feature: j, histogram: theirs, slots: slots[f], total: siblingStats, scratch: scratch,
                                                   constraint: siblingConstraint),
                           s.isBetter(than: best.sibling) {
                            best.sibling = s
                        }
                    }
                    return best
                }
            }
        }
        for (k, job) in jobs.enumerated() {
            var best: (child: SplitCandidate?, sibling: SplitCandidate?) = (nil, nil)
            for (c, s) in found[(k * groupCount)..<((k + 1) * groupCount)] {
                if let c, c.isBetter(than: best.child) { best.child = c }
                if let s, s.isBetter(than: best.sibling) { best.sibling = s }
            }
            nodes[job.child].split = best.child
            if best.child != nil { histograms[job.child] = job.childHistogram.base } else { job.childHistogram.base.deallocate() }
            if let sibling = job.sibling, let buffer = job.siblingHistogram {
                nodes[sibling].split = best.sibling
                if best.sibling != nil { histograms[sibling] = buffer.base } else { buffer.base.deallocate() }
            }
        }
    }

    /// Partitions each node's rows stably (left first) and returns where each right part starts;
    /// then gathers the gradients and hessians of the side `gatherLeft` names (none for nil) into
    /// `ordered`. The nodes' row segments are disjoint, so large levels run in parallel over nodes.
    mutating func partition(_ batch: [DraftNode], gatherLeft: [Bool?]) -> [Int] {
        let total = batch.reduce(0) { $0 + $1.end - $1.start }
        let (binning, n, codes, count) = (grower.binning, grower.binned.rows, self.codes, rows.count)
        let (g, h) = (SharedReadPointer(gradients), SharedReadPointer(hessians))
        return rows.withUnsafeMutableBufferPointer { rowBuffer in
            scratch.withUnsafeMutableBufferPointer { scratchBuffer in
                ordered.withUnsafeMutableBufferPointer { orderedBuffer in
                    let (rowsOut, scratchOut) = (SharedPointer(rowBuffer.baseAddress!), SharedPointer(scratchBuffer.baseAddress!))
                    let out = SharedPointer(orderedBuffer.baseAddress!)
                    return Parallel.map(batch.count, threads: total < 8_192 || batch.count == 1 ? 1 : nil) { k in
                        let node = batch[k], split = node.split!
                        let middle = Self.partition(
                            rows: rowsOut.base, scratch: scratchOut.base, range: node.start..<node.end,
                            column: codes.base + split.feature * n, missing: binning.missingBin(split.feature), split: split)
                        if let left = gatherLeft[k] {
                            for t in left ? node.start..<middle : middle..<node.end {
                                let row = Int(rowsOut[t])
                                (out[t], out[count + t]) = (g[row], h[row])
                            }
                        }
                        return middle
                    }
                }
            }
        }
    }

    /// One node's stable partition: branch-free, every row is written to both sides and the side
    /// it belongs to advances; the right side goes through `scratch` (the same segment of it).
    private static func partition(
        rows: UnsafeMutablePointer<Int32>, scratch: UnsafeMutablePointer<Int32>, range: Range<Int>,
        column: UnsafePointer<UInt8>, missing: Int, split: SplitCandidate
    ) -> Int {
        var (l, r) = (range.lowerBound, range.lowerBound)
        // The missing bin is above every value bin, so it goes left by `b <= bin` only when
        // `missingLeft` says so. Sides as 0/1 bytes: the compiler keeps this free of branches.
        let (bin, missingLeft) = (split.bin, UInt8(split.missingGoesLeft ? 1 : 0))
        for t in range {
            let row = rows[t]
            let b = Int(column[Int(row)])
            let left = Int(unsafeBitCast(b <= bin, to: UInt8.self) | (unsafeBitCast(b == missing, to: UInt8.self) & missingLeft))
            rows[l] = row
            scratch[r] = row
            l &+= left
            r &+= 1 &- left
        }
        (rows + l).update(from: scratch + range.lowerBound, count: r - range.lowerBound)
        return l
    }

    /// The finished tree: splits with their raw thresholds, leaves with their learning-rate-scaled
    /// values (clamped into their bounds under monotone constraints).
    func finishedTree() -> BoostedTree {
        BoostedTree(nodes: nodes.map { node in
            guard let split = node.split, let children = node.children else {
                let value = grower.monotone == nil ? grower.rules.leafValue(node.stats) : grower.rules.leafValue(node.stats, within: node.bounds)
                return .leaf(grower.learningRate * value)
            }
            let edges = grower.binning.edges[split.feature]
            let threshold = split.bin < edges.count ? edges[split.bin] : Double.greatestFiniteMagnitude
            return BoostedTree.Node(feature: split.feature, threshold: threshold, missingGoesLeft: split.missingGoesLeft,
                                    left: children.left, right: children.right, value: 0)
        })
    }
}

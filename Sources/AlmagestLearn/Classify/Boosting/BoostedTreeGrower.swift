import AlmagestCore

/// Grows one regression tree of gradient boosting on binned features from the rows' gradients and
/// hessians (XGBoost `hist`, Chen & Guestrin, KDD 2016; LightGBM, Ke et al., NeurIPS 2017).
///
/// Nodes wait in a queue with their best split; depth-wise growth expands them in the order they
/// were created (level by level, XGBoost's `depthwise`), leaf-wise growth the one of largest gain
/// first (LightGBM, XGBoost's `lossguide`), until `maxDepth` (0: unlimited) or `maxLeaves` (0:
/// unlimited) stops it. Splitting a node partitions its rows stably (they stay ascending), builds
/// the histogram of the smaller child and takes the larger's as the parent's minus it; children
/// that cannot split (at the depth limit, too few rows or hessian) get no histogram at all. Each
/// feature's histogram and best split are computed in parallel over features, and the best split
/// over features is reduced in feature order, so the tree is the same at any thread count.
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
    let binning: FeatureBinning
    let layout: HistogramLayout
    let rules: BoostingSplitRules
    let maxDepth: Int
    let maxLeaves: Int
    let growPolicy: GradientBoostingClassifier.GrowPolicy
    let learningRate: Double

    init(binned: BinnedFeatures, binning: FeatureBinning, rules: BoostingSplitRules, maxDepth: Int, maxLeaves: Int,
         growPolicy: GradientBoostingClassifier.GrowPolicy, learningRate: Double) {
        self.binned = binned
        self.binning = binning
        self.layout = HistogramLayout(binning: binning)
        self.rules = rules
        self.maxDepth = maxDepth
        self.maxLeaves = maxLeaves
        self.growPolicy = growPolicy
        self.learningRate = learningRate
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
                    var state = GrowthState(grower: self, codes: SharedReadPointer(codes.baseAddress!),
                                            gradients: g.baseAddress!, hessians: h.baseAddress!, rows: rows, features: features)
                    return state.run()
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
    var split: SplitCandidate?
    var children: (left: Int, right: Int)?
}

/// The mutable state of one tree's growth.
private struct GrowthState {
    let grower: BoostedTreeGrower
    let codes: SharedReadPointer<UInt8>
    let gradients: UnsafePointer<Double>
    let hessians: UnsafePointer<Double>
    let features: [Int]
    /// The node's rows, each node a contiguous segment.
    var rows: [Int32]
    var scratch: [Int32]
    var nodes: [DraftNode] = []
    /// Histograms of the nodes waiting to split, by node index.
    var histograms: [Int: [Double]] = [:]
    var gains: [Double]
    var splitCounts: [Int]

    init(grower: BoostedTreeGrower, codes: SharedReadPointer<UInt8>, gradients: UnsafePointer<Double>,
         hessians: UnsafePointer<Double>, rows: [Int32], features: [Int]) {
        self.grower = grower
        self.codes = codes
        self.gradients = gradients
        self.hessians = hessians
        self.rows = rows
        self.scratch = rows
        self.features = features
        gains = [Double](repeating: 0, count: grower.binning.features)
        splitCounts = [Int](repeating: 0, count: grower.binning.features)
    }

    mutating func run() -> BoostedTreeGrower.Grown {
        var total = NodeStatistics()
        for r in rows { total.add(gradient: gradients[Int(r)], hessian: hessians[Int(r)], count: 1) }
        nodes.append(DraftNode(start: 0, end: rows.count, depth: 0, stats: total, split: nil, children: nil))
        if mayGrow(nodes[0]) {
            var histogram = uninitializedHistogram(), none = [Double]()
            nodes[0].split = buildAndFind(child: 0, into: &histogram, siblingHistogram: &none).child
            if nodes[0].split != nil { histograms[0] = histogram }
        }
        var queue = nodes[0].split == nil ? [Int]() : [0]
        var leaves = 1
        while !queue.isEmpty && (grower.maxLeaves == 0 || leaves < grower.maxLeaves) {
            let position = nextPosition(queue)
            let index = queue.remove(at: position)
            let (left, right) = split(index)
            leaves += 1
            queue += [left, right].filter { nodes[$0].split != nil }
        }
        let tree = finishedTree()
        let leafRows = nodes.indices.filter { tree.nodes[$0].isLeaf }.map { (rows: nodes[$0].start..<nodes[$0].end, value: tree.nodes[$0].value) }
        return BoostedTreeGrower.Grown(tree: tree, gains: gains, splits: splitCounts, rows: rows, leaves: leafRows)
    }

    /// A histogram buffer whose features' bins `accumulate` clears before use (the features
    /// outside the sample are never read).
    func uninitializedHistogram() -> [Double] {
        [Double](unsafeUninitializedCapacity: grower.layout.values) { _, count in count = grower.layout.values }
    }

    /// Whether a node may split: above the depth limit, with room for two children.
    func mayGrow(_ node: DraftNode) -> Bool {
        (grower.maxDepth == 0 || node.depth < grower.maxDepth) && grower.rules.canSplit(node.stats)
    }

    /// The queue position to expand next: the first created (depth-wise) or the largest gain,
    /// the first created on ties (leaf-wise).
    func nextPosition(_ queue: [Int]) -> Int {
        switch grower.growPolicy {
        case .depthWise:
            return queue.indices.min { queue[$0] < queue[$1] }!
        case .leafWise:
            return queue.indices.min { a, b in
                let (ga, gb) = (nodes[queue[a]].split!.gain, nodes[queue[b]].split!.gain)
                return ga > gb || (ga == gb && queue[a] < queue[b])
            }!
        }
    }

    /// Splits node `index` along its best split: partitions its rows, creates both children and
    /// finds their best splits. Returns the children's indices.
    mutating func split(_ index: Int) -> (Int, Int) {
        let node = nodes[index], split = node.split!
        gains[split.feature] += split.gain
        splitCounts[split.feature] += 1
        let middle = partition(node, split)
        let left = nodes.count, right = nodes.count + 1
        nodes.append(DraftNode(start: node.start, end: middle, depth: node.depth + 1, stats: split.left, split: nil, children: nil))
        nodes.append(DraftNode(start: middle, end: node.end, depth: node.depth + 1, stats: split.right, split: nil, children: nil))
        nodes[index].children = (left, right)
        let parentHistogram = histograms.removeValue(forKey: index)!
        let (growLeft, growRight) = (mayGrow(nodes[left]), mayGrow(nodes[right]))
        guard growLeft || growRight else { return (left, right) }
        // Build the smaller child; the larger is the parent minus it.
        let leftIsSmaller = middle - node.start <= node.end - middle
        let (small, large) = leftIsSmaller ? (left, right) : (right, left)
        let (growSmall, growLarge) = leftIsSmaller ? (growLeft, growRight) : (growRight, growLeft)
        var smallHistogram = uninitializedHistogram()
        if growLarge {
            var largeHistogram = parentHistogram
            let splits = buildAndFind(child: small, into: &smallHistogram, findChild: growSmall, sibling: large,
                                      siblingHistogram: &largeHistogram)
            nodes[small].split = splits.child
            nodes[large].split = splits.sibling
            if splits.sibling != nil { histograms[large] = largeHistogram }
        } else {
            var none = [Double]()
            nodes[small].split = buildAndFind(child: small, into: &smallHistogram, siblingHistogram: &none).child
        }
        if nodes[small].split != nil { histograms[small] = smallHistogram }
        return (left, right)
    }

    /// Builds the histogram of node `child` into `histogram` and finds its best split (unless
    /// `findChild` is false); given a `sibling` whose `siblingHistogram` holds the parent's
    /// histogram, turns that into the sibling's (parent − child) and finds its best split too.
    /// Parallel over features.
    mutating func buildAndFind(child: Int, into histogram: inout [Double], findChild: Bool = true, sibling: Int? = nil,
                               siblingHistogram: inout [Double]) -> (child: SplitCandidate?, sibling: SplitCandidate?) {
        let stats = nodes[child].stats, start = nodes[child].start
        let count = nodes[child].end - start
        // Gradients and hessians in the node's row order.
        var ordered = [Double](repeating: 0, count: 2 * count)
        for t in 0..<count {
            let r = Int(rows[start + t])
            ordered[t] = gradients[r]
            ordered[count + t] = hessians[r]
        }
        let siblingStats = sibling.map { nodes[$0].stats }
        let (rules, layout, n, features, codes) = (grower.rules, grower.layout, grower.binned.rows, self.features, self.codes)
        let found = rows.withUnsafeBufferPointer { allRows in
            ordered.withUnsafeBufferPointer { o in
                histogram.withUnsafeMutableBufferPointer { hb in
                    siblingHistogram.withUnsafeMutableBufferPointer { sb in
                        let segment = SharedReadPointer(allRows.baseAddress! + start)
                        let (og, target) = (SharedReadPointer(o.baseAddress!), SharedPointer(hb.baseAddress!))
                        let other = siblingStats == nil ? nil : SharedPointer(sb.baseAddress!)
                        let work = count * features.count
                        return Parallel.map(features.count, threads: work < 32_768 ? 1 : nil) { f -> (SplitCandidate?, SplitCandidate?) in
                            let j = features[f]
                            let (offset, slots) = (3 * layout.offsets[j], layout.slots(j))
                            GradientHistogram.accumulate(
                                codes: codes.base + j * n, rows: UnsafeBufferPointer(start: segment.base, count: count),
                                gradients: og.base, hessians: og.base + count, into: target.base + offset, slots: slots)
                            let mine = findChild
                                ? rules.bestSplit(feature: j, histogram: target.base + offset, slots: slots, total: stats) : nil
                            guard let other, let siblingStats else { return (mine, nil) }
                            GradientHistogram.subtract(parent: other.base + offset, child: target.base + offset,
                                                       into: other.base + offset, slots: slots)
                            let theirs = rules.bestSplit(feature: j, histogram: other.base + offset, slots: slots, total: siblingStats)
                            return (mine, theirs)
                        }
                    }
                }
            }
        }
        var best: (child: SplitCandidate?, sibling: SplitCandidate?) = (nil, nil)
        for (c, s) in found {
            if let c, c.isBetter(than: best.child) { best.child = c }
            if let s, s.isBetter(than: best.sibling) { best.sibling = s }
        }
        return best
    }

    /// Partitions the node's rows stably (left first) and returns where the right part starts.
    mutating func partition(_ node: DraftNode, _ split: SplitCandidate) -> Int {
        let column = codes.base + split.feature * grower.binned.rows
        let missing = grower.binning.missingBin(split.feature)
        var (l, r) = (node.start, 0)
        rows.withUnsafeMutableBufferPointer { rowBuffer in
            scratch.withUnsafeMutableBufferPointer { scratchBuffer in
                // Branch-free: every row is written to both sides and the side it belongs to advances.
                for t in node.start..<node.end {
                    let row = rowBuffer[t]
                    let b = Int(column[Int(row)])
                    let goesLeft = b == missing ? split.missingGoesLeft : b <= split.bin
                    rowBuffer[l] = row
                    scratchBuffer[r] = row
                    l &+= goesLeft ? 1 : 0
                    r &+= goesLeft ? 0 : 1
                }
            }
        }
        for t in 0..<r { rows[l + t] = scratch[t] }
        return l
    }

    /// The finished tree: splits with their raw thresholds, leaves with their learning-rate-scaled values.
    func finishedTree() -> BoostedTree {
        BoostedTree(nodes: nodes.map { node in
            guard let split = node.split, let children = node.children else {
                return .leaf(grower.learningRate * grower.rules.leafValue(node.stats))
            }
            let edges = grower.binning.edges[split.feature]
            let threshold = split.bin < edges.count ? edges[split.bin] : Double.greatestFiniteMagnitude
            return BoostedTree.Node(feature: split.feature, threshold: threshold, missingGoesLeft: split.missingGoesLeft,
                                    left: children.left, right: children.right, value: 0)
        })
    }
}

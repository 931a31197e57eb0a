import AlmagestCore

/// The boosting loop of `GradientBoostingClassifier` on validated input: bins the training rows,
/// starts every score at the class priors, then per round computes the log loss's gradients and
/// hessians, grows one tree per score column on the round's row sample (and each tree's feature
/// sample), adds the trees to the training and validation scores, and logs the losses. With a
/// validation part it keeps the round of lowest validation loss (the first on ties) and stops
/// after `earlyStoppingRounds` rounds without a lower one.
///
/// Random choices come from the stream `(seed, round)`: first the rows, then each tree's
/// features in class order. Cost: see `GradientBoostingClassifier`.
///
/// ```swift
/// let model = BoostingTraining(configuration: c, classes: [0, 1]).fit(train: x, labels: y, validation: nil)
/// ```
struct BoostingTraining {
    let configuration: GradientBoostingClassifier
    let classes: [Int]

    /// Fits on `train` with labels as class indices; `validation` picks the best round.
    func fit(train x: Matrix<Double>, labels y: [Int32], validation: (x: Matrix<Double>, labels: [Int32])?) -> GradientBoostingModel {
        let c = configuration
        let loss = BoostingLogLoss(classes: classes.count)
        let (n, d, s) = (x.rows, x.columns, loss.scoreColumns)
        let binning = FeatureBinning(fitting: x, maxBins: c.maxBins)
        let rules = BoostingSplitRules(lambda: c.lambda, alpha: c.alpha, minChildWeight: c.minChildWeight,
                                       minSamplesLeaf: c.minSamplesLeaf, gamma: c.gamma)
        let grower = BoostedTreeGrower(binned: binning.bin(x), binning: binning, rules: rules, maxDepth: c.maxDepth,
                                       maxLeaves: c.maxLeaves, growPolicy: c.growPolicy, learningRate: c.learningRate,
                                       monotone: MonotoneConstraints(c.monotoneConstraints))
        let base = loss.baseScores(labels: y)
        var scores = (0..<n).flatMap { _ in base }
        var validationScores = (0..<(validation?.x.rows ?? 0)).flatMap { _ in base }
        var gradients = [Double](repeating: 0, count: n * s), hessians = gradients
        var trees: [BoostedTree] = [], gains: [[Double]] = [], splits: [[Int]] = []
        var trainingLoss: [Double] = [], validationLoss: [Double] = [], validationAccuracy: [Double] = []
        var best = (round: 0, loss: Double.infinity)
        let allTrainRows = Array(0..<n), allValidationRows = Array(0..<(validation?.x.rows ?? 0))
        let everyRow = (0..<n).map(Int32.init)
        for round in 0..<c.rounds {
            FitProgress.report("round \(round + 1)/\(c.rounds)")
            // The mean loss of the scores so far is the previous round's training loss.
            let previousLoss = loss.derivatives(scores: scores, labels: y, gradients: &gradients, hessians: &hessians)
            if round > 0 { trainingLoss.append(previousLoss) }
            var rng = RandomStream(seed: c.seed, stream: round)
            let rows = c.subsample < 1
                ? rng.sample(max(1, Int((c.subsample * Double(n)).rounded())), from: n).sorted().map(Int32.init)
                : everyRow
            for k in 0..<s {
                let features = c.colsample < 1
                    ? rng.sample(max(1, Int((c.colsample * Double(d)).rounded())), from: d).sorted()
                    : Array(0..<d)
                // One score column: the arrays themselves, not copies of their part.
                let grown = s == 1
                    ? grower.grow(gradients: gradients, hessians: hessians, rows: rows, features: features)
                    : grower.grow(gradients: Array(gradients[(k * n)..<((k + 1) * n)]),
                                  hessians: Array(hessians[(k * n)..<((k + 1) * n)]), rows: rows, features: features)
                trees.append(grown.tree)
                gains.append(grown.gains)
                splits.append(grown.splits)
                if rows.count == n {
                    // Every row was partitioned: add each leaf's value to its rows.
                    for leaf in grown.leaves {
                        for t in leaf.rows { scores[Int(grown.rows[t]) * s + k] += leaf.value }
                    }
                } else {
                    Self.add(grown.tree, of: x, column: k, columns: s, to: &scores)
                }
                if let validation { Self.add(grown.tree, of: validation.x, column: k, columns: s, to: &validationScores) }
            }
            guard let validation else { continue }
            let measured = loss.meanLossAndAccuracy(scores: validationScores, labels: validation.labels, rows: allValidationRows)
            validationLoss.append(measured.loss)
            validationAccuracy.append(measured.accuracy)
            if measured.loss < best.loss { best = (round, measured.loss) }
            if c.earlyStoppingRounds > 0 && round - best.round >= c.earlyStoppingRounds { break }
        }
        trainingLoss.append(loss.meanLossAndAccuracy(scores: scores, labels: y, rows: allTrainRows).loss)
        let kept = validation == nil ? trainingLoss.count : best.round + 1
        let keptTrees = kept * s
        var gain = [Double](repeating: 0, count: d), count = [Int](repeating: 0, count: d)
        for t in 0..<keptTrees {
            for j in 0..<d {
                gain[j] += gains[t][j]
                count[j] += splits[t][j]
            }
        }
        let totalGain = gain.reduce(0, +)
        return GradientBoostingModel(
            classes: classes, features: d, baseScores: base, trees: Array(trees.prefix(keptTrees)), treesPerRound: s,
            gainImportances: totalGain > 0 ? gain.map { $0 / totalGain } : gain, splitCounts: count,
            trainingLoss: trainingLoss, validationLoss: validationLoss, validationAccuracy: validationAccuracy, bestRound: kept)
    }

    /// Adds the tree's value for every row of `x` to column `column` of the row-major `scores`
    /// (`columns` per row). Parallel over chunks of rows; each row is its own.
    static func add(_ tree: BoostedTree, of x: Matrix<Double>, column: Int, columns: Int, to scores: inout [Double]) {
        let (n, d) = (x.rows, x.columns)
        x.withUnsafeBufferPointer { e in
            scores.withUnsafeMutableBufferPointer { f in
                let (source, target) = (SharedReadPointer(e.baseAddress!), SharedPointer(f.baseAddress!))
                Parallel.forEachChunk(count: n, chunkSize: 2048) { range, _ in
                    for i in range { target[i * columns + column] += tree.value(of: source.base + i * d) }
                }
            }
        }
    }
}

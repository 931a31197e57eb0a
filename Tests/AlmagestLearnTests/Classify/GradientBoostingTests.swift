import AlmagestCore
@testable import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

/// `GradientBoostingClassifier`: binning, the loss's derivatives, determinism, early stopping,
/// missing values, validation errors and the quality bar on MAGIC. Golden comparisons with
/// XGBoost and scikit-learn are in `GradientBoostingReferenceTests`.
@Suite struct GradientBoostingTests {
    /// Three seeded groups of `n` rows in 4 columns, labels 0, 1, 2 (or 0, 1 with `classes` 2).
    static func blobs(_ n: Int, classes: Int = 3, seed: Int = 1) -> (x: Matrix<Double>, y: [Int]) {
        var rng = RandomStream(seed: seed)
        let y = (0..<n).map { $0 % classes }
        let x = Matrix<Double>(rows: n, columns: 4) { i, j in Double(y[i]) * (j == 0 ? 1.5 : 0.7) + rng.nextNormal() }
        return (x, y)
    }

    // MARK: Binning

    @Test func fewDistinctValuesGetOneBinEachAtMidpoints() throws {
        let x = try Matrix<Double>([[3], [1], [2], [2], [.nan], [1]])
        let binning = FeatureBinning(fitting: x, maxBins: 255)
        #expect(binning.edges == [[1.5, 2.5]])
        #expect(binning.bins(0) == 3 && binning.missingBin(0) == 3)
        let binned = binning.bin(x)
        #expect((0..<6).map { binned[$0, 0] } == [2, 0, 1, 1, 3, 0])
        // A value on an edge goes to the lower bin; beyond the extremes to the end bins.
        #expect(binning.bin(1.5, feature: 0) == 0 && binning.bin(1.6, feature: 0) == 1)
        #expect(binning.bin(-100, feature: 0) == 0 && binning.bin(100, feature: 0) == 2)
    }

    @Test func manyDistinctValuesGetQuantileBins() throws {
        let x = Matrix<Double>(rows: 1000, columns: 1) { i, _ in Double(i) }
        let binning = FeatureBinning(fitting: x, maxBins: 4)
        #expect(binning.edges == [[249.5, 499.5, 749.5]])
        let binned = binning.bin(x)
        let counts = (0..<4).map { b in (0..<1000).filter { binned[$0, 0] == b }.count }
        #expect(counts == [250, 250, 250, 250])
    }

    @Test func constantAndAllMissingFeaturesHaveOneValueBin() throws {
        let x = try Matrix<Double>([[5, .nan], [5, .nan], [5, .nan]])
        let binning = FeatureBinning(fitting: x, maxBins: 255)
        #expect(binning.edges == [[], []])
        let binned = binning.bin(x)
        #expect((0..<3).map { binned[$0, 0] } == [0, 0, 0] && (0..<3).map { binned[$0, 1] } == [1, 1, 1])
        // Nothing to split on: the model is its prior.
        let model = try GradientBoostingClassifier(rounds: 3).fit(x, labels: [0, 1, 1])
        #expect(model.trees.allSatisfy { $0.nodes.count == 1 })
        #expect(model.splitCounts == [0, 0] && model.gainImportances == [0, 0])
    }

    @Test func heavilyTiedValuesKeepIncreasingEdges() throws {
        var values = [Double](repeating: 0, count: 900) + (0..<100).map(Double.init)
        values.sort()
        let x = try Matrix(rows: values.count, columns: 1, elements: values)
        let edges = FeatureBinning(fitting: x, maxBins: 10).edges[0]
        #expect(!edges.isEmpty && zip(edges, edges.dropFirst()).allSatisfy { $0 < $1 })
        #expect(edges.count <= 9)
    }

    @Test func siblingHistogramIsTheParentMinusTheChild() throws {
        var rng = RandomStream(seed: 8)
        let n = 500
        let x = Matrix<Double>(rows: n, columns: 2) { _, j in j == 0 ? rng.nextNormal() : (rng.nextDouble() < 0.1 ? .nan : rng.nextDouble()) }
        let binning = FeatureBinning(fitting: x, maxBins: 16)
        let binned = binning.bin(x)
        let layout = HistogramLayout(binning: binning)
        let g = (0..<n).map { _ in rng.nextNormal() }, h = (0..<n).map { _ in rng.nextDouble() + 0.1 }
        let rowMajor = (0..<n).flatMap { i in (0..<2).map { j in UInt8(binned[i, j]) } }
        func histogram(_ rows: [Int32]) -> [Double] {
            var out = [Double](repeating: 0, count: layout.values)
            let og = rows.map { g[Int($0)] }, oh = rows.map { h[Int($0)] }
            let (columns, slots) = ([0, 1], [layout.slots(0), layout.slots(1)])
            rowMajor.withUnsafeBufferPointer { codes in
                rows.withUnsafeBufferPointer { r in
                    out.withUnsafeMutableBufferPointer { o in
                        let targets = [o.baseAddress!, o.baseAddress! + 3 * layout.offsets[1]]
                        columns.withUnsafeBufferPointer { c in
                            slots.withUnsafeBufferPointer { s in
                                targets.withUnsafeBufferPointer { t in
                                    GradientHistogram.accumulate(codes: codes.baseAddress!, stride: 2, columns: c, rows: r,
                                                                 gradients: og, hessians: oh, into: t, slots: s)
                                }
                            }
                        }
                    }
                }
            }
            return out
        }
        let all = (0..<n).map(Int32.init)
        let (small, large) = (all.filter { $0 % 3 == 0 }, all.filter { $0 % 3 != 0 })
        var parent = histogram(all)
        let child = histogram(small), direct = histogram(large)
        parent.withUnsafeMutableBufferPointer { p in
            child.withUnsafeBufferPointer { c in
                GradientHistogram.subtract(parent: p.baseAddress!, child: c.baseAddress!, into: p.baseAddress!, slots: layout.values / 3)
            }
        }
        #expect(zip(parent, direct).allSatisfy { abs($0 - $1) < 1e-12 })
        // Counts and the missing bin: feature 1's last slot counts the rows with NaN.
        let missingRows = (0..<n).filter { x[$0, 1].isNaN }.count
        #expect(direct.count == layout.values && histogram(all)[3 * (layout.offsets[2] - 1) + 2] == Double(missingRows))
    }

    // MARK: Loss

    @Test(arguments: [2, 3])
    func gradientsAndHessiansMatchFiniteDifferences(_ classes: Int) throws {
        let loss = BoostingLogLoss(classes: classes)
        let s = loss.scoreColumns
        var rng = RandomStream(seed: 4)
        let n = 6
        let labels = (0..<n).map { Int32($0 % classes) }
        let scores = (0..<(n * s)).map { _ in rng.nextNormal(mean: 0, standardDeviation: 2) }
        var g = [Double](repeating: 0, count: n * s), h = g
        loss.derivatives(scores: scores, labels: labels, gradients: &g, hessians: &h)
        let step = 1e-5
        func rowLoss(_ f: [Double], _ i: Int) -> Double {
            f.withUnsafeBufferPointer { loss.loss($0.baseAddress! + i * s, label: Int(labels[i])) }
        }
        for i in 0..<n {
            for k in 0..<s {
                var plus = scores, minus = scores
                plus[i * s + k] += step
                minus[i * s + k] -= step
                let numeric = (rowLoss(plus, i) - rowLoss(minus, i)) / (2 * step)
                let second = (rowLoss(plus, i) - 2 * rowLoss(scores, i) + rowLoss(minus, i)) / (step * step)
                #expect(abs(numeric - g[k * n + i]) < 1e-7, "gradient of row \(i), score \(k)")
                #expect(abs(second - h[k * n + i]) < 1e-4, "hessian of row \(i), score \(k)")
            }
        }
    }

    @Test func baseScoresAreThePriors() throws {
        let binary = BoostingLogLoss(classes: 2).baseScores(labels: [0, 1, 1, 1])
        #expect(abs(binary[0] - log(3.0)) < 1e-15)
        let three = BoostingLogLoss(classes: 3).baseScores(labels: [0, 1, 1, 2])
        #expect(zip(three, [0.25, 0.5, 0.25].map { log($0) }).allSatisfy { abs($0 - $1) < 1e-15 })
    }

    // MARK: Fitting

    @Test(arguments: [GradientBoostingClassifier.GrowPolicy.depthWise, .leafWise])
    func sameModelAtAnyThreadCount(_ policy: GradientBoostingClassifier.GrowPolicy) throws {
        let (x, y) = Self.blobs(3000)
        let c = GradientBoostingClassifier(rounds: 5, learningRate: 0.3, maxDepth: 4, maxLeaves: policy == .leafWise ? 12 : 0,
                                           growPolicy: policy, subsample: 0.7, colsample: 0.75, validationFraction: 0.2, seed: 3)
        let one = try Parallel.withThreads(1) { try c.fit(x, labels: y) }
        let two = try Parallel.withThreads(2) { try c.fit(x, labels: y) }
        let four = try Parallel.withThreads(4) { try c.fit(x, labels: y) }
        #expect(one == two && two == four)
        #expect(try Parallel.withThreads(1) { try one.predictProbabilities(x) } == Parallel.withThreads(3) { try one.predictProbabilities(x) })
        // A different seed samples other rows and features.
        var other = c
        other.seed = 4
        #expect(try other.fit(x, labels: y) != one)
    }

    @Test func growthRespectsDepthAndLeafLimits() throws {
        let (x, y) = Self.blobs(600, classes: 2)
        let deep = try GradientBoostingClassifier(rounds: 3, maxDepth: 2).fit(x, labels: y)
        #expect(deep.trees.allSatisfy { $0.depth <= 2 && $0.leafCount <= 4 })
        #expect(deep.trees.contains { $0.depth == 2 })
        let leafy = try GradientBoostingClassifier(rounds: 3, maxDepth: 0, maxLeaves: 5, growPolicy: .leafWise).fit(x, labels: y)
        #expect(leafy.trees.allSatisfy { $0.leafCount == 5 })
        let both = try GradientBoostingClassifier(rounds: 3, maxDepth: 3, maxLeaves: 3).fit(x, labels: y)
        #expect(both.trees.allSatisfy { $0.leafCount <= 3 })
        // A huge gamma or min_child_weight leaves a single leaf per tree.
        #expect(try GradientBoostingClassifier(rounds: 2, gamma: 1e9).fit(x, labels: y).trees.allSatisfy { $0.nodes.count == 1 })
        #expect(try GradientBoostingClassifier(rounds: 2, minChildWeight: 1e9).fit(x, labels: y).trees.allSatisfy { $0.nodes.count == 1 })
        let wide = try GradientBoostingClassifier(rounds: 1, maxDepth: 8, minSamplesLeaf: 100).fit(x, labels: y)
        #expect(try wide.rawScores(x).count == 600)
        #expect(wide.trees[0].leafCount <= 6)
    }

    @Test func earlyStoppingKeepsTheBestRound() throws {
        // Labels of pure noise: the validation loss soon rises, so the best round is early.
        var rng = RandomStream(seed: 9)
        let x = Matrix<Double>(rows: 400, columns: 3) { _, _ in rng.nextNormal() }
        let y = (0..<400).map { _ in rng.nextInt(below: 2) }
        let c = GradientBoostingClassifier(rounds: 200, learningRate: 0.5, maxDepth: 4, validationFraction: 0.25,
                                           earlyStoppingRounds: 5, seed: 2)
        let model = try c.fit(x, labels: y)
        let curves = try #require(model.trainingCurves)
        let best = curves.validationLoss.indices.min { curves.validationLoss[$0] < curves.validationLoss[$1] }!
        #expect(model.bestRound == best + 1 && model.rounds == best + 1)
        #expect(curves.bestEpoch == model.bestRound)
        #expect(curves.validationLoss.count == model.bestRound + 5, "stopped 5 rounds after the best")
        #expect(curves.trainingLoss.count == curves.validationLoss.count && curves.validationAccuracy.count == curves.validationLoss.count)
        // The training loss keeps falling while the trees overfit.
        #expect(curves.trainingLoss.last! < curves.trainingLoss.first!)
        // Without stopping, every round runs and the best is still kept.
        var all = c
        all.earlyStoppingRounds = 0
        all.rounds = 30
        let full = try all.fit(x, labels: y)
        #expect(full.trainingLoss.count == 30 && full.rounds == full.bestRound && full.bestRound <= 30)
    }

    @Test func trainingLossFallsAndImportancesFindTheInformativeFeature() throws {
        var rng = RandomStream(seed: 5)
        let x = Matrix<Double>(rows: 500, columns: 4) { _, _ in rng.nextNormal() }
        let y = (0..<500).map { x[$0, 2] > 0.3 ? 1 : 0 }
        let model = try GradientBoostingClassifier(rounds: 20, learningRate: 0.3, maxDepth: 2).fit(x, labels: y)
        #expect(zip(model.trainingLoss, model.trainingLoss.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(model.trainingCurves?.validationLoss.isEmpty == true && model.bestRound == 20)
        #expect(abs(model.gainImportances.reduce(0, +) - 1) < 1e-12)
        #expect(model.gainImportances[2] > 0.9, "\(model.gainImportances)")
        #expect(model.impurityImportances == model.gainImportances)
        #expect(model.splitCounts.reduce(0, +) == model.trees.reduce(0) { $0 + $1.nodes.count - $1.leafCount })
        #expect(try model.predict(x) == y)
    }

    @Test func missingValuesFollowTheLearnedDirection() throws {
        // Feature 0 is missing exactly for class 1: a split must send NaN to class 1's side.
        var rng = RandomStream(seed: 6)
        let y = (0..<300).map { $0 % 2 }
        let x = Matrix<Double>(rows: 300, columns: 2) { i, j in j == 0 ? (y[i] == 1 ? .nan : rng.nextNormal()) : rng.nextNormal() }
        let model = try GradientBoostingClassifier(rounds: 10, learningRate: 0.3, maxDepth: 2).fit(x, labels: y)
        #expect(try model.predict(x) == y)
        let probe = try Matrix<Double>([[.nan, 0], [0.1, 0]])
        #expect(try model.predict(probe) == [1, 0])
        #expect(try model.predictProbabilities(probe).elements.allSatisfy(\.isFinite))
    }

    @Test func modelSurvivesJSONAndRefusesACorruptTree() throws {
        let (x, y) = Self.blobs(200)
        let model = try GradientBoostingClassifier(rounds: 4, maxDepth: 3).fit(x, labels: y)
        #expect(model.treesPerRound == 3 && model.trees.count == 12)
        let data = try JSONEncoder().encode(model)
        #expect(try JSONDecoder().decode(GradientBoostingModel.self, from: data) == model)
        var text = String(decoding: data, as: UTF8.self)
        text = text.replacingOccurrences(of: "\"left\":1,", with: "\"left\":0,")
        let corrupt = try JSONDecoder().decode(GradientBoostingModel.self, from: Data(text.utf8))
        #expect(throws: FitError.self) { try corrupt.predict(x) }
        #expect(throws: FitError.featureCountMismatch(expected: 4, got: 2)) {
            try model.predict(Matrix<Double>(rows: 3, columns: 2))
        }
        var infinite = x
        infinite[1, 1] = .infinity
        #expect(throws: FitError.self) { try model.predict(infinite) }
    }

    // MARK: Validation

    @Test(arguments: [
        GradientBoostingClassifier(rounds: 0), GradientBoostingClassifier(learningRate: 0),
        GradientBoostingClassifier(learningRate: .nan), GradientBoostingClassifier(maxDepth: -1),
        GradientBoostingClassifier(maxLeaves: 1), GradientBoostingClassifier(maxDepth: 0, maxLeaves: 0),
        GradientBoostingClassifier(maxBins: 1), GradientBoostingClassifier(maxBins: 256),
        GradientBoostingClassifier(lambda: -1), GradientBoostingClassifier(alpha: .infinity),
        GradientBoostingClassifier(gamma: -0.1), GradientBoostingClassifier(minChildWeight: -1),
        GradientBoostingClassifier(minSamplesLeaf: 0), GradientBoostingClassifier(subsample: 0),
        GradientBoostingClassifier(subsample: 1.5), GradientBoostingClassifier(colsample: 0),
        GradientBoostingClassifier(validationFraction: 1), GradientBoostingClassifier(validationFraction: -0.1),
        GradientBoostingClassifier(earlyStoppingRounds: -1),
    ])
    func badOptionsAreRefused(_ c: GradientBoostingClassifier) throws {
        let (x, y) = Self.blobs(30)
        #expect(throws: FitError.self) { try c.validate() }
        do {
            _ = try c.fit(x, labels: y)
            Issue.record("fit accepted \(c)")
        } catch let FitError.invalidParameter(name, value, expected) {
            #expect(!name.isEmpty && !value.isEmpty && !expected.isEmpty)
        }
    }

    @Test func badDataIsRefused() throws {
        let (x, y) = Self.blobs(30)
        let c = GradientBoostingClassifier(rounds: 2)
        #expect(throws: FitError.self) { try c.fit(x, labels: [Int](repeating: 1, count: 30)) }
        #expect(throws: FitError.self) { try c.fit(x, labels: Array(y.dropLast())) }
        #expect(throws: FitError.self) { try c.fit(Matrix<Double>(rows: 0, columns: 4), labels: []) }
        var infinite = x
        infinite[3, 2] = -.infinity
        #expect(throws: FitError.self) { try c.fit(infinite, labels: y) }
        // A validation part needs two rows of every class.
        var lonely = y
        lonely[0] = 7
        var withValidation = c
        withValidation.validationFraction = 0.2
        #expect(throws: FitError.self) { try withValidation.fit(x, labels: lonely) }
        #expect(throws: Never.self) { try c.fit(x, labels: lonely) }
    }

    @Test func registryOptionsReachTheConfiguration() throws {
        let registry = EstimatorRegistry.shared
        let estimator = try registry.estimator("gradient-boosting", options: [
            "rounds": 7, "learning_rate": 0.2, "grow_policy": "leafWise", "max_leaves": 9, "min_child_weight": 2,
            "early_stopping_rounds": 3, "colsample": 0.5,
        ])
        let parameters = try estimator.configuration.parameters
        #expect(parameters["rounds"] == 7 && parameters["max_leaves"] == 9 && parameters["grow_policy"] == "leafWise")
        #expect(throws: FitError.self) { try registry.estimator("gradient-boosting", options: ["grow_policy": "sideways"]) }
    }

    // MARK: Quality

    @Test func magicGammaAccuracy() throws {
        let split = try MagicGamma.standardisedSplit()
        let started = Date()
        let model = try GradientBoostingClassifier(rounds: 100, learningRate: 0.1, maxDepth: 6).fit(split.xTrain, labels: split.yTrain)
        let accuracy = MagicGamma.accuracy(try model.predict(split.xTest), split.yTest)
        print("gradient boosting on MAGIC (100 rounds, depth 6): test accuracy \(accuracy), \(Date().timeIntervalSince(started)) s")
        #expect(accuracy >= 0.88)
    }
}

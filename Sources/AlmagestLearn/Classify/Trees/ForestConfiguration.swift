import AlmagestCore

/// The options every forest shares (`RandomForestClassifier`, `ExtraTreesClassifier`), with their
/// one validation and one fit: a forest type declares the stored options (each registered
/// configuration owns its options) and says only how its trees split.
protocol ForestConfiguration {
    var trees: Int { get }
    var criterion: SplitCriterion { get }
    var maxDepth: Int { get }
    var minSamplesSplit: Int { get }
    var minSamplesLeaf: Int { get }
    var minImpurityDecrease: Double { get }
    var maxFeatures: MaxFeatures { get }
    var bootstrap: Bool { get }
    var ccpAlpha: Double { get }
    var seed: Int { get }
}

extension ForestConfiguration {
    /// Throws `FitError.invalidParameter` for the first setting outside its range.
    func validateForest() throws {
        try ForestGrowth.validated(trees: trees, criterion: criterion, maxDepth: maxDepth, minSamplesSplit: minSamplesSplit,
                                   minSamplesLeaf: minSamplesLeaf, minImpurityDecrease: minImpurityDecrease,
                                   maxFeatures: maxFeatures, ccpAlpha: ccpAlpha)
    }

    /// Validates, then grows the forest on rows `x`; `randomThresholds` for extremely randomised trees.
    func fitForest(_ x: Matrix<Double>, labels: [Int], estimator: String, randomThresholds: Bool) throws -> TreeEnsembleModel {
        try validateForest()
        let data = try TreeTrainingSet(x, labels: labels, estimator: estimator)
        try maxFeatures.validate(features: x.columns)
        let growth = TreeGrowth(criterion: criterion, maxDepth: maxDepth, minSamplesSplit: minSamplesSplit,
                                minSamplesLeaf: minSamplesLeaf, minImpurityDecrease: minImpurityDecrease,
                                maxFeatures: maxFeatures.resolved(features: x.columns), randomThresholds: randomThresholds)
        return ForestGrowth(trees: trees, growth: growth, bootstrap: bootstrap, ccpAlpha: ccpAlpha, seed: seed).fit(data)
    }
}

import AlmagestCore
import Foundation
import Testing
@testable import AlmagestLearn

/// Samplers inside a `Pipeline`: they change the rows the later steps are fitted on, and only
/// while fitting.
@Suite struct PipelineSamplingTests {
    /// The pipeline's fit equals applying the steps by hand in order: the outlier filter on the raw
    /// training rows, the scaler on the kept rows, SMOTE on the scaled rows, the classifier on those.
    @Test func samplersRunInOrderOnTrainingRowsOnly() throws {
        let split = try MagicGamma.rawSample(rows: 1500)
        let pipeline = try Pipeline(
            steps: [EstimatorSpec("iqr-outliers"), EstimatorSpec("standard-scaler"), EstimatorSpec("smote", options: ["seed": 4])],
            final: EstimatorSpec("logistic-regression"))
        let model = try pipeline.fit(split.xTrain, labels: split.yTrain)

        let kept = try IQROutlierFilter().resample(split.xTrain, labels: split.yTrain)
        let scaler = try StandardScaler().fit(kept.x)
        let balanced = try SMOTE(seed: 4).resample(try scaler.transform(kept.x), labels: kept.labels)
        let byHand = try LogisticRegression().fit(balanced.x, labels: balanced.labels)
        #expect(try model.predictProbabilities(split.xTest) == byHand.predictProbabilities(scaler.transform(split.xTest)))
        // Predictions see every test row (samplers are not applied to them).
        #expect(try model.predict(split.xTest).count == split.xTest.rows)
        #expect(model.sampling.map(\.estimator) == ["iqr-outliers", "smote"])
        #expect(model.sampling[0].report["rows_removed"] == kept.report["rows_removed"])
        #expect(model.sampling[1].report["rows_added"] == balanced.report["rows_added"])
        // The fitted model round-trips with its sampling reports, and the pipeline with its sampler steps.
        #expect(try JSONDecoder().decode(PipelineModel.self, from: JSONEncoder().encode(model)) == model)
        #expect(try JSONDecoder().decode(Pipeline.self, from: JSONEncoder().encode(pipeline)) == pipeline)
    }

    /// Inside cross-validation SMOTE sees only the training folds: the fold scores equal fitting the
    /// same steps on each fold's training rows by hand, and differ from over-sampling all rows first.
    @Test func smoteInsideFoldsDoesNotLeak() throws {
        let split = try MagicGamma.rawSample(rows: 1200)
        let pipeline = try Pipeline(steps: [EstimatorSpec("standard-scaler"), EstimatorSpec("smote")],
                                    final: EstimatorSpec("k-neighbors", options: ["neighbors": 1]))
        let folds = try StratifiedKFold(folds: 3, seed: 0).split(labels: split.yTrain)
        let scores = try CrossValidation.accuracies(of: pipeline, split.xTrain, labels: split.yTrain, folds: folds)
        let byHand = try folds.map { fold -> Double in
            let xt = split.xTrain.rows(at: fold.train), yt = fold.trainLabels(split.yTrain)
            let scaler = try StandardScaler().fit(xt)
            let up = try SMOTE().resample(try scaler.transform(xt), labels: yt)
            let model = try KNeighborsClassifier(neighbors: 1).fit(up.x, labels: up.labels)
            return MagicGamma.accuracy(try model.predict(scaler.transform(split.xTrain.rows(at: fold.test))), fold.testLabels(split.yTrain))
        }
        #expect(scores == byHand)
        // Leaky: over-sample every row, then cross-validate. Synthetic copies of test rows sit in the
        // training folds, and a 1-nearest-neighbour model scores higher on them.
        let scaled = try StandardScaler().fit(split.xTrain).transform(split.xTrain)
        let leaked = try SMOTE().resample(scaled, labels: split.yTrain)
        let leakyFolds = try StratifiedKFold(folds: 3, seed: 0).split(labels: leaked.labels)
        let leaky = try CrossValidation.accuracies(of: KNeighborsClassifier(neighbors: 1), leaked.x, labels: leaked.labels,
                                                   folds: leakyFolds)
        let mean = { (s: [Double]) in s.reduce(0, +) / Double(s.count) }
        print("SMOTE inside folds \(mean(scores)), SMOTE before the folds (leaky) \(mean(leaky))")
        #expect(mean(leaky) > mean(scores) + 0.02)
    }

    @Test func aClassifierIsNotAPipelineStep() throws {
        #expect(throws: RegistryError.self) {
            try Pipeline(steps: [EstimatorSpec("logistic-regression")], final: EstimatorSpec("logistic-regression"))
        }
    }
}

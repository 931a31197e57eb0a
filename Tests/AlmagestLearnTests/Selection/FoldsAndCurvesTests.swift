import AlmagestCore
import Foundation
import Testing
@testable import AlmagestLearn

@Suite struct FoldsAndCurvesTests {
    @Test func groupKFoldEqualsScikitLearn() throws {
        let ref = try SamplingReference.loaded.get().groupKFold
        let folds = try GroupKFold(folds: 3).split(groups: ref.groups)
        for (k, fold) in folds.enumerated() {
            #expect(fold.test == ref.testFold.indices.filter { ref.testFold[$0] == k })
            #expect(Set(fold.train).isDisjoint(with: fold.test) && fold.train.count + fold.test.count == ref.groups.count)
            // No group on both sides.
            #expect(Set(fold.train.map { ref.groups[$0] }).isDisjoint(with: fold.test.map { ref.groups[$0] }))
        }
        #expect(throws: FitError.self) { try GroupKFold(folds: 13).split(groups: ref.groups) }
    }

    @Test func repeatedFoldsAreStratifiedFoldsOfSuccessiveSeeds() throws {
        let y = (0..<90).map { $0 % 3 == 0 ? 1 : 0 }
        let repeated = try RepeatedStratifiedKFold(folds: 3, repeats: 2, seed: 5).split(labels: y)
        #expect(repeated.count == 6)
        #expect(Array(repeated.prefix(3)) == (try StratifiedKFold(folds: 3, seed: 5).split(labels: y)))
        #expect(Array(repeated.suffix(3)) == (try StratifiedKFold(folds: 3, seed: 6).split(labels: y)))
        #expect(repeated[0] != repeated[3])
        #expect(throws: FitError.self) { try RepeatedStratifiedKFold(folds: 3, repeats: 0) }
        #expect(throws: FitError.self) { try FoldPlan(folds: 3, repeats: 2).split(labels: y, groups: y) }
    }

    @Test func groupSplitKeepsGroupsWhole() throws {
        let groups = (0..<200).map { $0 / 7 }
        let parts = try GroupSplit(testFraction: 0.25, seed: 1).split(groups: groups)
        #expect(Set(parts.train.map { groups[$0] }).isDisjoint(with: parts.test.map { groups[$0] }))
        #expect(parts.test.count >= 50 && parts.test.count < 57)
        #expect(parts.train.count + parts.test.count == 200)
        #expect(parts == (try GroupSplit(testFraction: 0.25, seed: 1).split(groups: groups)))
        #expect(throws: FitError.self) { try GroupSplit().split(groups: [3, 3, 3]) }
    }

    /// Each point of the learning curve is a fit on a stratified subset of a fold's training rows,
    /// scored on that subset and on the fold's test rows: recomputed here by hand.
    @Test func learningCurveEqualsFittingSubsetsByHand() throws {
        let split = try MagicGamma.rawSample(rows: 900)
        let pipeline = try Pipeline(steps: [EstimatorSpec("standard-scaler")], final: EstimatorSpec("gaussian-nb"))
        let plan = FoldPlan(folds: 3, seed: 2)
        let curve = try LearningCurve(fractions: [0.2, 1], plan: plan).run(pipeline, split.xTrain, labels: split.yTrain)
        let folds = try plan.split(labels: split.yTrain, groups: nil)
        for (f, fold) in folds.enumerated() {
            let size = Int((0.2 * Double(fold.train.count)).rounded())
            let picked = StratifiedSample.rows(labels: fold.trainLabels(split.yTrain), size: size, seed: 2 + f).map { fold.train[$0] }
            let model = try pipeline.fit(split.xTrain.rows(at: picked), labels: picked.map { split.yTrain[$0] })
            let test = MagicGamma.accuracy(try model.predict(split.xTrain.rows(at: fold.test)), fold.testLabels(split.yTrain))
            #expect(curve.test[0][f] == test)
            let full = try pipeline.fit(split.xTrain.rows(at: fold.train), labels: fold.trainLabels(split.yTrain))
            #expect(curve.train[1][f] == MagicGamma.accuracy(try full.predict(split.xTrain.rows(at: fold.train)),
                                                              fold.trainLabels(split.yTrain)))
        }
        #expect(curve.values.count == 2 && curve.values[0] < curve.values[1])
        // Same scores at one thread (the seconds differ).
        let single = try Parallel.withThreads(1) { try LearningCurve(fractions: [0.2, 1], plan: plan).run(pipeline, split.xTrain, labels: split.yTrain) }
        #expect(single.train == curve.train && single.test == curve.test && single.values == curve.values)
    }

    /// A deeper tree fits its training rows better and better while its held-out accuracy stops
    /// following: the validation curve shows it, with the scores of cross-validating by hand.
    @Test func validationCurveShowsOverfitting() throws {
        let split = try MagicGamma.rawSample(rows: 900)
        let plan = FoldPlan(folds: 3, seed: 0)
        let curve = try ValidationCurve(option: "max_depth", values: [1, 4, 20], plan: plan)
            .run(steps: [], model: EstimatorSpec("decision-tree"), split.xTrain, labels: split.yTrain)
        #expect(curve.labels == ["1", "4", "20"] && curve.values == [1, 4, 20])
        #expect(curve.trainMeans[2] > 0.99 && curve.trainMeans[0] < curve.trainMeans[1])
        #expect(curve.trainMeans[2] - curve.testMeans[2] > 0.1)
        let folds = try plan.split(labels: split.yTrain, groups: nil)
        let byHand = try CrossValidation.accuracies(of: DecisionTreeClassifier(maxDepth: 4), split.xTrain, labels: split.yTrain, folds: folds)
        #expect(curve.test[1] == byHand)
        #expect(throws: FitError.self) {
            try ValidationCurve(option: "no_such_option", values: [1]).run(steps: [], model: EstimatorSpec("decision-tree"),
                                                                           split.xTrain, labels: split.yTrain)
        }
    }

    /// The search scores every candidate by accuracy, macro F1 and ROC AUC on each fold.
    @Test func searchReportsEveryScore() throws {
        let split = try MagicGamma.rawSample(rows: 600)
        let search = ModelSearch(steps: [EstimatorSpec("standard-scaler")], model: EstimatorSpec("gaussian-nb"),
                                 space: SearchSpace(["var_smoothing": .list([1e-9, 1e-2])]), folds: 3, repeats: 2, seed: 1)
        let result = try search.run(split.xTrain, labels: split.yTrain)
        let folds = try RepeatedStratifiedKFold(folds: 3, repeats: 2, seed: 1).split(labels: split.yTrain)
        for candidate in result.candidates {
            #expect(candidate.foldScores.keys.sorted() == ["accuracy", "f1_macro", "roc_auc"])
            #expect(candidate.foldScores["accuracy"]! == candidate.foldAccuracies && candidate.foldAccuracies.count == 6)
            let pipeline = try search.pipeline(candidate.options)
            let fold = folds[4]
            let model = try pipeline.fit(split.xTrain.rows(at: fold.train), labels: fold.trainLabels(split.yTrain))
            let p = try model.predictProbabilities(split.xTrain.rows(at: fold.test))
            let auc = try ROCCurve(truth: fold.testLabels(split.yTrain), scores: (0..<p.rows).map { p[$0, 1] }).area
            #expect(candidate.foldScores["roc_auc"]![4] == auc)
        }
    }
}

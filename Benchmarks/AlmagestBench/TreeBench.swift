import AlmagestCore
import AlmagestLearn
import Foundation

/// Benchmarks of the tree ensembles, in the harness's line format (task, wall_s, cpu_s,
/// peak_rss_mb, plus accuracy):
/// - `random_forest_magic_100trees_threads{1,2}`: `RandomForestClassifier(trees: 100, seed: 0)`
///   (scikit-learn's defaults: Gini, grown to purity, √d features, bootstrap, out-of-bag score)
///   fitted on the MAGIC gamma training part (stratified 80% = 15,216 rows, seed 0, unscaled) and
///   predicting the 3,804 test rows, at 1 and 2 threads; best of 2, with the test accuracy and the
///   out-of-bag score. The forest is the same at both thread counts.
/// - `extra_trees_magic_100trees_threads2`: the same with `ExtraTreesClassifier` (no bootstrap).
/// - `gradient_boosting_magic_100rounds_depth6_threads{1,2}`: `GradientBoostingClassifier` (100
///   rounds of depth-6 trees, learning rate 0.1, λ = 1, 255 bins, no validation part) on the same
///   training part, predicting the test part; best of 3. The model is the same at both thread
///   counts. Compare with XGBoost `hist`, LightGBM and scikit-learn's HistGradientBoosting in
///   `reference_bench.py trees` (or `boosting`).
///
/// `boostingBenchmarks()` (group `boosting`) runs the gradient boosting lines alone.
///
/// ```swift
/// treeBenchmarks().forEach { print($0.jsonLine) }
/// ```
func treeBenchmarks() -> [BenchResult] {
    guard let (train, test, yTrain, yTest, source) = magicSplit() else {
        return [failedBenchmark("random_forest_magic_100trees", FitError.invalidLabels(reason: "no stratified split"))]
    }
    func run(_ task: String, threads: Int, _ fit: () throws -> TreeEnsembleModel) -> BenchResult {
        do {
            return try Parallel.withThreads(threads) {
                try measure(task, repeats: 2) {
                    let model = try fit()
                    let predicted = try model.predict(test)
                    let accuracy = Double(zip(predicted, yTest).filter { $0 == $1 }.count) / Double(yTest.count)
                    var figures: [String: Any] = [
                        "trees": 100, "rows": yTrain.count, "test_rows": yTest.count, "data": source, "threads": threads,
                        "accuracy": accuracy, "nodes": model.trees.reduce(0) { $0 + $1.nodeCount },
                    ]
                    if let oob = model.outOfBagScore { figures["oob_score"] = oob }
                    return figures
                }
            }
        } catch {
            return failedBenchmark(task, error)
        }
    }
    var results: [BenchResult] = []
    for threads in [1, 2] {
        results.append(run("random_forest_magic_100trees_threads\(threads)", threads: threads) {
            try RandomForestClassifier(trees: 100, seed: 0).fit(train, labels: yTrain)
        })
    }
    results.append(run("extra_trees_magic_100trees_threads2", threads: 2) {
        try ExtraTreesClassifier(trees: 100, seed: 0).fit(train, labels: yTrain)
    })
    results += boostingBenchmarks()
    return results
}

/// The gradient boosting lines of `treeBenchmarks` alone (group `boosting`), on the same split;
/// they also write `magic_test_rows.npy` for the Python side.
func boostingBenchmarks() -> [BenchResult] {
    guard let (train, test, yTrain, yTest, source) = magicSplit() else {
        return [failedBenchmark("gradient_boosting_magic", FitError.invalidLabels(reason: "no stratified split"))]
    }
    var results: [BenchResult] = []
    for threads in [1, 2] {
        let task = "gradient_boosting_magic_100rounds_depth6_threads\(threads)"
        do {
            results.append(try Parallel.withThreads(threads) {
                try measure(task, repeats: 3) {
                    let model = try GradientBoostingClassifier(rounds: 100, learningRate: 0.1, maxDepth: 6).fit(train, labels: yTrain)
                    let predicted = try model.predict(test)
                    let accuracy = Double(zip(predicted, yTest).filter { $0 == $1 }.count) / Double(yTest.count)
                    return ["rounds": model.rounds, "max_depth": 6, "learning_rate": 0.1, "rows": yTrain.count,
                            "test_rows": yTest.count, "data": source, "threads": threads, "accuracy": accuracy,
                            "leaves": model.trees.reduce(0) { $0 + $1.leafCount }]
                }
            })
        } catch {
            results.append(failedBenchmark(task, error))
        }
    }
    return results
}

/// MAGIC's stratified 80/20 split (seed 0) as training and test parts, and the data's source;
/// the test rows are written to `magic_test_rows.npy`, which the Python side reads so that both
/// sides fit and score on the same rows. Nil when the labels cannot be split.
private func magicSplit() -> (Matrix<Double>, Matrix<Double>, [Int], [Int], String)? {
    let (features, labels, source) = magicGammaRows()
    guard let parts = try? StratifiedSplit(testFraction: 0.2, seed: 0).split(labels: labels) else { return nil }
    BenchData.save(Matrix(rows: parts.test.count, columns: 1) { i, _ in Double(parts.test[i]) }, as: "magic_test_rows")
    return (features.rows(at: parts.train), features.rows(at: parts.test), parts.trainLabels(labels), parts.testLabels(labels), source)
}

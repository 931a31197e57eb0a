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
///
/// ```swift
/// treeBenchmarks().forEach { print($0.jsonLine) }
/// ```
func treeBenchmarks() -> [BenchResult] {
    let (features, labels, source) = magicGammaRows()
    guard let parts = try? StratifiedSplit(testFraction: 0.2, seed: 0).split(labels: labels) else {
        return [failedBenchmark("random_forest_magic_100trees", FitError.invalidLabels(reason: "no stratified split"))]
    }
    let (train, test) = (features.rows(at: parts.train), features.rows(at: parts.test))
    let (yTrain, yTest) = (parts.trainLabels(labels), parts.testLabels(labels))
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
    return results
}

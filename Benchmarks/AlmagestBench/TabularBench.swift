import AlmagestCore
import AlmagestData
import AlmagestLearn
import Foundation

/// Tabular benchmarks on the MAGIC gamma training part (stratified 80% = 15,216 rows x 10, seed
/// 42; synthetic rows of the same size when the file is missing), in the harness's line format,
/// best of 5 after a warm-up, at all threads:
/// - `yeo_johnson_fit_magic`: `PowerTransformer()` (Yeo-Johnson, standardised) fitted on the raw
///   training features: λ of ten columns by Brent plus the derivative's root;
/// - `logistic_regression_fit_predict_magic`: `LogisticRegression()` (L2, C = 1, L-BFGS, tol 1e-4)
///   fitted on the standardised training part, then predicting it;
/// - `gaussian_nb_fit_predict_magic`: `GaussianNaiveBayes()` the same way;
/// - `svm_rbf_fit_predict_magic`: `SupportVectorClassifier()` (RBF, C = 1, γ = scale, tol 1e-3,
///   200 MB cache, shrinking) the same way, best of 3; `fit_s` and `predict_s` split the last run.
/// `Benchmarks/python/reference_bench.py tabular` times scikit-learn on the same tasks.
///
/// ```swift
/// tabularBenchmarks().forEach { print($0.jsonLine) }
/// ```
func tabularBenchmarks() -> [BenchResult] {
    let part: (x: Matrix<Double>, labels: [Int], source: String)
    let standardised: Matrix<Double>
    do {
        part = try magicTrainingRows()
        standardised = try StandardScaler().fit(part.x).transform(part.x)
    } catch {
        return [failedBenchmark("tabular_magic_data", error)]
    }
    var results: [BenchResult] = []
    func run(_ task: String, repeats: Int = 5, _ body: () throws -> [String: Any]) {
        do {
            _ = try body()
            var result = try measure(task, repeats: repeats, body)
            result.extra["data"] = part.source
            result.extra["rows"] = part.x.rows
            result.extra["threads"] = Parallel.threads
            results.append(result)
        } catch {
            results.append(failedBenchmark(task, error))
        }
    }
    run("yeo_johnson_fit_magic") {
        let model = try PowerTransformer().fit(part.x)
        return ["lambda_0": (model.lambdas[0] * 1e6).rounded() / 1e6]
    }
    run("logistic_regression_fit_predict_magic") {
        let model = try LogisticRegression().fit(standardised, labels: part.labels)
        let predicted = try model.predict(standardised)
        return ["training_accuracy": trainingAccuracy(predicted, part.labels), "iterations": model.iterations]
    }
    run("gaussian_nb_fit_predict_magic") {
        let model = try GaussianNaiveBayes().fit(standardised, labels: part.labels)
        return ["training_accuracy": trainingAccuracy(try model.predict(standardised), part.labels)]
    }
    run("svm_rbf_fit_predict_magic", repeats: 3) {
        let start = DispatchTime.now().uptimeNanoseconds
        let model = try SupportVectorClassifier().fit(standardised, labels: part.labels)
        let fitted = DispatchTime.now().uptimeNanoseconds
        let predicted = try model.predict(standardised)
        let seconds = { (from: UInt64, to: UInt64) in (Double(to - from) / 1e6).rounded() / 1e3 }
        return ["training_accuracy": trainingAccuracy(predicted, part.labels), "support_vectors": model.supportIndices.count,
                "iterations": model.iterations[0], "fit_s": seconds(start, fitted),
                "predict_s": seconds(fitted, DispatchTime.now().uptimeNanoseconds)]
    }
    // k-NN (5, uniform, brute force): fit, then predict the first 4,000 training rows.
    run("kneighbors_fit_predict_4000_magic", repeats: 3) {
        let model = try KNeighborsClassifier(neighbors: 5).fit(standardised, labels: part.labels)
        let predicted = try model.predict(standardised.rows(at: 0..<4000))
        return ["training_accuracy": trainingAccuracy(predicted, Array(part.labels.prefix(4000)))]
    }
    // SMOTE (5 neighbours) bringing the hadron class up to the gamma class.
    run("smote_magic", repeats: 3) {
        let out = try SMOTE(neighbors: 5, seed: 0).resample(standardised, labels: part.labels)
        return ["rows_added": Int(out.report["rows_added"] ?? 0)]
    }
    // Grid search: 24 decision-tree candidates (max_depth 2..12 x min_samples_leaf 1, 5, 10, 20),
    // stratified 5-fold on the training part, the best refitted.
    run("grid_search_tree_24x5_magic", repeats: 2) {
        let space = SearchSpace(["max_depth": .list([2, 4, 6, 8, 10, 12]), "min_samples_leaf": .list([1, 5, 10, 20])])
        let result = try ModelSearch(model: EstimatorSpec("decision-tree"), space: space, folds: 5, seed: 0)
            .run(part.x, labels: part.labels)
        return ["best_cv_accuracy": (result.best.meanAccuracy * 1e4).rounded() / 1e4, "candidates": result.candidates.count]
    }
    return results
}

// MARK: - Private

/// The raw MAGIC training part (stratified 80%, seed 42, as the neural group) and its labels; its
/// row numbers are saved as `magic_train_rows_seed42.npy` for the Python side.
private func magicTrainingRows() throws -> (x: Matrix<Double>, labels: [Int], source: String) {
    let (features, labels, source) = magicGammaRows()
    let parts = try StratifiedSplit(testFraction: 0.2, seed: 42).split(labels: labels)
    // The training rows, in this order, for `reference_bench.py tabular`: both sides fit the same rows.
    BenchData.save(Matrix(rows: parts.train.count, columns: 1) { i, _ in Double(parts.train[i]) }, as: "magic_train_rows_seed42")
    return (features.rows(at: parts.train), parts.trainLabels(labels), source)
}

private func trainingAccuracy(_ predicted: [Int], _ labels: [Int]) -> Double {
    (Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(labels.count) * 1e4).rounded() / 1e4
}

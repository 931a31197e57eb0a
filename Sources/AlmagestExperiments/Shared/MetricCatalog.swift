import AlmagestTracking

/// What every metric the experiments log means: better higher or lower, and its range. One table
/// for all experiments, by exact name (never by a guess on part of the name); a run that logs a
/// metric missing here fails to finish with a message naming it (`TrackingError.unspecifiedMetric`).
/// Metrics of new kinds of runs are added here, or passed as extra specs by their experiment.
///
/// ```swift
/// let specs = MetricCatalog.specs(for: metrics.keys)     // throws nothing; unknown names are left out
/// ```
public enum MetricCatalog {
    /// The spec of each known metric among `names`.
    public static func specs(for names: some Sequence<String>) -> [MetricSpec] {
        names.compactMap(spec(of:))
    }

    /// The spec of `name`, or nil when the catalog does not know it.
    public static func spec(of name: String) -> MetricSpec? {
        if let spec = table[name] { return spec }
        if let perClass = PerClassMetrics.spec(of: name) { return perClass }
        return nil
    }

    // MARK: - Private

    private static let table: [String: MetricSpec] = {
        var specs = [MetricSpec]()
        // Clustering against true labels.
        specs += ["adjusted_mutual_information", "adjusted_rand_index"].map { MetricSpec($0, .maximize, lower: -1, upper: 1) }
        specs += ["normalized_mutual_information", "v_measure", "homogeneity", "completeness", "fowlkes_mallows",
                  "pair_jaccard_index", "rand_index", "purity"].map(MetricSpec.score)
        specs += ["inverse_purity"].map(MetricSpec.score)
        specs += ["mutual_information", "expected_mutual_information", "entropy_true", "entropy_predicted"]
            .map { MetricSpec($0, .maximize, lower: 0) }
        specs += ["conditional_entropy_true_given_predicted", "conditional_entropy_predicted_given_true"].map(MetricSpec.loss)
        // Internal validity and the fit.
        specs += [MetricSpec("silhouette", .maximize, range: -1...1), MetricSpec("calinski_harabasz", .maximize, lower: 0),
                  MetricSpec.loss("davies_bouldin"), MetricSpec.loss("inertia")]
        // Clusterers' own scores (`fitReport`): GEMINI's objective; FisherEM's likelihood and its
        // criteria, in R FisherEM's convention (log-likelihood minus a penalty: higher is better).
        specs += [MetricSpec("gemini_score", .maximize, lower: 0)]
        specs += ["log_likelihood", "bic", "aic", "icl"].map { MetricSpec($0, .maximize) }
        specs += ["free_parameters", "subspace_dimension"].map(MetricSpec.count)
        specs += ["iterations", "clusters_found", "clusters_asked", "feature_count", "train_samples", "test_samples",
                  "epochs_run", "best_epoch", "plateaus", "samples", "silhouette_sample_size"].map(MetricSpec.count)
        // Classification.
        specs += ["accuracy", "balanced_accuracy", "average_precision", "roc_auc", "roc_auc_ovr_weighted", "roc_auc_ovo"]
            .map(MetricSpec.score)
        specs += ["matthews_corrcoef", "cohen_kappa", "cohen_kappa_linear", "cohen_kappa_quadratic"]
            .map { MetricSpec($0, .maximize, range: -1...1) }
        for score in ["precision", "recall", "f1"] {
            specs += ["macro", "weighted", "micro", "binary"].map { MetricSpec.score("\(score)_\($0)") }
        }
        specs += [MetricSpec.loss("log_loss"), MetricSpec.loss("final_training_loss")]
        // Model search (cross-validation on the training part).
        for score in ["accuracy", "f1_macro", "roc_auc"] {
            specs += [MetricSpec.score("cv_\(score)_mean"), MetricSpec("cv_\(score)_std", .minimize, range: 0...1)]
        }
        specs += [MetricSpec.loss("cv_fit_seconds"), MetricSpec.loss("cv_score_seconds")]
        // Factorisation.
        specs += [MetricSpec("relative_error", .minimize, lower: 0), MetricSpec.loss("absolute_error"),
                  MetricSpec("effective_rank", .minimize, lower: 1), MetricSpec("nuclear_over_operator", .minimize, lower: 1),
                  MetricSpec("sigma1", .maximize, lower: 0), MetricSpec("sigma2", .maximize, lower: 0),
                  MetricSpec("stopped_on_plateau", .maximize, range: 0...1), MetricSpec.loss("fit_seconds")]
        return Dictionary(specs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }()
}

import AlmagestCore

/// A fitted Fisher-EM clustering: the DLM parameters, the training partition and posteriors, the
/// log-likelihood per iteration and the model-selection criteria.
///
/// Criteria follow the paper's convention (Bouveyron & Brunet 2012, Section 4, model selection):
/// the larger the better, with L the maximised log-likelihood, ξ the free parameters of the model
/// (`FisherEM.DLM.freeParameters`, Table 1) and n the samples:
/// `BIC = L − (ξ/2)·log n`, `AIC = L − ξ`, and
/// `ICL = BIC + Σ_i log t_{i, ẑ_i}` (Biernacki, Celeux & Govaert 2000: BIC minus the entropy of the
/// MAP classification ẑ; the R package adds this term with the wrong sign).
///
/// ```swift
/// let model = try FisherEM(clusters: 3).fit(x)
/// let labels = try model.predict(y)
/// let t = try model.posteriorProbabilities(y)       // rows sum to 1
/// let y2 = try model.project(y)                       // coordinates in the subspace (n x d)
/// ```
public struct FisherEMModel: FittedClusterer, Codable, Sendable, Equatable {
    /// The configuration that was fitted.
    public let configuration: FisherEM
    /// The DLM parameters (proportions, means, U, Σ_k, β_k).
    public let parameters: FisherEMParameters
    /// MAP cluster of each training row.
    public let labels: [Int]
    /// Posterior probabilities t_ik of the training rows (n x K).
    public let posteriors: Matrix<Double>
    /// Log-likelihood after each iteration (the first entry after the initial partition's F, M
    /// and E steps), of the winning start.
    public let logLikelihoods: [Double]
    /// Log-likelihood L of the estimate kept: the highest of `logLikelihoods` (see
    /// `FisherEMIterations`; the loop may end below it).
    public let logLikelihood: Double
    /// Number of free parameters ξ.
    public let freeParameters: Double
    /// L − (ξ/2)·log n (larger is better).
    public let bic: Double
    /// L − ξ (larger is better).
    public let aic: Double
    /// BIC + Σ_i log t_{i,ẑ_i} (larger is better).
    public let icl: Double
    /// Fisher-EM iterations of the winning start.
    public let iterations: Int
    /// True when Aitken's criterion stopped the winning start before `maxIterations`.
    public let hasConverged: Bool

    /// Clusters asked (K).
    public var clustersAsked: Int { parameters.proportions.count }
    /// Clusters holding at least one training row.
    public var clustersFound: Int { Set(labels).count }
    /// The model fitted.
    public var model: FisherEM.DLM { configuration.model }

    init(configuration: FisherEM, run: FisherEMIterations.Run, samples n: Int, features p: Int) {
        self.configuration = configuration
        parameters = run.parameters
        posteriors = run.posteriors
        labels = run.posteriors.argmaxPerRow()
        logLikelihoods = run.logLikelihoods
        logLikelihood = run.logLikelihood
        iterations = run.iterations
        hasConverged = run.hasConverged
        let k = run.parameters.proportions.count
        let xi = configuration.model.freeParameters(clusters: k, features: p, subspaceDimension: run.parameters.subspace.columns)
        freeParameters = xi
        bic = run.logLikelihood - xi / 2 * Double.log(Double(n))
        aic = run.logLikelihood - xi
        var classification = 0.0
        for (i, label) in labels.enumerated() { classification += Double.log(Swift.max(run.posteriors[i, label], .leastNormalMagnitude)) }
        icl = bic + classification
    }

    /// The MAP cluster of each row of `x`.
    public func predict(_ x: Matrix<Double>) throws -> [Int] { try posteriorProbabilities(x).argmaxPerRow() }

    /// Posterior probabilities of the clusters for each row of `x` (n x K, rows sum to 1).
    public func posteriorProbabilities(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try x.validateForPredict("Fisher-EM prediction input", features: parameters.means.columns)
        return FisherEMParameters.posteriors(logJoint(x)).t
    }

    /// The log-likelihood of `x` under the fitted mixture.
    public func logLikelihood(of x: Matrix<Double>) throws -> Double {
        try x.validateForPredict("Fisher-EM input", features: parameters.means.columns)
        return FisherEMParameters.posteriors(logJoint(x)).logLikelihood
    }

    /// Coordinates of the rows of `x` in the discriminative subspace, x·U (n x d).
    public func project(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try x.validateForPredict("Fisher-EM projection input", features: parameters.means.columns)
        return try Matrix.product(x, parameters.subspace)
    }

    /// The negative mean log-likelihood per iteration as the training loss.
    public var trainingCurves: TrainingCurves? {
        let n = Double(labels.count)
        return TrainingCurves(trainingLoss: logLikelihoods.map { -$0 / n }, validationLoss: [], validationAccuracy: [],
                              epochSeconds: [], bestEpoch: logLikelihoods.firstIndex(of: logLikelihood) ?? logLikelihoods.count - 1)
    }

    /// Log-likelihood, criteria, iterations and cluster counts, for the run's metrics.
    public var fitReport: [String: Double] {
        [
            "log_likelihood": logLikelihood, "bic": bic, "aic": aic, "icl": icl, "free_parameters": freeParameters,
            "iterations": Double(iterations), "clusters_asked": Double(clustersAsked),
            "clusters_found": Double(clustersFound), "subspace_dimension": Double(parameters.subspace.columns),
        ]
    }

    // MARK: - Private

    private func logJoint(_ x: Matrix<Double>) -> Matrix<Double> {
        let p = parameters.means.columns
        let center = parameters.center
        let norms = (0..<x.rows).map { i in (0..<p).reduce(0.0) { s, j in let v = x[i, j] - center[j]; return s + v * v } }
        let projected = try! Matrix.product(x, parameters.subspace)
        let residuals = FisherEMSteps.residuals(
            x: x, projected: projected, subspace: parameters.subspace, center: center, centeredSquaredNorms: norms,
            means: parameters.noiseCenter == .classMean ? parameters.means : nil, latentMeans: parameters.latentMeans)
        return parameters.logJoint(projected: projected, residuals: residuals)
    }
}

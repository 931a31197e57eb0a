import AlmagestCore

/// One run of the Fisher-EM loop from a starting partition: F-step, M-step, E-step until
/// Aitken's criterion says the log-likelihood has converged.
///
/// Reference: Bouveyron & Brunet (2012), Section 3 (the Fisher-EM algorithm: the F-step inserted
/// between the E-step and the M-step of EM) and Section 3.4 (convergence: the stopping rule uses
/// Aitken's acceleration; the F-step maximises Fisher's criterion, not the likelihood, so the
/// log-likelihood of the whole loop is not guaranteed to be monotone). With L_t the
/// log-likelihood after iteration t, `a_t = (L_{t+1} − L_t)/(L_t − L_{t−1})` and the asymptotic
/// estimate `L∞_{t+1} = L_t + (L_{t+1} − L_t)/(1 − a_t)`; the run stops when
/// `|L∞_{t+1} − L∞_t| / n < tolerance` (per sample, so the tolerance does not depend on n), from
/// the third iteration on as in the R package. What is guaranteed: for a fixed U the E and M steps
/// are those of EM and never decrease the likelihood (`runWithFixedSubspace`).
///
/// The run keeps the iterate of highest log-likelihood, not the last one (a deliberate difference
/// from the R package, which returns the last): since the F-step can lower the likelihood, the loop
/// may walk away from its best estimate, and in high dimension it often ends in a two-cycle below
/// it (68,000 spectra x 3,600: 348,423,163 at iteration 0 from k-means, then alternating between
/// 348,405,360 and 348,405,510). Starts are compared by likelihood, so iterates are too.
///
/// Cost per iteration: two GEMMs with the n x p data (class means and projection), O(n·p·K),
/// plus the F-step's O(p·r·K).
struct FisherEMIterations: Sendable {
    let steps: FisherEMSteps
    let dimension: Int
    let maxIterations: Int
    let tolerance: Double

    /// The outcome of one run.
    struct Run: Sendable {
        var parameters: FisherEMParameters
        var posteriors: Matrix<Double>
        /// The log-likelihood after each iteration.
        var logLikelihoods: [Double]
        var iterations: Int
        var hasConverged: Bool
        /// The iteration whose estimate (`parameters`, `posteriors`) the run keeps: the first of
        /// highest log-likelihood.
        var keptIteration: Int
        var logLikelihood: Double { logLikelihoods[keptIteration] }
    }

    /// Runs from the soft partition `t0` (n x K); nil when a class is empty from the start.
    func run(from t0: Matrix<Double>) -> Run? { iterate(from: t0, fixedSubspace: nil) }

    /// EM alone (no F-step) with the subspace held at `u`: the log-likelihood of this loop never
    /// decreases (the tests check it).
    func runWithFixedSubspace(_ u: Matrix<Double>, from t0: Matrix<Double>) -> Run? { iterate(from: t0, fixedSubspace: u) }

    // MARK: - Private

    private func iterate(from t0: Matrix<Double>, fixedSubspace: Matrix<Double>?) -> Run? {
        let n = Double(steps.x.rows)
        let smallest = Swift.max(1e-8 * n, 1e-12)
        var t = t0
        var best: Run?
        var logLikelihoods: [Double] = []
        var previousLimit = 0.0
        for iteration in 0...maxIterations {
            let (counts, means) = steps.classMeans(t)
            // A class emptied: stop with the last complete estimate, as the R package does.
            if counts.contains(where: { !($0 > smallest) }) { break }
            let u = fixedSubspace ?? steps.subspace.subspace(means: means, counts: counts, dimension: dimension, shrinkage: steps.shrinkage)
            let estimate = steps.maximize(t: t, counts: counts, means: means, u: u)
            let joint = estimate.parameters.logJoint(projected: estimate.projected, residuals: estimate.residuals)
            let (posteriors, logLikelihood) = FisherEMParameters.posteriors(joint)
            guard logLikelihood.isFinite else { break }
            logLikelihoods.append(logLikelihood)
            t = posteriors
            if best == nil || logLikelihood > best!.logLikelihood {
                best = Run(parameters: estimate.parameters, posteriors: posteriors, logLikelihoods: [],
                           iterations: 0, hasConverged: false, keptIteration: iteration)
            }
            best!.logLikelihoods = logLikelihoods
            best!.iterations = iteration
            FitProgress.report("Fisher-EM iteration \(iteration): log-likelihood \(logLikelihood)")
            if iteration == 0 { previousLimit = logLikelihood; continue }
            if iteration >= 3 {
                let count = logLikelihoods.count
                let (l0, l1, l2) = (logLikelihoods[count - 3], logLikelihoods[count - 2], logLikelihoods[count - 1])
                if l1 == l0 && l2 == l1 { best?.hasConverged = true; break }
                let acceleration = (l2 - l1) / (l1 - l0)
                let limit = l1 + (l2 - l1) / (1 - acceleration)
                if limit.isFinite {
                    if abs(limit - previousLimit) / n < tolerance { best?.hasConverged = true; break }
                    previousLimit = limit
                }
            }
        }
        return best
    }
}

import AlmagestCore

/// Choosing the number of clusters (and optionally the DLM model) of Fisher-EM by BIC, AIC or
/// ICL, with the table of every candidate's criteria.
///
/// Reference: Bouveyron & Brunet (2012), Section 4 (model selection with BIC, AIC and ICL; the
/// criteria are defined on `FisherEMModel`, larger is better). Each candidate (K, model) is fitted
/// with this configuration's other settings; the data's total covariance is factorised once for
/// all of them. Cost: the sum of the candidates' fits, minus all set-ups but one.
///
/// ```swift
/// let choice = try FisherEM(clusters: 2).selectClusters(x, candidates: 2...6, by: .bic)
/// choice.best.clustersAsked; choice.table.map(\.bic)
/// ```
extension FisherEM {
    /// A model-selection criterion (larger is better).
    public enum Criterion: String, Codable, Sendable, CaseIterable {
        case bic, aic, icl
    }

    /// Fits every number of clusters in `candidates` (and every model in `models`, this
    /// configuration's model when empty) and keeps the fit with the largest `criterion`; ties go
    /// to the first candidate (fewest clusters, then the models' order).
    public func selectClusters(_ x: Matrix<Double>, candidates: some Sequence<Int>, models: [DLM] = [],
                               by criterion: Criterion = .bic) throws -> FisherEMSelection {
        let ks = Array(candidates)
        guard !ks.isEmpty else {
            throw FitError.invalidParameter(name: "candidates", value: "[]", expected: "at least one number of clusters")
        }
        let modelList = models.isEmpty ? [model] : models
        var configurations: [FisherEM] = []
        for k in ks {
            for m in modelList {
                var c = self
                c.clusters = k
                c.model = m
                if subspaceDimension > k - 1 { c.subspaceDimension = 0 }
                try c.validate()
                try c.validate(data: x)
                configurations.append(c)
            }
        }
        BLAS.ensureConfigured()
        let fisher = try FisherSubspace(x)
        var table: [FisherEMSelection.Row] = []
        var best: FisherEMModel?
        for c in configurations {
            FitProgress.report("Fisher-EM selection: K = \(c.clusters), model \(c.model.rawValue)")
            let fitted = try c.fitValidated(x, fisher: fisher)
            table.append(FisherEMSelection.Row(fitted))
            if best == nil || fitted.criterion(criterion) > best!.criterion(criterion) { best = fitted }
        }
        return FisherEMSelection(criterion: criterion, table: table, best: best!)
    }
}

/// The outcome of `FisherEM.selectClusters`: the criteria of every candidate and the winner.
public struct FisherEMSelection: Codable, Sendable, Equatable {
    /// One candidate's numbers.
    public struct Row: Codable, Sendable, Equatable {
        public let clusters: Int
        public let model: FisherEM.DLM
        public let subspaceDimension: Int
        public let logLikelihood: Double
        public let freeParameters: Double
        public let bic: Double
        public let aic: Double
        public let icl: Double
        public let iterations: Int
        public let clustersFound: Int

        init(_ m: FisherEMModel) {
            clusters = m.clustersAsked
            model = m.model
            subspaceDimension = m.parameters.subspace.columns
            logLikelihood = m.logLikelihood
            freeParameters = m.freeParameters
            bic = m.bic
            aic = m.aic
            icl = m.icl
            iterations = m.iterations
            clustersFound = m.clustersFound
        }
    }

    /// The criterion that chose.
    public let criterion: FisherEM.Criterion
    /// Every candidate, in the order fitted.
    public let table: [Row]
    /// The fit with the largest criterion.
    public let best: FisherEMModel
}

extension FisherEMModel {
    /// The value of `criterion` for this fit.
    public func criterion(_ criterion: FisherEM.Criterion) -> Double {
        switch criterion {
        case .bic: return bic
        case .aic: return aic
        case .icl: return icl
        }
    }
}

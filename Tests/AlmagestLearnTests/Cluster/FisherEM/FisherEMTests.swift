import AlmagestCore
import AlmagestData
import AlmagestTestSupport
import Foundation
import Testing
@testable import AlmagestLearn

@Suite struct FisherEMTests {
    /// Every DLM model recovers the simulated partition.
    @Test(arguments: FisherEM.DLM.allCases)
    func recoversThePartition(model: FisherEM.DLM) throws {
        let sim = FisherEMSimulation()
        let fitted = try FisherEM(clusters: 3, model: model, seed: 1).fit(sim.x)
        let ari = try adjustedRandIndex(sim.labels, fitted.labels)
        #expect(ari >= 0.9, "\(model.rawValue): ARI \(ari)")
        #expect(fitted.clustersFound == 3 && fitted.clustersAsked == 3)
        #expect(fitted.logLikelihoods.count == fitted.iterations + 1)
        #expect(fitted.logLikelihood.isFinite && fitted.logLikelihood == fitted.logLikelihoods.max())
        // The fitted subspace is the true one: the principal angles' cosines are near 1, i.e. the
        // projector onto span(U) is close to the true projector.
        let u = fitted.parameters.subspace
        let overlap = try Matrix.product(sim.subspace, transposed: true, u)              // 2 x 2
        let cosines = try overlap.singularValues()
        #expect(cosines.allSatisfy { $0 > 0.95 }, "\(model.rawValue): cosines \(cosines)")
        // U has orthonormal columns.
        #expect(try Matrix.product(u, transposed: true, u).maxAbsDifference(.identity(2)) < 1e-10)
        // Predicting the training rows gives the training labels; posteriors sum to 1.
        #expect(try fitted.predict(sim.x) == fitted.labels)
        let t = try fitted.posteriorProbabilities(sim.x)
        #expect(t.maxAbsDifference(fitted.posteriors) < 1e-8)
        #expect((0..<t.rows).allSatisfy { abs(t.row($0).reduce(0, +) - 1) < 1e-12 })
        #expect(abs(try fitted.logLikelihood(of: sim.x) - fitted.logLikelihood) < 1e-6 * abs(fitted.logLikelihood))
    }

    @Test(arguments: FisherEM.Initialization.allCases)
    func bothInitialisationsWork(initialization: FisherEM.Initialization) throws {
        let sim = FisherEMSimulation(seed: 8)
        let fitted = try FisherEM(clusters: 3, model: .akjB, initialization: initialization, starts: 4, seed: 2).fit(sim.x)
        #expect(try adjustedRandIndex(sim.labels, fitted.labels) >= 0.9)
        let again = try FisherEM(clusters: 3, model: .akjB, initialization: initialization, starts: 4, seed: 2).fit(sim.x)
        #expect(again == fitted)
    }

    /// Several starts: the model is the start of highest log-likelihood (each start run on its own
    /// from its initial partition), and random starts do differ.
    @Test func theStartOfHighestLikelihoodIsKept() throws {
        let sim = FisherEMSimulation(perClass: 40, seed: 21)
        let config = FisherEM(clusters: 3, model: .akjBk, initialization: .random, starts: 5, maxIterations: 30, seed: 6)
        let model = try config.fit(sim.x)
        let steps = FisherEMSteps(x: sim.x, subspace: try FisherSubspace(sim.x), model: .akjBk, noiseCenter: config.noiseCenter)
        let loop = FisherEMIterations(steps: steps, dimension: 2, maxIterations: 30, tolerance: config.tolerance)
        let each = try (0..<5).map { s in
            try loop.run(from: FisherEM.indicator(config.initialLabels(sim.x, start: s), clusters: 3))?.logLikelihood ?? -.infinity
        }
        #expect(model.logLikelihood == each.max())
        #expect(Set(each).count > 1, "the starts should end at different likelihoods: \(each)")
        #expect(Set(try (0..<5).map { try config.initialLabels(sim.x, start: $0) }).count > 1)
    }

    /// With U held fixed the loop is EM for the DLM model and its log-likelihood never decreases
    /// (the paper's F-step maximises Fisher's criterion, not the likelihood, so only this part is
    /// guaranteed). Started from a rough partition so that there is something to climb.
    @Test(arguments: FisherEM.DLM.allCases, FisherEM.NoiseCenter.allCases)
    func fixedSubspaceLogLikelihoodNeverDecreases(model: FisherEM.DLM, center: FisherEM.NoiseCenter) throws {
        let sim = FisherEMSimulation(perClass: 50, seed: 11)
        var rng = RandomStream(seed: 3)
        let rough = sim.labels.map { rng.nextDouble() < 0.35 ? rng.nextInt(below: 3) : $0 }
        let steps = FisherEMSteps(x: sim.x, subspace: try FisherSubspace(sim.x), model: model, noiseCenter: center)
        let loop = FisherEMIterations(steps: steps, dimension: 2, maxIterations: 40, tolerance: 0)
        var rngU = RandomStream(seed: 4)
        // A subspace that is neither the true one nor orthogonal to it.
        let noise = randomOrthonormal(rows: 20, columns: 2, rng: &rngU)
        let u = FisherSubspace.orthonormalized(try sim.subspace + 0.5 * noise, columns: 2, features: 20)
        let run = try #require(loop.runWithFixedSubspace(u, from: FisherEM.indicator(rough, clusters: 3)))
        let l = run.logLikelihoods
        #expect(l.count >= 5)
        for i in 1..<l.count {
            #expect(l[i] >= l[i - 1] - 1e-9 * abs(l[i - 1]), "\(model.rawValue) \(center): iteration \(i): \(l[i - 1]) -> \(l[i])")
        }
        #expect(l.last! > l.first!)
    }

    /// BIC, AIC and ICL choose the true number of clusters among 2...5.
    /// Aitken stopping: the run stops at the first iteration where the extrapolated limit of the
    /// log-likelihood moved by less than `tolerance` per sample, and not before; a tighter
    /// tolerance runs longer; the whole fit says it converged before its iteration bound.
    @Test func aitkenStopsWhenTheExtrapolatedLimitSettles() throws {
        let sim = FisherEMSimulation(perClass: 50, seed: 11)
        var rng = RandomStream(seed: 3)
        let rough = sim.labels.map { rng.nextDouble() < 0.35 ? rng.nextInt(below: 3) : $0 }
        let steps = FisherEMSteps(x: sim.x, subspace: try FisherSubspace(sim.x), model: .akjBk, noiseCenter: .classMean)
        let u = FisherSubspace.orthonormalized(sim.subspace, columns: 2, features: 20)
        let t0 = FisherEM.indicator(rough, clusters: 3)
        let loose = try #require(FisherEMIterations(steps: steps, dimension: 2, maxIterations: 300, tolerance: 1e-4).runWithFixedSubspace(u, from: t0))
        let tight = try #require(FisherEMIterations(steps: steps, dimension: 2, maxIterations: 300, tolerance: 1e-12).runWithFixedSubspace(u, from: t0))
        #expect(loose.hasConverged && loose.iterations < 300)
        #expect(tight.iterations > loose.iterations)
        let l = loose.logLikelihoods, n = Double(sim.x.rows)
        #expect(l.count == loose.iterations + 1 && l.count >= 5)
        func limit(_ c: Int) -> Double {  // Aitken's limit from the first c values
            let (l0, l1, l2) = (l[c - 3], l[c - 2], l[c - 1])
            return l1 + (l2 - l1) / (1 - (l2 - l1) / (l1 - l0))
        }
        let c = l.count
        print("Aitken: stopped after \(loose.iterations) iterations at tolerance 1e-4, \(tight.iterations) at 1e-12")
        if l[c - 1] != l[c - 2] {
            #expect(abs(limit(c) - limit(c - 1)) / n < 1e-4)
            if c - 1 >= 5 { #expect(abs(limit(c - 1) - limit(c - 2)) / n >= 1e-4, "it should have stopped one iteration earlier") }
        }
        let fitted = try FisherEM(clusters: 3, model: .akjBk, maxIterations: 200, seed: 1).fit(sim.x)
        #expect(fitted.hasConverged && fitted.iterations < 200 && fitted.fitReport["iterations"] == Double(fitted.iterations))
    }

    @Test func bicChoosesTheTrueNumberOfClusters() throws {
        let sim = FisherEMSimulation(perClass: 100, features: 40, seed: 21)
        let choice = try FisherEM(clusters: 2, model: .akjB, seed: 0).selectClusters(sim.x, candidates: 2...5, by: .bic)
        #expect(choice.best.clustersAsked == 3, "BIC table: \(choice.table.map { ($0.clusters, $0.bic) })")
        #expect(choice.table.map(\.clusters) == [2, 3, 4, 5])
        #expect(choice.table.allSatisfy { $0.subspaceDimension == $0.clusters - 1 })
        let icl = try FisherEM(clusters: 2, model: .akjB, seed: 0).selectClusters(sim.x, candidates: 2...5, by: .icl)
        #expect(icl.best.clustersAsked == 3)
        // ICL = BIC + Σ log t_{i,ẑ_i} ≤ BIC; AIC = L − ξ.
        for row in choice.table {
            #expect(row.aic == row.logLikelihood - row.freeParameters)
            #expect(abs(row.bic - (row.logLikelihood - row.freeParameters / 2 * log(Double(sim.x.rows)))) < 1e-9 * abs(row.bic))
        }
        let best = choice.best
        let entropyTerm = best.labels.enumerated().reduce(0.0) { $0 + log(best.posteriors[$1.offset, $1.element]) }
        #expect(abs(best.icl - (best.bic + entropyTerm)) < 1e-9 * abs(best.icl) && best.icl <= best.bic)
        // Several models at once.
        let both = try FisherEM(clusters: 2, seed: 0).selectClusters(sim.x, candidates: [3], models: [.aB, .dkBk])
        #expect(both.table.map(\.model) == [.aB, .dkBk])
    }

    /// The free parameters against the paper's Table 1 written for d = K − 1 (the form the R
    /// package's `fem.criteria` uses), and one general-d value counted by hand.
    @Test func freeParameterCounts() {
        func table(_ m: FisherEM.DLM, _ k: Double, _ p: Double) -> Double {
            let head = (k - 1) + k * (k - 1) + (k - 1) * (p - k / 2)
            switch m {
            case .dkBk: return head + k * k * (k - 1) / 2 + k
            case .dkB: return head + k * k * (k - 1) / 2 + 1
            case .dBk: return head + k * (k - 1) / 2 + k
            case .dB: return head + k * (k - 1) / 2 + 1
            case .akjBk: return head + k * k
            case .akjB: return head + k * (k - 1) + 1
            case .akBk: return head + 2 * k
            case .akB: return head + k + 1
            case .ajBk: return head + (k - 1) + k
            case .ajB: return head + (k - 1) + 1
            case .aBk: return head + k + 1
            case .aB: return head + 2
            }
        }
        for (k, p) in [(2, 10), (3, 50), (4, 100), (10, 3600)] {
            for m in FisherEM.DLM.allCases {
                #expect(m.freeParameters(clusters: k, features: p, subspaceDimension: k - 1) == table(m, Double(k), Double(p)),
                        "\(m.rawValue) K=\(k) p=\(p)")
            }
        }
        // DkBk, K = 4, p = 10, d = 2: (3 + 8) + 2·(10 − 3/2) + 4·3 + 4 = 11 + 17 + 12 + 4.
        #expect(FisherEM.DLM.dkBk.freeParameters(clusters: 4, features: 10, subspaceDimension: 2) == 44)
        // AjB, same sizes: 11 + 17 + 2 + 1.
        #expect(FisherEM.DLM.ajB.freeParameters(clusters: 4, features: 10, subspaceDimension: 2) == 31)
    }

    @Test func refusesBadInput() throws {
        let sim = FisherEMSimulation(perClass: 10)
        var withNaN = sim.x
        withNaN[3, 4] = .nan
        let nan = #expect(throws: FitError.self) { try FisherEM(clusters: 3).fit(withNaN) }
        #expect("\(nan!)".contains("row 3, column 4"))
        let tooMany = #expect(throws: FitError.self) { try FisherEM(clusters: 31).fit(sim.x) }
        #expect("\(tooMany!)".contains("got 30") && "\(tooMany!)".contains("31 clusters"))
        let dimension = #expect(throws: FitError.self) { try FisherEM(clusters: 3, subspaceDimension: 3).fit(sim.x) }
        #expect("\(dimension!)".contains("subspaceDimension = 3") && "\(dimension!)".contains("clusters − 1 = 2"))
        let narrow = try Matrix<Double>(rows: 30, columns: 2, elements: Array(sim.x.elements.prefix(60)))
        let wide = #expect(throws: FitError.self) { try FisherEM(clusters: 3).fit(narrow) }
        #expect("\(wide!)".contains("below the number of features, 2"))
        #expect(throws: FitError.self) { try FisherEM(clusters: 1).fit(sim.x) }
        #expect(throws: FitError.self) { try FisherEM(clusters: 3, starts: 0).fit(sim.x) }
        #expect(throws: FitError.self) { try FisherEM(clusters: 3, tolerance: -1).fit(sim.x) }
        let shrinkage = #expect(throws: FitError.self) { try FisherEM(clusters: 3, shrinkage: 1).fit(sim.x) }
        #expect("\(shrinkage!)".contains("shrinkage") && "\(shrinkage!)".contains("[0, 1)"))
        #expect(throws: FitError.self) { try FisherEM(clusters: 3).fit(Matrix(rows: 0, columns: 20)) }
        #expect(throws: FitError.self) { try FisherEM(clusters: 2).selectClusters(sim.x, candidates: [Int]()) }
        let fitted = try FisherEM(clusters: 3).fit(sim.x)
        #expect(throws: FitError.featureCountMismatch(expected: 20, got: 2)) { try fitted.predict(narrow) }
    }

    /// 3,600 features: each log-density is about −5,000, far below exp's range, and the posteriors
    /// and the log-likelihood still come out finite (log-sum-exp).
    @Test func noUnderflowInHighDimension() throws {
        var rng = RandomStream(seed: 9)
        let (n, p) = (40, 3600)
        let labels = (0..<n).map { $0 % 2 }
        let x = Matrix<Double>(rows: n, columns: p) { i, j in (j < 100 && labels[i] == 1 ? 3 : 0) + rng.nextNormal() }
        let fitted = try FisherEM(clusters: 2, model: .aBk, seed: 0).fit(x)
        #expect(fitted.posteriors.isFinite && fitted.logLikelihood.isFinite)
        #expect(fitted.logLikelihood / Double(n) < -4000)
        #expect(try adjustedRandIndex(labels, fitted.labels) == 1)
    }

    /// A model saved before the noise centre and the shrinkage were options (no such keys) decodes
    /// with the behaviour it was fitted with: noise on the data mean, plain pseudo-inverse; and it
    /// predicts as it did.
    @Test func modelsSavedBeforeTheOptionsStillDecode() throws {
        let sim = FisherEMSimulation(perClass: 20, seed: 5)
        let fitted = try FisherEM(clusters: 3, seed: 0, noiseCenter: .dataMean).fit(sim.x)
        var json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(fitted)) as! [String: Any]
        var configuration = json["configuration"] as! [String: Any]
        var parameters = json["parameters"] as! [String: Any]
        #expect(configuration.removeValue(forKey: "noiseCenter") != nil && configuration.removeValue(forKey: "shrinkage") != nil)
        #expect(parameters.removeValue(forKey: "noiseCenter") != nil)
        json["configuration"] = configuration
        json["parameters"] = parameters
        let old = try JSONDecoder().decode(FisherEMModel.self, from: JSONSerialization.data(withJSONObject: json))
        #expect(old.configuration.noiseCenter == .dataMean && old.configuration.shrinkage == 0)
        #expect(old.parameters.noiseCenter == .dataMean)
        #expect(try old.predict(sim.x) == fitted.labels)
        // The default centres the noise on the class means, and both round-trip exactly.
        let current = try FisherEM(clusters: 3, seed: 0).fit(sim.x)
        #expect(current.parameters.noiseCenter == .classMean)
        #expect(try JSONDecoder().decode(FisherEMModel.self, from: JSONEncoder().encode(current)) == current)
    }

    @Test func registeredWithItsOptions() throws {
        try RegistryConformance.check("fisherem")
        let c = try EstimatorRegistry.shared.clusterer(
            "fisherem", options: ["clusters": 4, "model": "DB", "subspace_dimension": 2, "initialization": "random"])
        let expected = FisherEM(clusters: 4, model: .dB, subspaceDimension: 2, initialization: .random)
        #expect(try c.configuration.parameters == expected.parameters)
        let model = try c.fit(FisherEMSimulation(perClass: 20).x)
        #expect(model.fitReport["clusters_asked"] == 4 && model.fitReport["subspace_dimension"] == 2)
        #expect(model.trainingCurves?.trainingLoss.count == Int(model.fitReport["iterations"]!) + 1)
    }
}

/// The loop keeps its iterate of highest log-likelihood, and the model is that iterate's: its
/// labels, posteriors, likelihood and training-curve best epoch agree. On digits (64 pixels,
/// 10 clusters, random starts) some runs walk below their best, so the rule is exercised.
@Suite struct FisherEMKeptIterateTests {
    @Test func theModelIsItsRunsHighestLikelihoodIterate() throws {
        let x = try EmbeddedDatasets.digits().features.rows(at: Array(0..<600))
        var walkedBelow = 0
        for seed in 0..<6 {
            let fitted = try FisherEM(clusters: 10, model: .akjB, initialization: .random, maxIterations: 25, seed: seed).fit(x)
            let best = try #require(fitted.logLikelihoods.max())
            #expect(fitted.logLikelihood == best)
            #expect(fitted.trainingCurves?.bestEpoch == fitted.logLikelihoods.firstIndex(of: best))
            #expect(try fitted.predict(x) == fitted.labels)
            #expect(abs(try fitted.logLikelihood(of: x) - fitted.logLikelihood) < 1e-8 * abs(fitted.logLikelihood))
            if best > fitted.logLikelihoods.last! { walkedBelow += 1 }
        }
        print("Fisher-EM on digits: \(walkedBelow) of 6 runs ended below their best iterate")
        #expect(walkedBelow >= 1)
    }
}

import AlmagestCore
import Foundation

/// The one-versus-one training of `SupportVectorClassifier`, in libsvm's layout: rows grouped by
/// class (ascending labels, each class's rows in their original order); for the pair (a, b),
/// a < b, the rows of a are the positive (+1) side. A training row is a support vector of the
/// model when its α is non-zero in any of its pairs; the dual coefficients are stored as libsvm's
/// `sv_coef` ((k − 1) x n_SV: for pair (a, b) the coefficients of a's support vectors sit in row
/// b − 1, those of b's in row a). With `probability`, each pair first gets its Platt sigmoid from
/// a seeded 5-fold cross-validation of the same binary problem (libsvm's
/// `svm_binary_svc_probability`, with our random stream `(seed, pair index)` for the folds).
extension SupportVectorClassifier {
    func fitValidated(_ x: Matrix<Double>, labels: [Int], classes: [Int]) -> SupportVectorClassifierModel {
        let k = classes.count
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($0.element, $0.offset) })
        let members = (0..<k).map { c in labels.indices.filter { index[labels[$0]]! == c } }
        let weights: [Double]
        switch classWeight {
        case .uniform: weights = Array(repeating: 1, count: k)
        case .balanced: weights = members.map { Double(x.rows) / (Double(k) * Double($0.count)) }
        case .given: weights = classWeights
        }
        let resolvedKernel = SVMKernel(kind: kernel, gamma: gamma.resolved(for: x), degree: degree, coef0: coef0)

        var isSupport = members.map { Array(repeating: false, count: $0.count) }
        var pairAlphas: [[Double]] = [], rhos: [Double] = [], sigmoids: [PlattScaling] = []
        var iterations: [Int] = [], converged = true
        var pairIndex = 0
        for a in 0..<k {
            for b in (a + 1)..<k {
                let rows = members[a] + members[b]
                let sub = x.rows(at: rows)
                let signs = rows.indices.map { $0 < members[a].count ? 1.0 : -1.0 }
                let bounds = (positive: c * weights[a], negative: c * weights[b])
                if probability {
                    sigmoids.append(plattSigmoid(sub, signs: signs, bounds: bounds, kernel: resolvedKernel, stream: pairIndex))
                }
                let solution = solveBinary(sub, signs: signs, bounds: bounds, kernel: resolvedKernel)
                for (t, alpha) in solution.alpha.enumerated() where alpha > 0 {
                    if t < members[a].count { isSupport[a][t] = true } else { isSupport[b][t - members[a].count] = true }
                }
                pairAlphas.append(solution.alpha)
                rhos.append(solution.rho)
                iterations.append(solution.iterations)
                converged = converged && solution.hasConverged
                pairIndex += 1
            }
        }

        // Support vectors grouped by class, and their place in the model's list.
        var supportIndices: [Int] = [], supportCounts: [Int] = []
        var position = members.map { Array(repeating: -1, count: $0.count) }
        for cls in 0..<k {
            var count = 0
            for (t, row) in members[cls].enumerated() where isSupport[cls][t] {
                position[cls][t] = supportIndices.count
                supportIndices.append(row)
                count += 1
            }
            supportCounts.append(count)
        }
        // Two classes: scikit-learn's signs (positive decision values for classes[1]).
        let sign = k == 2 ? -1.0 : 1.0
        var coefficients = Array(repeating: Array(repeating: 0.0, count: supportIndices.count), count: k - 1)
        var intercepts: [Double] = []
        pairIndex = 0
        for a in 0..<k {
            for b in (a + 1)..<k {
                let alpha = pairAlphas[pairIndex]
                for t in 0..<members[a].count where alpha[t] > 0 {
                    coefficients[b - 1][position[a][t]] = sign * alpha[t]
                }
                for t in 0..<members[b].count where alpha[members[a].count + t] > 0 {
                    coefficients[a][position[b][t]] = -sign * alpha[members[a].count + t]
                }
                intercepts.append(-sign * rhos[pairIndex])
                pairIndex += 1
            }
        }
        return SupportVectorClassifierModel(
            classes: classes, kernel: resolvedKernel, supportVectors: x.rows(at: supportIndices),
            supportIndices: supportIndices, supportCounts: supportCounts, dualCoefficients: coefficients,
            intercepts: intercepts, sigmoids: sigmoids, iterations: iterations, hasConverged: converged)
    }

    /// SMO on one binary problem (rows, ±1 signs, the box bound of each side).
    func solveBinary(_ x: Matrix<Double>, signs: [Double], bounds: (positive: Double, negative: Double), kernel: SVMKernel)
        -> SMOSolver.Solution {
        let q = SignedKernelRows(x: x, signs: signs, kernel: kernel, cacheMegabytes: cacheSize)
        return SMOSolver(q: q, signs: signs, bounds: bounds, tolerance: tolerance, shrinking: shrinking,
                         maxIterations: maxIterations).solve()
    }

    /// The Platt sigmoid of one binary problem, fitted to the decision values of a seeded
    /// `probabilityFolds`-fold cross-validation: each fold's rows get the values of a machine
    /// trained on the other folds (±1 when those hold one side only, as libsvm).
    func plattSigmoid(_ x: Matrix<Double>, signs: [Double], bounds: (positive: Double, negative: Double),
                      kernel: SVMKernel, stream: Int) -> PlattScaling {
        let n = x.rows
        var rng = RandomStream(seed: seed, stream: stream)
        let order = rng.permutation(n)
        let folds = Self.probabilityFolds
        var values = Array(repeating: 0.0, count: n)
        for fold in 0..<folds {
            let (begin, end) = (fold * n / folds, (fold + 1) * n / folds)
            let held = Array(order[begin..<end])
            let kept = Array(order[..<begin]) + Array(order[end...])
            let keptSigns = kept.map { signs[$0] }
            let positives = keptSigns.filter { $0 > 0 }.count
            if positives == 0 || positives == kept.count {
                let constant = kept.isEmpty ? 0.0 : (positives > 0 ? 1.0 : -1.0)
                for row in held { values[row] = constant }
                continue
            }
            let train = x.rows(at: kept)
            let solution = solveBinary(train, signs: keptSigns, bounds: bounds, kernel: kernel)
            let support = solution.alpha.indices.filter { solution.alpha[$0] > 0 }
            guard !held.isEmpty else { continue }
            let vectors = train.rows(at: support), queries = x.rows(at: held)
            let block = kernel.block(rows: 0..<held.count, of: queries, normsA: queries.rowSquaredNorms(),
                                     against: vectors, normsB: vectors.rowSquaredNorms())
            let coefficients = support.map { keptSigns[$0] * solution.alpha[$0] }
            let f = (try? block.multiplied(by: coefficients)) ?? Array(repeating: 0, count: held.count)
            for (t, row) in held.enumerated() { values[row] = f[t] - solution.rho }
        }
        return PlattScaling.fit(decisionValues: values, positive: signs.map { $0 > 0 })
    }
}

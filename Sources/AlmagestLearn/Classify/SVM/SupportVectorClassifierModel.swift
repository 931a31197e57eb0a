import AlmagestCore
import Foundation

/// A fitted `SupportVectorClassifier`, laid out as scikit-learn's `SVC`: the support vectors
/// grouped by class, their dual coefficients y_i α_i (`dual_coef_`, (k − 1) x n_SV in libsvm's
/// one-versus-one layout), one intercept per pair of classes (−ρ), and with `probability` one
/// Platt sigmoid per pair (`probA_`, `probB_`). Pairs run (0,1), (0,2), …, (0,k−1), (1,2), …
/// over the indices of `classes`.
///
/// Signs follow scikit-learn: with two classes the decision value is positive for `classes[1]`;
/// with more, each pair's value is positive for its first class.
///
/// Prediction evaluates the kernel between blocks of query rows and all support vectors in one
/// GEMM per block (blocks in parallel). Cost O(m · n_SV · d).
///
/// ```swift
/// let model = try SupportVectorClassifier().fit(x, labels: y)
/// model.supportIndices; model.dualCoefficients; model.intercepts
/// let f = try model.decisionFunction(test)
/// ```
public struct SupportVectorClassifierModel: FittedClassifier, Equatable {
    public let classes: [Int]
    /// The kernel, with γ resolved to a number.
    public let kernel: SVMKernel
    /// n_SV x d, grouped by class in the order of `classes`.
    public let supportVectors: Matrix<Double>
    /// The training row of each support vector (scikit-learn's `support_`).
    public let supportIndices: [Int]
    /// Support vectors per class (`n_support_`).
    public let supportCounts: [Int]
    /// (k − 1) x n_SV dual coefficients (`dual_coef_`).
    public let dualCoefficients: [[Double]]
    /// One per pair (`intercept_`).
    public let intercepts: [Double]
    /// One Platt sigmoid per pair when fitted with `probability`, else empty; each gives the
    /// probability of the pair's first class from its libsvm decision value.
    public let sigmoids: [PlattScaling]
    /// SMO steps per pair.
    public let iterations: [Int]
    /// False when some pair's solver stopped at `maxIterations` before reaching the tolerance.
    public let hasConverged: Bool

    /// Query rows per kernel block in prediction.
    static let blockRows = 256
    /// Pairwise probabilities are kept inside [ε, 1 − ε] before coupling (libsvm's 1e-7).
    static let smallestPairProbability = 1e-7

    public var featureCount: Int { supportVectors.columns }
    /// The pairs of class indices, in the order of `intercepts` and the decision values.
    public var pairs: [(Int, Int)] {
        (0..<classes.count).flatMap { a in ((a + 1)..<classes.count).map { (a, $0) } }
    }

    /// The class with most one-versus-one votes (ties to the lower class), as libsvm.
    public func predict(_ x: Matrix<Double>) throws -> [Int] {
        let values = try pairwiseValues(x)
        let k = classes.count, pairList = pairs
        return (0..<x.rows).map { i in
            var votes = Array(repeating: 0, count: k)
            for (p, (a, b)) in pairList.enumerated() { votes[values[i, p] > 0 ? a : b] += 1 }
            var best = 0
            for c in 1..<k where votes[c] > votes[best] { best = c }
            return classes[best]
        }
    }

    /// Decision values: n x 1 for two classes (positive for `classes[1]`), else n x k(k−1)/2,
    /// one column per pair (positive for its first class).
    public func decisionFunction(_ x: Matrix<Double>) throws -> Matrix<Double> {
        let values = try pairwiseValues(x)
        guard classes.count == 2 else { return values }
        return values.map { -$0 }
    }

    /// Class probabilities, one column per entry of `classes`: pairwise coupling of the pairs'
    /// Platt probabilities. Without `probability` at fit, σ(f) of each pair's decision value
    /// stands in for them (A = −1, B = 0): a score in the same order as the decision values, not
    /// a calibrated probability.
    public func predictProbabilities(_ x: Matrix<Double>) throws -> Matrix<Double> {
        let values = try pairwiseValues(x)
        let k = classes.count, pairList = pairs
        let scaling = sigmoids.isEmpty ? Array(repeating: PlattScaling(a: -1, b: 0), count: pairList.count) : sigmoids
        let epsilon = Self.smallestPairProbability
        return Matrix(rows: x.rows, columns: k) { out in
            for i in 0..<x.rows {
                var r = Array(repeating: Array(repeating: 0.0, count: k), count: k)
                for (p, (a, b)) in pairList.enumerated() {
                    let probability = Swift.min(Swift.max(scaling[p].probability(values[i, p]), epsilon), 1 - epsilon)
                    r[a][b] = probability
                    r[b][a] = 1 - probability
                }
                let coupled = PairwiseCoupling.probabilities(r)
                for c in 0..<k { out[i * k + c] = coupled[c] }
            }
        }
    }

    /// libsvm's decision values, n x pairs: positive for each pair's first class.
    func pairwiseValues(_ x: Matrix<Double>) throws -> Matrix<Double> {
        try x.validateForPredict("SVM input", features: featureCount)
        BLAS.ensureConfigured()
        let pairCount = pairs.count, pairList = pairs
        let starts = supportCounts.indices.map { supportCounts[..<$0].reduce(0, +) }
        let sign = classes.count == 2 ? -1.0 : 1.0
        let svNorms = supportVectors.rowSquaredNorms(), queryNorms = x.rowSquaredNorms()
        let (kernel, vectors, coefficients, intercepts, counts) = (kernel, supportVectors, dualCoefficients, self.intercepts, supportCounts)
        let blocks = Parallel.mapChunks(count: x.rows, chunkSize: Self.blockRows) { range, _ -> [Double] in
            let k = kernel.block(rows: range, of: x, normsA: queryNorms, against: vectors, normsB: svNorms)
            let n = vectors.rows
            var out = Array(repeating: 0.0, count: range.count * pairCount)
            k.withUnsafeBufferPointer { pk in
                for i in 0..<range.count {
                    let row = pk.baseAddress! + i * n
                    for (p, (a, b)) in pairList.enumerated() {
                        var sum = 0.0
                        let ca = coefficients[b - 1], cb = coefficients[a]
                        for s in starts[a]..<(starts[a] + counts[a]) { sum += ca[s] * row[s] }
                        for s in starts[b]..<(starts[b] + counts[b]) { sum += cb[s] * row[s] }
                        out[i * pairCount + p] = sign * (sum + intercepts[p])
                    }
                }
            }
            return out
        }
        return try Matrix(rows: x.rows, columns: pairCount, elements: blocks.flatMap { $0 })
    }
}

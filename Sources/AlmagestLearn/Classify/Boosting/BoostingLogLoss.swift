import AlmagestCore
import Foundation

/// The log loss of gradient boosting on raw scores (logits), with its first and second
/// derivatives per row (Friedman, "Greedy function approximation", Annals of Statistics 2001;
/// the Newton step of XGBoost, Chen & Guestrin, KDD 2016).
///
/// - Two classes: one score F per row, p = σ(F), loss = log(1 + e^F) − yF, gradient p − y,
///   hessian p(1 − p).
/// - K ≥ 3 classes: K scores per row, p = softmax(F), loss = log Σ e^F − F_y, gradient
///   p_k − [y = k], hessian the diagonal p_k(1 − p_k) (scikit-learn's choice; XGBoost doubles it,
///   LightGBM scales it by K/(K−1)).
///
/// Hessians are kept at least 1e-16 so that a node's sum never vanishes. Scores are row-major,
/// `scoreColumns` per row; gradients and hessians come out class-major (`k * rows + i`), ready
/// for one tree per class. Cost: O(n K).
///
/// ```swift
/// let loss = BoostingLogLoss(classes: 3)
/// loss.derivatives(scores: f, labels: y, gradients: &g, hessians: &h)
/// let mean = loss.meanLoss(scores: f, labels: y, rows: 0..<n)
/// ```
struct BoostingLogLoss: Sendable {
    let classes: Int
    /// Scores per row: 1 for two classes, `classes` otherwise.
    var scoreColumns: Int { classes == 2 ? 1 : classes }

    /// Smallest hessian kept.
    static let minimumHessian = 1e-16

    /// The initial scores: the logit of the share of class 1 for two classes, the log of each
    /// class's share otherwise (so that the first probabilities are the class priors).
    func baseScores(labels: [Int32]) -> [Double] {
        var counts = [Double](repeating: 0, count: classes)
        for y in labels { counts[Int(y)] += 1 }
        let n = Double(labels.count)
        if classes == 2 { return [Foundation.log(counts[1] / counts[0])] }
        return counts.map { Foundation.log(max($0, 1) / n) }
    }

    /// Gradients and hessians (class-major, `scoreColumns * rows` each) of every row's loss;
    /// returns the mean loss of the scores, found on the way (for two classes the softplus terms
    /// of 64 rows share one logarithm; about 1e-14 from the row-by-row sum). Parallel over chunks
    /// of rows; each value depends on its row only and the chunks' loss sums add in chunk order.
    @discardableResult
    func derivatives(scores: [Double], labels: [Int32], gradients: inout [Double], hessians: inout [Double]) -> Double {
        let n = labels.count, s = scoreColumns
        precondition(scores.count == n * s && gradients.count == n * s && hessians.count == n * s)
        let sums = scores.withUnsafeBufferPointer { f in
            labels.withUnsafeBufferPointer { y in
                gradients.withUnsafeMutableBufferPointer { g in
                    hessians.withUnsafeMutableBufferPointer { h in
                        let (fp, yp) = (SharedReadPointer(f.baseAddress!), SharedReadPointer(y.baseAddress!))
                        let (gp, hp) = (SharedPointer(g.baseAddress!), SharedPointer(h.baseAddress!))
                        return Parallel.mapChunks(count: n, chunkSize: 4096) { range, _ -> Double in
                            var total = 0.0
                            if s == 1 {
                                // Σ log(1 + e) as the log of products of up to 64 factors in (1, 2]
                                // (no overflow, 64 roundings at most): one log per block, not per row.
                                for block in stride(from: range.lowerBound, to: range.upperBound, by: 64) {
                                    var product = 1.0
                                    for i in block..<min(block + 64, range.upperBound) {
                                        let z = fp[i], e = Foundation.exp(-abs(z))
                                        let p = z >= 0 ? 1 / (1 + e) : e / (1 + e)
                                        let positive = yp[i] == 1
                                        gp[i] = p - (positive ? 1 : 0)
                                        hp[i] = max(p * (1 - p), Self.minimumHessian)
                                        total += max(z, 0) - (positive ? z : 0)
                                        product *= 1 + e
                                    }
                                    total += Foundation.log(product)
                                }
                            } else {
                                for i in range {
                                    let row = fp.base + i * s
                                    var top = row[0]
                                    for k in 1..<s { top = max(top, row[k]) }
                                    var sum = 0.0
                                    for k in 0..<s { sum += Foundation.exp(row[k] - top) }
                                    for k in 0..<s {
                                        let p = Foundation.exp(row[k] - top) / sum
                                        gp[k * n + i] = p - (Int(yp[i]) == k ? 1 : 0)
                                        hp[k * n + i] = max(p * (1 - p), Self.minimumHessian)
                                    }
                                    total += top + Foundation.log(sum) - row[Int(yp[i])]
                                }
                            }
                            return total
                        }
                    }
                }
            }
        }
        return sums.reduce(0, +) / Double(max(n, 1))
    }

    /// The log loss of one row with scores `f` (`scoreColumns` values) and class `y`.
    func loss(_ f: UnsafePointer<Double>, label y: Int) -> Double {
        if scoreColumns == 1 {
            // log(1 + e^F) − yF, without overflow.
            let z = f[0]
            let softplus = z > 0 ? z + Foundation.log1p(Foundation.exp(-z)) : Foundation.log1p(Foundation.exp(z))
            return softplus - (y == 1 ? z : 0)
        }
        var top = f[0]
        for k in 1..<scoreColumns { top = max(top, f[k]) }
        var total = 0.0
        for k in 0..<scoreColumns { total += Foundation.exp(f[k] - top) }
        return top + Foundation.log(total) - f[y]
    }

    /// Mean log loss and accuracy over `rows` (indices into `labels`) of row-major `scores`.
    func meanLossAndAccuracy(scores: [Double], labels: [Int32], rows: [Int]) -> (loss: Double, accuracy: Double) {
        guard !rows.isEmpty else { return (0, 0) }
        let s = scoreColumns
        var (total, correct) = (0.0, 0)
        scores.withUnsafeBufferPointer { f in
            for i in rows {
                let row = f.baseAddress! + i * s
                let y = Int(labels[i])
                total += loss(row, label: y)
                if predictedClass(row) == y { correct += 1 }
            }
        }
        return (total / Double(rows.count), Double(correct) / Double(rows.count))
    }

    /// The most probable class of scores `f` (the first on ties).
    func predictedClass(_ f: UnsafePointer<Double>) -> Int {
        if scoreColumns == 1 { return f[0] > 0 ? 1 : 0 }
        var best = 0
        for k in 1..<scoreColumns where f[k] > f[best] { best = k }
        return best
    }

    /// Probabilities of every class (`classes` values into `out`) from the scores `f`.
    func probabilities(_ f: UnsafePointer<Double>, into out: UnsafeMutablePointer<Double>) {
        if scoreColumns == 1 {
            let p = sigmoid(f[0])
            out[0] = 1 - p
            out[1] = p
            return
        }
        var top = f[0]
        for k in 1..<scoreColumns { top = max(top, f[k]) }
        var total = 0.0
        for k in 0..<scoreColumns {
            out[k] = Foundation.exp(f[k] - top)
            total += out[k]
        }
        for k in 0..<scoreColumns { out[k] /= total }
    }
}

// MARK: - Private

/// The logistic function, without overflow for large |z|.
@inline(__always)
private func sigmoid(_ z: Double) -> Double {
    z >= 0 ? 1 / (1 + Foundation.exp(-z)) : Foundation.exp(z) / (1 + Foundation.exp(z))
}

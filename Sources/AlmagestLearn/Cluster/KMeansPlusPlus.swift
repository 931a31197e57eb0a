import AlmagestCore

/// Greedy k-means++ seeding (Arthur & Vassilvitskii, 2007; the greedy variant of scikit-learn
/// tries `2 + ⌊ln k⌋` candidates per centre and keeps the one that lowers the potential most).
///
/// Cost O(k · trials · n · d): the distances from all candidates of a step to all rows come from
/// one GEMM, so memory is O(trials · n).
///
/// ```swift
/// var rng = RandomStream(seed: 0)
/// let seeds = kMeansPlusPlusSeeds(x, norms: Distances.Norms(x), clusters: 10, rng: &rng)
/// ```
func kMeansPlusPlusSeeds(
    _ x: Matrix<Double>, norms: Distances.Norms<Double>, clusters k: Int, rng: inout RandomStream
) -> Matrix<Double> {
    let n = x.rows
    let trials = 2 + Int(Double.log(Double(k)))
    var centres = [Int]()
    centres.reserveCapacity(k)
    let first = rng.nextInt(below: n)
    centres.append(first)
    // Squared distance of every row to its nearest centre so far.
    var closest = Distances.squaredDistances(rows: first..<(first + 1), of: x, to: x, normsA: norms, normsB: norms).elements
    closest[first] = 0

    while centres.count < k {
        // Candidates drawn with probability proportional to `closest` (cumulative-sum search).
        var candidates = [Int]()
        var cumulative = [Double](repeating: 0, count: n)
        var running = 0.0
        for i in 0..<n {
            running += closest[i]
            cumulative[i] = running
        }
        for _ in 0..<trials {
            let target = rng.nextDouble() * running
            var lo = 0, hi = n - 1
            while lo < hi {
                let mid = (lo + hi) / 2
                if cumulative[mid] <= target { lo = mid + 1 } else { hi = mid }
            }
            candidates.append(min(lo, n - 1))
        }
        let candidateRows = x.rows(at: candidates)
        let distances = Distances.squaredDistances(
            rows: 0..<trials, of: candidateRows, to: x, normsA: Distances.Norms(candidateRows), normsB: norms)
        var bestCandidate = 0
        var bestPotential = Double.infinity
        var bestClosest = closest
        distances.withUnsafeBufferPointer { d in
            for t in 0..<trials {
                var total = 0.0
                var updated = closest
                for i in 0..<n {
                    let v = Swift.min(closest[i], d[t * n + i])
                    updated[i] = v
                    total += v
                }
                if total < bestPotential {
                    bestPotential = total
                    bestCandidate = t
                    bestClosest = updated
                }
            }
        }
        centres.append(candidates[bestCandidate])
        closest = bestClosest
    }
    return x.rows(at: centres)
}

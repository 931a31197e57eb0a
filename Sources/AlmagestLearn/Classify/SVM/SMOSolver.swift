import AlmagestCore
import Foundation

/// Sequential minimal optimisation for the C-SVC dual of one binary problem with labels ±1:
///
///     min_α ½ αᵀQα − eᵀα   subject to  yᵀα = 0,  0 ≤ α_i ≤ C_i,   Q_ij = y_i y_j K(x_i, x_j)
///
/// Each step updates two variables analytically (Platt, "Sequential minimal optimization", 1998);
/// the pair is chosen by second-order working-set selection (Fan, Chen & Lin, "Working set
/// selection using second order information for training support vector machines", JMLR 2005):
/// i is the maximal violator, j the partner whose step decreases the objective most. The
/// solver stops when the maximal violation m(α) − M(α) is below `tolerance` (the KKT conditions
/// hold to that accuracy). With `shrinking`, variables that stay at a bound are set aside every
/// min(n, 1000) steps and their gradients rebuilt before the final check (Joachims 1999; the
/// rules of Chang & Lin, "LIBSVM", 2011, §5.1). Kernel rows come from `SignedKernelRows`.
///
/// Cost: O(n) per step plus the kernel rows not in the cache (O(n d) each); the number of steps
/// grows roughly between linearly and quadratically with n.
///
/// ```swift
/// let solution = SMOSolver(q: q, signs: y, bounds: (1, 1), tolerance: 1e-3, shrinking: true,
///                          maxIterations: 10_000_000).solve()
/// solution.alpha; solution.rho                    // f(x) = Σ y_i α_i K(x_i, x) − ρ
/// ```
struct SMOSolver {
    /// The solution of one binary problem.
    struct Solution: Sendable {
        /// α in the problem's original order.
        let alpha: [Double]
        /// The offset: f(x) = Σ y_i α_i K(x_i, x) − ρ.
        let rho: Double
        /// ½ αᵀQα − eᵀα.
        let objective: Double
        let iterations: Int
        /// False when `maxIterations` stopped the solver before the tolerance was met.
        let hasConverged: Bool
    }

    /// Curvature used in place of a non-positive one (non-PSD kernels such as the sigmoid).
    static let tau = 1e-12

    let q: SignedKernelRows
    let signs: [Double]
    /// C for the positive and the negative class.
    let bounds: (positive: Double, negative: Double)
    let tolerance: Double
    let shrinking: Bool
    let maxIterations: Int

    func solve() -> Solution {
        var state = SMOState(q: q, signs: signs, bounds: bounds)
        return state.run(tolerance: tolerance, shrinking: shrinking, maxIterations: maxIterations)
    }
}

// MARK: - Private

/// Where α_i sits in its box.
private enum BoundStatus: UInt8 { case lower, upper, free }

/// The solver's mutable state, in the current (shrinking) order of the variables.
private struct SMOState {
    let q: SignedKernelRows
    let n: Int
    var y: [Double]
    var upper: [Double]
    var alpha: [Double]
    /// ∇f(α) = Qα − e.
    var gradient: [Double]
    /// Σ_{α_j = C_j} C_j Q_ij, kept to rebuild the gradient of shrunk variables.
    var gradientBar: [Double]
    var status: [BoundStatus]
    /// Original index of each position.
    var order: [Int]
    var activeSize: Int
    var unshrunk = false

    init(q: SignedKernelRows, signs: [Double], bounds: (positive: Double, negative: Double)) {
        self.q = q
        n = signs.count
        y = signs
        upper = signs.map { $0 > 0 ? bounds.positive : bounds.negative }
        alpha = Array(repeating: 0, count: n)
        gradient = Array(repeating: -1, count: n)
        gradientBar = Array(repeating: 0, count: n)
        status = Array(repeating: .lower, count: n)
        order = Array(0..<n)
        activeSize = n
    }

    mutating func run(tolerance: Double, shrinking: Bool, maxIterations: Int) -> SMOSolver.Solution {
        var iterations = 0
        var converged = false
        var countdown = Swift.min(n, 1000) + 1
        while iterations < maxIterations {
            countdown -= 1
            if countdown == 0 {
                countdown = Swift.min(n, 1000)
                if shrinking { shrink(tolerance: tolerance) }
            }
            var pair = selectWorkingSet(tolerance: tolerance)
            if pair == nil {
                reconstructGradient()
                activeSize = n
                pair = selectWorkingSet(tolerance: tolerance)
                if pair == nil {
                    converged = true
                    break
                }
                countdown = 1
            }
            iterations += 1
            step(pair!.i, pair!.j)
        }
        if !converged {
            reconstructGradient()
            activeSize = n
        }
        let rho = offset()
        var objective = 0.0
        for i in 0..<n { objective += alpha[i] * (gradient[i] - 1) }
        var original = Array(repeating: 0.0, count: n)
        for i in 0..<n { original[order[i]] = alpha[i] }
        return SMOSolver.Solution(alpha: original, rho: rho, objective: objective / 2, iterations: iterations,
                                  hasConverged: converged)
    }

    /// The second-order working set (i, j), or nil when the maximal violation is below the
    /// tolerance.
    mutating func selectWorkingSet(tolerance: Double) -> (i: Int, j: Int)? {
        var gMax = -Double.infinity, gMax2 = -Double.infinity
        var iBest = -1
        for t in 0..<activeSize {
            if y[t] > 0 {
                if status[t] != .upper && -gradient[t] >= gMax { (gMax, iBest) = (-gradient[t], t) }
            } else if status[t] != .lower && gradient[t] >= gMax {
                (gMax, iBest) = (gradient[t], t)
            }
        }
        var jBest = -1
        var bestDecrease = Double.infinity
        if iBest >= 0 {
            let qi = q.row(iBest, length: activeSize)
            let (yi, qdi) = (y[iBest], q.diagonal[iBest])
            for t in 0..<activeSize {
                let difference: Double, curvature: Double
                if y[t] > 0 {
                    guard status[t] != .lower else { continue }
                    difference = gMax + gradient[t]
                    if gradient[t] >= gMax2 { gMax2 = gradient[t] }
                    guard difference > 0 else { continue }
                    curvature = qdi + q.diagonal[t] - 2 * yi * Double(qi[t])
                } else {
                    guard status[t] != .upper else { continue }
                    difference = gMax - gradient[t]
                    if -gradient[t] >= gMax2 { gMax2 = -gradient[t] }
                    guard difference > 0 else { continue }
                    curvature = qdi + q.diagonal[t] + 2 * yi * Double(qi[t])
                }
                let decrease = -(difference * difference) / (curvature > 0 ? curvature : SMOSolver.tau)
                if decrease <= bestDecrease { (bestDecrease, jBest) = (decrease, t) }
            }
        } else {
            // No i can move up: only the violation from the other side counts.
            for t in 0..<activeSize {
                if y[t] > 0 {
                    if status[t] != .lower && gradient[t] >= gMax2 { gMax2 = gradient[t] }
                } else if status[t] != .upper && -gradient[t] >= gMax2 {
                    gMax2 = -gradient[t]
                }
            }
        }
        if gMax + gMax2 < tolerance || jBest == -1 { return nil }
        return (iBest, jBest)
    }

    /// The analytic two-variable step on (α_i, α_j), clipped to the box, and the gradient update.
    mutating func step(_ i: Int, _ j: Int) {
        let qi = q.row(i, length: activeSize)
        let qj = q.row(j, length: activeSize)
        let (ci, cj) = (upper[i], upper[j])
        let (oldI, oldJ) = (alpha[i], alpha[j])
        var (ai, aj) = (oldI, oldJ)
        if y[i] != y[j] {
            var curvature = q.diagonal[i] + q.diagonal[j] + 2 * Double(qi[j])
            if curvature <= 0 { curvature = SMOSolver.tau }
            let delta = (-gradient[i] - gradient[j]) / curvature
            let difference = ai - aj
            ai += delta
            aj += delta
            if difference > 0 {
                if aj < 0 { (aj, ai) = (0, difference) }
            } else if ai < 0 {
                (ai, aj) = (0, -difference)
            }
            if difference > ci - cj {
                if ai > ci { (ai, aj) = (ci, ci - difference) }
            } else if aj > cj {
                (aj, ai) = (cj, cj + difference)
            }
        } else {
            var curvature = q.diagonal[i] + q.diagonal[j] - 2 * Double(qi[j])
            if curvature <= 0 { curvature = SMOSolver.tau }
            let delta = (gradient[i] - gradient[j]) / curvature
            let sum = ai + aj
            ai -= delta
            aj += delta
            if sum > ci {
                if ai > ci { (ai, aj) = (ci, sum - ci) }
            } else if aj < 0 {
                (aj, ai) = (0, sum)
            }
            if sum > cj {
                if aj > cj { (aj, ai) = (cj, sum - cj) }
            } else if ai < 0 {
                (ai, aj) = (0, sum)
            }
        }
        alpha[i] = ai
        alpha[j] = aj
        let (deltaI, deltaJ) = (ai - oldI, aj - oldJ)
        gradient.withUnsafeMutableBufferPointer { g in
            for k in 0..<activeSize { g[k] += Double(qi[k]) * deltaI + Double(qj[k]) * deltaJ }
        }
        let (wasUpperI, wasUpperJ) = (status[i] == .upper, status[j] == .upper)
        updateStatus(i)
        updateStatus(j)
        if wasUpperI != (status[i] == .upper) { addToGradientBar(row: i, scale: wasUpperI ? -ci : ci) }
        if wasUpperJ != (status[j] == .upper) { addToGradientBar(row: j, scale: wasUpperJ ? -cj : cj) }
    }

    mutating func updateStatus(_ i: Int) {
        status[i] = alpha[i] >= upper[i] ? .upper : (alpha[i] <= 0 ? .lower : .free)
    }

    mutating func addToGradientBar(row i: Int, scale: Double) {
        let qi = q.row(i, length: n)
        gradientBar.withUnsafeMutableBufferPointer { g in
            for k in 0..<n { g[k] += scale * Double(qi[k]) }
        }
    }

    /// ρ: the mean of y_i ∇_i over free variables, or the middle of the feasible interval when
    /// none is free.
    func offset() -> Double {
        var upperLimit = Double.infinity, lowerLimit = -Double.infinity
        var freeCount = 0, freeSum = 0.0
        for i in 0..<activeSize {
            let yg = y[i] * gradient[i]
            switch status[i] {
            case .upper:
                if y[i] < 0 { upperLimit = Swift.min(upperLimit, yg) } else { lowerLimit = Swift.max(lowerLimit, yg) }
            case .lower:
                if y[i] > 0 { upperLimit = Swift.min(upperLimit, yg) } else { lowerLimit = Swift.max(lowerLimit, yg) }
            case .free:
                freeCount += 1
                freeSum += yg
            }
        }
        return freeCount > 0 ? freeSum / Double(freeCount) : (upperLimit + lowerLimit) / 2
    }

    // MARK: Shrinking

    /// Whether variable i sits at a bound that the current violation bounds keep it at.
    func canShrink(_ i: Int, _ gMax1: Double, _ gMax2: Double) -> Bool {
        switch status[i] {
        case .upper: return y[i] > 0 ? -gradient[i] > gMax1 : -gradient[i] > gMax2
        case .lower: return y[i] > 0 ? gradient[i] > gMax2 : gradient[i] > gMax1
        case .free: return false
        }
    }

    mutating func shrink(tolerance: Double) {
        var gMax1 = -Double.infinity, gMax2 = -Double.infinity
        for i in 0..<activeSize {
            if y[i] > 0 {
                if status[i] != .upper && -gradient[i] >= gMax1 { gMax1 = -gradient[i] }
                if status[i] != .lower && gradient[i] >= gMax2 { gMax2 = gradient[i] }
            } else {
                if status[i] != .upper && -gradient[i] >= gMax2 { gMax2 = -gradient[i] }
                if status[i] != .lower && gradient[i] >= gMax1 { gMax1 = gradient[i] }
            }
        }
        if !unshrunk && gMax1 + gMax2 <= tolerance * 10 {
            // Close to the end: bring every variable back once, with exact gradients.
            unshrunk = true
            reconstructGradient()
            activeSize = n
        }
        var i = 0
        while i < activeSize {
            if canShrink(i, gMax1, gMax2) {
                activeSize -= 1
                while activeSize > i {
                    if !canShrink(activeSize, gMax1, gMax2) {
                        swapVariables(i, activeSize)
                        break
                    }
                    activeSize -= 1
                }
            }
            i += 1
        }
    }

    mutating func swapVariables(_ i: Int, _ j: Int) {
        q.swap(i, j)
        y.swapAt(i, j)
        upper.swapAt(i, j)
        alpha.swapAt(i, j)
        gradient.swapAt(i, j)
        gradientBar.swapAt(i, j)
        status.swapAt(i, j)
        order.swapAt(i, j)
    }

    /// Recomputes ∇ of the shrunk variables from `gradientBar` and the free variables.
    mutating func reconstructGradient() {
        guard activeSize < n else { return }
        for j in activeSize..<n { gradient[j] = gradientBar[j] - 1 }
        var freeCount = 0
        for j in 0..<activeSize where status[j] == .free { freeCount += 1 }
        if freeCount * n > 2 * activeSize * (n - activeSize) {
            for i in activeSize..<n {
                let qi = q.row(i, length: activeSize)
                var g = gradient[i]
                for j in 0..<activeSize where status[j] == .free { g += alpha[j] * Double(qi[j]) }
                gradient[i] = g
            }
        } else {
            for i in 0..<activeSize where status[i] == .free {
                let qi = q.row(i, length: n)
                let a = alpha[i]
                for j in activeSize..<n { gradient[j] += a * Double(qi[j]) }
            }
        }
    }
}

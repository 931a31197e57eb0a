import Foundation

/// Limited-memory BFGS (Liu & Nocedal, "On the limited memory BFGS method for large scale
/// optimization", 1989): minimises a smooth function of many variables from its value and
/// gradient, keeping the last `memory` pairs of steps and gradient changes to apply an inverse
/// Hessian estimate by the two-loop recursion (Nocedal & Wright, *Numerical Optimization*, 2006,
/// algorithm 7.4). Each step is found by a line search satisfying the strong Wolfe conditions
/// (c₁ = 1e-4, c₂ = 0.9; algorithms 3.5 and 3.6, with cubic interpolation).
///
/// It stops, like scipy's L-BFGS-B that scikit-learn calls, when the largest gradient component
/// is at most `gradientTolerance` (`hasConverged`), when the relative decrease of the function
/// `(fₖ − fₖ₊₁) / max(|fₖ|, |fₖ₊₁|, 1)` falls to `functionTolerance` (also `hasConverged`), or
/// after `maxIterations`. Cost: O(memory · n) per iteration plus the function evaluations
/// (usually one, a few when the line search backtracks).
///
/// ```swift
/// let result = LBFGS(maxIterations: 100, gradientTolerance: 1e-8).minimize(from: [0, 0]) { x in
///     (pow(x[0] - 1, 2) + 10 * pow(x[1] + 2, 2), [2 * (x[0] - 1), 20 * (x[1] + 2)])
/// }   // result.x ≈ [1, -2]
/// ```
public struct LBFGS: Sendable, Equatable {
    /// Correction pairs kept (scipy's default is 10).
    public var memory: Int
    public var maxIterations: Int
    /// Stop when max |gradientᵢ| ≤ this (scipy's `gtol`, scikit-learn's `tol`).
    public var gradientTolerance: Double
    /// Stop when the relative decrease of one iteration is at most this (scikit-learn passes
    /// 64 ε to scipy).
    public var functionTolerance: Double

    public init(memory: Int = 10, maxIterations: Int = 100, gradientTolerance: Double = 1e-4,
                functionTolerance: Double = 64 * Double.ulpOfOne) {
        self.memory = memory
        self.maxIterations = maxIterations
        self.gradientTolerance = gradientTolerance
        self.functionTolerance = functionTolerance
    }

    /// The point reached, its value and gradient, the iterations run and whether a tolerance
    /// (rather than the iteration limit) stopped it.
    public struct Result: Sendable, Equatable {
        public let x: [Double]
        public let value: Double
        public let gradient: [Double]
        public let iterations: Int
        public let hasConverged: Bool
    }

    /// Minimises `f`, which returns the value and the gradient at a point, from `start`.
    /// Throws `FitError.invalidParameter` for a bad setting and `FitError.numerical` when `f`
    /// is not finite at the start.
    public func minimize(from start: [Double], _ f: ([Double]) -> (value: Double, gradient: [Double])) throws -> Result {
        try require(memory >= 1, "L-BFGS memory", memory, expected: "at least 1")
        try require(maxIterations >= 0, "L-BFGS iterations", maxIterations, expected: "at least 0")
        try require(gradientTolerance >= 0, "L-BFGS gradient tolerance", gradientTolerance, expected: "a non-negative number")
        try require(functionTolerance >= 0, "L-BFGS function tolerance", functionTolerance, expected: "a non-negative number")
        var x = start
        var (value, gradient) = f(x)
        guard value.isFinite, gradient.allSatisfy(\.isFinite) else {
            throw FitError.numerical(routine: "L-BFGS", reason: "the objective is \(value) at the start; expected a finite value and gradient")
        }
        return run(&x, &value, &gradient, f)
    }

    // MARK: - Private

    private func run(_ x: inout [Double], _ value: inout Double, _ gradient: inout [Double],
                     _ f: ([Double]) -> (value: Double, gradient: [Double])) -> Result {
        var steps: [[Double]] = [], changes: [[Double]] = [], curvatures: [Double] = []
        var iteration = 0
        while iteration < maxIterations {
            if maxAbs(gradient) <= gradientTolerance { return result(x, value, gradient, iteration, true) }
            var direction = twoLoop(gradient, steps, changes, curvatures)
            var slope = dot(direction, gradient)
            if !(slope < 0) {
                // Not a descent direction (rounding): restart from steepest descent.
                steps.removeAll(); changes.removeAll(); curvatures.removeAll()
                direction = gradient.map { -$0 }
                slope = -dot(gradient, gradient)
            }
            let firstStep = steps.isEmpty ? Swift.min(1, 1 / Swift.max(maxAbs(gradient), 1e-300)) : 1
            guard let found = lineSearch(x, value, gradient, direction, slope, firstStep, f) else {
                return result(x, value, gradient, iteration, false)
            }
            iteration += 1
            let s = zip(found.x, x).map { $0 - $1 }, y = zip(found.gradient, gradient).map { $0 - $1 }
            let decrease = (value - found.value) / Swift.max(abs(value), abs(found.value), 1)
            (x, value, gradient) = (found.x, found.value, found.gradient)
            let sy = dot(s, y)
            if sy > 1e-10 * dot(y, y).squareRoot() * dot(s, s).squareRoot() {
                steps.append(s); changes.append(y); curvatures.append(1 / sy)
                if steps.count > memory { steps.removeFirst(); changes.removeFirst(); curvatures.removeFirst() }
            }
            if decrease <= functionTolerance { return result(x, value, gradient, iteration, true) }
        }
        return result(x, value, gradient, iteration, maxAbs(gradient) <= gradientTolerance)
    }

    private func result(_ x: [Double], _ value: Double, _ gradient: [Double], _ iterations: Int, _ converged: Bool) -> Result {
        Result(x: x, value: value, gradient: gradient, iterations: iterations, hasConverged: converged)
    }

    /// −H·g by the two-loop recursion, H₀ = (sᵀy / yᵀy) I.
    private func twoLoop(_ g: [Double], _ s: [[Double]], _ y: [[Double]], _ rho: [Double]) -> [Double] {
        var q = g
        var alpha = [Double](repeating: 0, count: s.count)
        for i in stride(from: s.count - 1, through: 0, by: -1) {
            alpha[i] = rho[i] * dot(s[i], q)
            for j in q.indices { q[j] -= alpha[i] * y[i][j] }
        }
        if let last = s.indices.last {
            let gamma = 1 / (rho[last] * dot(y[last], y[last]))
            for j in q.indices { q[j] *= gamma }
        }
        for i in s.indices {
            let beta = rho[i] * dot(y[i], q)
            for j in q.indices { q[j] += s[i][j] * (alpha[i] - beta) }
        }
        return q.map { -$0 }
    }

    private struct Point { let t: Double; let x: [Double]; let value: Double; let gradient: [Double]; let slope: Double }

    /// A step length satisfying the strong Wolfe conditions, or nil when none is found.
    private func lineSearch(_ x: [Double], _ value: Double, _ gradient: [Double], _ d: [Double], _ slope: Double,
                            _ firstStep: Double, _ f: ([Double]) -> (value: Double, gradient: [Double])) -> Point? {
        let c1 = 1e-4, c2 = 0.9
        func evaluate(_ t: Double) -> Point {
            let xt = zip(x, d).map { $0 + t * $1 }
            let (v, g) = f(xt)
            return Point(t: t, x: xt, value: v, gradient: g, slope: dot(g, d))
        }
        let origin = Point(t: 0, x: x, value: value, gradient: gradient, slope: slope)
        var previous = origin
        var t = firstStep
        for i in 0..<30 {
            let p = evaluate(t)
            if !p.value.isFinite || p.value > value + c1 * t * slope || (i > 0 && p.value >= previous.value) {
                return zoom(previous, p, origin, c1, c2, evaluate)
            }
            if abs(p.slope) <= -c2 * slope { return p }
            if p.slope >= 0 { return zoom(p, previous, origin, c1, c2, evaluate) }
            previous = p
            t *= 2
        }
        return nil
    }

    private func zoom(_ low: Point, _ high: Point, _ origin: Point, _ c1: Double, _ c2: Double,
                      _ evaluate: (Double) -> Point) -> Point? {
        var (lo, hi) = (low, high)
        for _ in 0..<40 {
            let t = interpolate(lo, hi)
            let p = evaluate(t)
            if !p.value.isFinite || p.value > origin.value + c1 * t * origin.slope || p.value >= lo.value {
                hi = p
            } else {
                if abs(p.slope) <= -c2 * origin.slope { return p }
                if p.slope * (hi.t - lo.t) >= 0 { hi = lo }
                lo = p
            }
            if abs(hi.t - lo.t) <= 1e-16 * Swift.max(abs(lo.t), 1) { break }
        }
        return lo.t > 0 && lo.value < origin.value ? lo : nil
    }

    /// The minimiser of the cubic through two points and their slopes, kept inside the
    /// interval's middle 80%; bisection when the cubic has none.
    private func interpolate(_ a: Point, _ b: Point) -> Double {
        let (left, right) = (Swift.min(a.t, b.t), Swift.max(a.t, b.t))
        let width = right - left
        var t = 0.5 * (a.t + b.t)
        if a.value.isFinite && b.value.isFinite {
            let d1 = a.slope + b.slope - 3 * (a.value - b.value) / (a.t - b.t)
            let radicand = d1 * d1 - a.slope * b.slope
            if radicand >= 0 {
                let d2 = copysign(radicand.squareRoot(), b.t - a.t)
                let cubic = b.t - (b.t - a.t) * (b.slope + d2 - d1) / (b.slope - a.slope + 2 * d2)
                if cubic.isFinite { t = cubic }
            }
        }
        return Swift.min(Swift.max(t, left + 0.1 * width), right - 0.1 * width)
    }
}

@inline(__always) private func dot(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in a.indices { s += a[i] * b[i] }
    return s
}

@inline(__always) private func maxAbs(_ a: [Double]) -> Double { a.reduce(0) { Swift.max($0, abs($1)) } }

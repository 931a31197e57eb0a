import Foundation

/// Minimises a function of one variable by Brent's method (R. P. Brent, "Algorithms for
/// minimization without derivatives", 1973, chapter 5): golden-section steps, replaced by
/// parabolic interpolation through the three best points whenever the parabola's minimum falls
/// well inside the bracket. The search starts from two points, which are first expanded downhill
/// into a bracket `a < b < c` with `f(b) < min(f(a), f(c))` (Numerical Recipes' `mnbrak`), as
/// scipy's `optimize.brent(f, brack=(a, b))` does. Stops when the bracket around the best point is
/// narrower than `2 · (tolerance · |x| + 1e-11)`. Cost: O(log(1/tolerance)) evaluations after the
/// bracketing (superlinear near a smooth minimum).
///
/// ```swift
/// let result = try BrentMinimizer(tolerance: 1e-10).minimize(from: (-2, 2)) { x in (x - 1) * (x - 1) }
/// // result.x ≈ 1, result.value ≈ 0
/// ```
public struct BrentMinimizer: Sendable, Equatable {
    /// Relative tolerance on the position of the minimum (scipy's default is 1.48e-8).
    public var tolerance: Double
    /// Most iterations of the Brent loop (bracketing not counted).
    public var maxIterations: Int

    public init(tolerance: Double = 1.48e-8, maxIterations: Int = 500) {
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }

    /// The minimum found, its value, and the number of Brent iterations.
    public struct Result: Sendable, Equatable {
        public let x: Double
        public let value: Double
        public let iterations: Int
    }

    /// Minimises `f` starting from the two points `start`; throws `FitError.numerical` when no
    /// bracket is found (the function decreases without bound, or returns NaN).
    public func minimize(from start: (Double, Double), _ f: (Double) -> Double) throws -> Result {
        try require(tolerance > 0 && tolerance.isFinite, "Brent tolerance", tolerance, expected: "a positive number")
        try require(maxIterations >= 1, "Brent iterations", maxIterations, expected: "at least 1")
        let (a, b, c) = try bracket(start, f)
        return brent(a, b, c, f)
    }

    // MARK: - Private

    private static let golden = 1.618034
    private static let goldenSection = 0.3819660

    /// Expands (a, b) downhill until f(b) is below both ends.
    private func bracket(_ start: (Double, Double), _ f: (Double) -> Double) throws -> (Double, Double, Double) {
        var (a, b) = start
        var fa = f(a), fb = f(b)
        if fb > fa { swap(&a, &b); swap(&fa, &fb) }
        var c = b + Self.golden * (b - a)
        var fc = f(c)
        var steps = 0
        while fb > fc {
            steps += 1
            guard steps < 200, c.isFinite, fc.isFinite else {
                throw FitError.numerical(routine: "Brent bracketing",
                                         reason: "no minimum found downhill of \(start): reached x = \(c), f = \(fc)")
            }
            let r = (b - a) * (fb - fc), q = (b - c) * (fb - fa)
            let denominator = 2 * copysign(Swift.max(abs(q - r), 1e-21), q - r)
            var u = b - ((b - c) * q - (b - a) * r) / denominator
            let limit = b + 100 * (c - b)
            var fu: Double
            if (b - u) * (u - c) > 0 {
                fu = f(u)
                if fu < fc { return ordered(b, u, c) }
                if fu > fb { return ordered(a, b, u) }
                u = c + Self.golden * (c - b)
                fu = f(u)
            } else if (c - u) * (u - limit) > 0 {
                fu = f(u)
                if fu < fc {
                    (b, c, u) = (c, u, u + Self.golden * (u - c))
                    (fb, fc, fu) = (fc, fu, f(u))
                }
            } else if (u - limit) * (limit - c) >= 0 {
                u = limit
                fu = f(u)
            } else {
                u = c + Self.golden * (c - b)
                fu = f(u)
            }
            (a, b, c) = (b, c, u)
            (fa, fb, fc) = (fb, fc, fu)
        }
        guard fa.isFinite || fc.isFinite, fb.isFinite else {
            throw FitError.numerical(routine: "Brent bracketing", reason: "the function is not finite near \(b)")
        }
        return ordered(a, b, c)
    }

    private func ordered(_ a: Double, _ b: Double, _ c: Double) -> (Double, Double, Double) {
        a < c ? (a, b, c) : (c, b, a)
    }

    /// Brent's loop on the bracket a < b < c.
    private func brent(_ lower: Double, _ start: Double, _ upper: Double, _ f: (Double) -> Double) -> Result {
        var a = lower, b = upper
        var x = start, w = start, v = start
        var fx = f(x), fw = fx, fv = fx
        var d = 0.0, e = 0.0
        for iteration in 1...maxIterations {
            let middle = 0.5 * (a + b)
            let tol1 = tolerance * abs(x) + 1e-11, tol2 = 2 * tol1
            if abs(x - middle) <= tol2 - 0.5 * (b - a) { return Result(x: x, value: fx, iterations: iteration - 1) }
            var useGolden = true
            if abs(e) > tol1 {
                let r = (x - w) * (fx - fv)
                var q = (x - v) * (fx - fw)
                var p = (x - v) * q - (x - w) * r
                q = 2 * (q - r)
                if q > 0 { p = -p }
                q = abs(q)
                let previous = e
                if abs(p) < abs(0.5 * q * previous) && p > q * (a - x) && p < q * (b - x) {
                    e = d
                    d = p / q
                    let u = x + d
                    if u - a < tol2 || b - u < tol2 { d = x < middle ? tol1 : -tol1 }
                    useGolden = false
                }
            }
            if useGolden {
                e = x >= middle ? a - x : b - x
                d = Self.goldenSection * e
            }
            let u = abs(d) >= tol1 ? x + d : x + (d > 0 ? tol1 : -tol1)
            let fu = f(u)
            if fu <= fx {
                if u >= x { a = x } else { b = x }
                (v, w, x) = (w, x, u)
                (fv, fw, fx) = (fw, fx, fu)
            } else {
                if u < x { a = u } else { b = u }
                if fu <= fw || w == x {
                    (v, w) = (w, u)
                    (fv, fw) = (fw, fu)
                } else if fu <= fv || v == x || v == w {
                    v = u
                    fv = fu
                }
            }
        }
        return Result(x: x, value: fx, iterations: maxIterations)
    }
}

import Foundation

/// Platt scaling: P(y = +1 | f) = 1 / (1 + exp(A f + B)), a sigmoid fitted to decision values f
/// (Platt, "Probabilistic outputs for support vector machines", 1999), by the numerically stable
/// Newton method with backtracking of Lin, Lin & Weng ("A note on Platt's probabilistic outputs
/// for support vector machines", Machine Learning 2007). The targets are Platt's regularised
/// ones, (N₊ + 1)/(N₊ + 2) for positives and 1/(N₋ + 2) for negatives; the objective is their
/// cross-entropy, evaluated without overflow on either side of A f + B = 0. Cost: O(n) per
/// Newton step (at most 100 steps).
///
/// ```swift
/// let sigmoid = PlattScaling.fit(decisionValues: f, positive: y.map { $0 > 0 })
/// let p = sigmoid.probability(2.5)
/// ```
public struct PlattScaling: Codable, Sendable, Equatable {
    public let a: Double
    public let b: Double

    public init(a: Double, b: Double) { (self.a, self.b) = (a, b) }

    /// P(y = +1 | f).
    public func probability(_ f: Double) -> Double {
        let t = f * a + b
        return t >= 0 ? exp(-t) / (1 + exp(-t)) : 1 / (1 + exp(t))
    }

    /// The sigmoid fitted to `decisionValues` and whether each is a positive example.
    public static func fit(decisionValues f: [Double], positive: [Bool]) -> PlattScaling {
        precondition(f.count == positive.count, "one label per decision value")
        let positives = Double(positive.filter { $0 }.count), negatives = Double(positive.count) - positives
        let high = (positives + 1) / (positives + 2), low = 1 / (negatives + 2)
        let target = positive.map { $0 ? high : low }
        let (maxSteps, minimumStep, ridge, epsilon) = (100, 1e-10, 1e-12, 1e-5)

        func objective(_ a: Double, _ b: Double) -> Double {
            var value = 0.0
            for i in f.indices {
                let t = f[i] * a + b
                value += t >= 0 ? target[i] * t + log1p(exp(-t)) : (target[i] - 1) * t + log1p(exp(t))
            }
            return value
        }

        var a = 0.0, b = log((negatives + 1) / (positives + 1))
        var value = objective(a, b)
        for _ in 0..<maxSteps {
            // Gradient and Hessian (with a small ridge on the diagonal).
            var h11 = ridge, h22 = ridge, h21 = 0.0, g1 = 0.0, g2 = 0.0
            for i in f.indices {
                let t = f[i] * a + b
                let p: Double, q: Double
                if t >= 0 {
                    (p, q) = (exp(-t) / (1 + exp(-t)), 1 / (1 + exp(-t)))
                } else {
                    (p, q) = (1 / (1 + exp(t)), exp(t) / (1 + exp(t)))
                }
                let d2 = p * q
                h11 += f[i] * f[i] * d2
                h22 += d2
                h21 += f[i] * d2
                let d1 = target[i] - p
                g1 += f[i] * d1
                g2 += d1
            }
            if abs(g1) < epsilon && abs(g2) < epsilon { break }
            let determinant = h11 * h22 - h21 * h21
            let dA = -(h22 * g1 - h21 * g2) / determinant
            let dB = -(-h21 * g1 + h11 * g2) / determinant
            let slope = g1 * dA + g2 * dB
            var step = 1.0
            while step >= minimumStep {
                let (newA, newB) = (a + step * dA, b + step * dB)
                let newValue = objective(newA, newB)
                if newValue < value + 1e-4 * step * slope {
                    (a, b, value) = (newA, newB, newValue)
                    break
                }
                step /= 2
            }
            if step < minimumStep { break }   // the line search failed: keep the last point
        }
        return PlattScaling(a: a, b: b)
    }
}

import AlmagestCore
import Foundation
import Testing

@Suite struct LBFGSAndBrentTests {
    /// Rosenbrock's valley from the classic start (−1.2, 1).
    @Test func lbfgsMinimisesRosenbrock() throws {
        let result = try LBFGS(maxIterations: 500, gradientTolerance: 1e-10, functionTolerance: 0).minimize(from: [-1.2, 1]) { p in
            let (a, b) = (p[0], p[1])
            return (100 * pow(b - a * a, 2) + pow(1 - a, 2), [-400 * a * (b - a * a) - 2 * (1 - a), 200 * (b - a * a)])
        }
        #expect(result.hasConverged && abs(result.x[0] - 1) < 1e-8 && abs(result.x[1] - 1) < 1e-8)
    }

    /// An ill-conditioned quadratic in 50 dimensions.
    @Test func lbfgsMinimisesAQuadratic() throws {
        let scales = (1...50).map { Double($0 * $0) }
        let result = try LBFGS(maxIterations: 1000, gradientTolerance: 1e-10, functionTolerance: 0).minimize(from: [Double](repeating: 1, count: 50)) { x in
            (zip(scales, x).reduce(0) { $0 + 0.5 * $1.0 * ($1.1 - 2) * ($1.1 - 2) }, zip(scales, x).map { $0 * ($1 - 2) })
        }
        #expect(result.hasConverged && result.x.allSatisfy { abs($0 - 2) < 1e-9 })
    }

    @Test func brentFindsMinimaOutsideTheStartingPair() throws {
        let brent = BrentMinimizer(tolerance: 1e-12)
        let shifted = try brent.minimize(from: (-2, 2)) { x in (x - 7.25) * (x - 7.25) + 3 }
        // A minimum's position is only defined to about √ε of its value.
        #expect(abs(shifted.x - 7.25) < 1e-7 && abs(shifted.value - 3) < 1e-14)
        let cosine = try brent.minimize(from: (2, 3)) { cos($0) }
        #expect(abs(cosine.x - .pi) < 1e-7)
        #expect(throws: FitError.self) { try brent.minimize(from: (0, 1)) { -$0 } }
    }
}

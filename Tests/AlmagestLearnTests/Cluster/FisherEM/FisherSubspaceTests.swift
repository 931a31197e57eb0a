import AlmagestCore
import Foundation
import Testing
@testable import AlmagestLearn

/// The F-step against the R package's formula computed the direct way: the p x p matrices S
/// (total covariance) and B (soft between-class covariance), S's pseudo-inverse from its full
/// eigen-decomposition, and the left singular vectors of S⁺·B from a full SVD.
@Suite struct FisherSubspaceTests {
    /// n > p (the covariance route) and n < p (the Gram route).
    @Test(arguments: [(90, 12, 3), (60, 8, 4), (15, 30, 3), (12, 40, 4)])
    func equalsTheDirectComputation(shape: (Int, Int, Int)) throws {
        let (n, p, k) = shape
        var rng = RandomStream(seed: n * 100 + p)
        let labels = (0..<n).map { $0 % k }
        let x = Matrix<Double>(rows: n, columns: p) { i, j in Double(labels[i] * (j % 3)) + 2 * rng.nextNormal() + 10 }
        let t = softPartition(labels, clusters: k, seed: p)
        let d = k - 1
        let counts = t.sum(axis: .rows).elements
        let means = Matrix<Double>(rows: k, columns: p) { c, j in (0..<n).reduce(0.0) { $0 + t[$1, c] * x[$1, j] } / counts[c] }

        let fisher = try FisherSubspace(x)
        let u = fisher.subspace(means: means, counts: counts, dimension: d)
        let expected = try directSubspace(x, t: t, dimension: d)
        // Same subspace: equal projectors U·Uᵀ.
        let projector = try Matrix.product(u, transposed: false, u, transposed: true)
        let expectedProjector = try Matrix.product(expected, transposed: false, expected, transposed: true)
        #expect(projector.maxAbsDifference(expectedProjector) < 1e-7, "n=\(n) p=\(p) K=\(k)")
        #expect(try Matrix.product(u, transposed: true, u).maxAbsDifference(.identity(d)) < 1e-12)
    }

    /// With shrinkage, the F-step equals the direct formula with (1 − γ)·S + γ·μ·I in place of S,
    /// on both routes (the shrunk matrix is invertible, so n < p is well posed).
    @Test(arguments: [(90, 12, 3), (15, 30, 3)])
    func shrinkageEqualsTheDirectComputation(shape: (Int, Int, Int)) throws {
        let (n, p, k) = shape
        var rng = RandomStream(seed: n + p)
        let labels = (0..<n).map { $0 % k }
        let x = Matrix<Double>(rows: n, columns: p) { i, j in Double(labels[i] * (j % 3)) + 2 * rng.nextNormal() + 10 }
        let t = softPartition(labels, clusters: k, seed: p)
        let counts = t.sum(axis: .rows).elements
        let means = Matrix<Double>(rows: k, columns: p) { c, j in (0..<n).reduce(0.0) { $0 + t[$1, c] * x[$1, j] } / counts[c] }
        let fisher = try FisherSubspace(x)
        for gamma in [0.05, 0.5] {
            let u = fisher.subspace(means: means, counts: counts, dimension: k - 1, shrinkage: gamma)
            let expected = try directSubspace(x, t: t, dimension: k - 1, shrinkage: gamma)
            let projector = try Matrix.product(u, transposed: false, u, transposed: true)
            let expectedProjector = try Matrix.product(expected, transposed: false, expected, transposed: true)
            #expect(projector.maxAbsDifference(expectedProjector) < 1e-7, "n=\(n) p=\(p) γ=\(gamma)")
        }
        // And it changes the answer (the test can fail): γ = 0.5 is not the pseudo-inverse's subspace.
        let plain = fisher.subspace(means: means, counts: counts, dimension: k - 1)
        let shrunk = fisher.subspace(means: means, counts: counts, dimension: k - 1, shrinkage: 0.5)
        #expect(try Matrix.product(plain, transposed: false, plain, transposed: true)
            .maxAbsDifference(try Matrix.product(shrunk, transposed: false, shrunk, transposed: true)) > 1e-3)
    }

    /// The d < K − 1 case keeps the leading directions.
    @Test func smallerDimensionKeepsTheLeadingAxes() throws {
        let sim = FisherEMSimulation(perClass: 40, seed: 3)
        let t = softPartition(sim.labels, clusters: 3, seed: 1)
        let counts = t.sum(axis: .rows).elements
        let means = try Matrix.product(t, transposed: true, sim.x).map { $0 }
        let scaledMeans = Matrix<Double>(rows: 3, columns: 20) { c, j in means[c, j] / counts[c] }
        let fisher = try FisherSubspace(sim.x)
        let one = fisher.subspace(means: scaledMeans, counts: counts, dimension: 1)
        let expected = try directSubspace(sim.x, t: t, dimension: 1)
        let cosine = abs((0..<20).reduce(0.0) { $0 + one[$1, 0] * expected[$1, 0] })
        #expect(abs(cosine - 1) < 1e-9)
    }

    /// `fstep.fisher` literally: S = XcᵀXc/n, B = XcᵀT̃T̃ᵀXc/n (T̃ = T with columns divided by √n_k),
    /// U = d leading left singular vectors of ginv(S)·B.
    /// With `shrinkage` γ > 0, ginv(S) is replaced by the inverse of (1 − γ)·S + γ·(trace(S)/p)·I.
    private func directSubspace(_ x: Matrix<Double>, t: Matrix<Double>, dimension d: Int, shrinkage: Double = 0) throws -> Matrix<Double> {
        let (n, p, k) = (x.rows, x.columns, t.columns)
        let mean = (0..<p).map { j in (0..<n).reduce(0.0) { $0 + x[$1, j] } / Double(n) }
        let xc = Matrix<Double>(rows: n, columns: p) { i, j in x[i, j] - mean[j] }
        let counts = (0..<k).map { c in (0..<n).reduce(0.0) { $0 + t[$1, c] } }
        let tt = Matrix<Double>(rows: n, columns: k) { i, c in t[i, c] / counts[c].squareRoot() }
        let s = Matrix<Double>(rows: p, columns: p) { a, b in (0..<n).reduce(0.0) { $0 + xc[$1, a] * xc[$1, b] } / Double(n) }
        let xt = try Matrix.product(xc, transposed: true, tt)                              // p x K
        let b = Matrix<Double>(rows: p, columns: p) { a, c in (0..<k).reduce(0.0) { $0 + xt[a, $1] * xt[c, $1] } / Double(n) }
        let mu = (0..<p).reduce(0.0) { $0 + s[$1, $1] } / Double(p)
        let shrunk = Matrix<Double>(rows: p, columns: p) { a, c in (1 - shrinkage) * s[a, c] + (a == c ? shrinkage * mu : 0) }
        let eig = try shrunk.symmetricEigen()
        let top = eig.values.last!
        let pinv = Matrix<Double>(rows: p, columns: p) { a, c in
            (0..<p).reduce(0.0) { sum, j in
                eig.values[j] > top * Double.ulpOfOne.squareRoot() ? sum + eig.vectors[a, j] * eig.vectors[c, j] / eig.values[j] : sum
            }
        }
        let svd = try Matrix.product(pinv, b).svd()
        return Matrix(rows: p, columns: d) { i, c in svd.u[i, c] }
    }
}

/// The E-step's log-densities against a full p-dimensional Gaussian density with covariance
/// U·Σ_k·Uᵀ + β_k·(I − U·Uᵀ) and mean m_k (noise centred on the class mean) or x̄ + U·Uᵀ(m_k − x̄)
/// (on the data mean), computed through a Cholesky factor.
@Suite struct FisherEMStepsTests {
    @Test(arguments: [FisherEM.DLM.dkBk, .akjB, .aB], FisherEM.NoiseCenter.allCases)
    func logDensitiesEqualTheFullGaussian(model: FisherEM.DLM, center: FisherEM.NoiseCenter) throws {
        let sim = FisherEMSimulation(perClass: 15, features: 9, seed: 2)
        let (x, p, k) = (sim.x, 9, 3)
        let steps = FisherEMSteps(x: x, subspace: try FisherSubspace(x), model: model, noiseCenter: center)
        let t = softPartition(sim.labels, clusters: k, seed: 5)
        let (counts, means) = steps.classMeans(t)
        let u = steps.subspace.subspace(means: means, counts: counts, dimension: 2)
        let estimate = steps.maximize(t: t, counts: counts, means: means, u: u)
        let joint = estimate.parameters.logJoint(projected: estimate.projected, residuals: estimate.residuals)
        let theta = estimate.parameters
        for c in 0..<k {
            let inner = try Matrix.product(u, try Matrix.product(theta.latentCovariances[c], transposed: false, u, transposed: true))
            let projector = try Matrix.product(u, transposed: false, u, transposed: true)
            let covariance = Matrix<Double>(rows: p, columns: p) { a, b in
                inner[a, b] + theta.noiseVariances[c] * ((a == b ? 1 : 0) - projector[a, b])
            }
            let l = try covariance.cholesky()
            let logDet = 2 * (0..<p).reduce(0.0) { $0 + log(l[$1, $1]) }
            let shift = (0..<p).map { theta.means[c, $0] - theta.center[$0] }
            let mean = center == .classMean ? (0..<p).map { theta.means[c, $0] }
                : (0..<p).map { a in theta.center[a] + (0..<p).reduce(0.0) { $0 + projector[a, $1] * shift[$1] } }
            for i in stride(from: 0, to: x.rows, by: 7) {
                let diff = try Matrix<Double>(rows: p, columns: 1, elements: (0..<p).map { x[i, $0] - mean[$0] })
                let solved = try covariance.choleskySolve(diff)
                let quadratic = (0..<p).reduce(0.0) { $0 + diff[$1, 0] * solved[$1, 0] }
                let expected = log(theta.proportions[c]) - 0.5 * (quadratic + logDet + Double(p) * log(2 * Double.pi))
                #expect(abs(joint[i, c] - expected) < 1e-9 * max(1, abs(expected)), "\(model.rawValue) \(center) row \(i) class \(c)")
            }
        }
        // The M-step's structure: common models share Σ, common-β models share β.
        if !model.hasClassLatentCovariances { #expect(theta.latentCovariances.allSatisfy { $0 == theta.latentCovariances[0] }) }
        if !model.hasClassNoiseVariances { #expect(Set(theta.noiseVariances).count == 1) }
        if model.latentStructure != .full {
            #expect(theta.latentCovariances.allSatisfy { s in s[0, 1] == 0 && s[1, 0] == 0 })
        }
    }

    /// The M-step's Σ_k and β_k against their definitions formed in the full space: Σ_k = UᵀC_kU
    /// with C_k the weighted class covariance, and β_k = Σ_i t_ik‖(I − UUᵀ)(x_i − c_k)‖²/(n_k(p − d))
    /// with c_k the class mean m_k or the data mean x̄.
    @Test(arguments: FisherEM.NoiseCenter.allCases)
    func mStepEqualsTheDefinitions(center: FisherEM.NoiseCenter) throws {
        let sim = FisherEMSimulation(perClass: 15, features: 9, seed: 6)
        let (x, p, k, d) = (sim.x, 9, 3, 2)
        let steps = FisherEMSteps(x: x, subspace: try FisherSubspace(x), model: .dkBk, noiseCenter: center)
        let t = softPartition(sim.labels, clusters: k, seed: 8)
        let (counts, means) = steps.classMeans(t)
        let u = steps.subspace.subspace(means: means, counts: counts, dimension: d)
        let theta = steps.maximize(t: t, counts: counts, means: means, u: u).parameters
        for c in 0..<k {
            let ck = Matrix<Double>(rows: p, columns: p) { a, b in
                (0..<x.rows).reduce(0.0) { $0 + t[$1, c] * (x[$1, a] - means[c, a]) * (x[$1, b] - means[c, b]) } / counts[c]
            }
            let sigma = try Matrix.product(u, transposed: true, try Matrix.product(ck, u))
            #expect(sigma.maxAbsDifference(theta.latentCovariances[c]) < 1e-9)
            let projector = try Matrix.product(u, transposed: false, u, transposed: true)
            let mean = center == .classMean ? (0..<p).map { means[c, $0] }
                : (0..<p).map { j in (0..<x.rows).reduce(0.0) { $0 + x[$1, j] } / Double(x.rows) }
            let outside = (0..<x.rows).reduce(0.0) { sum, i in
                let r = (0..<p).map { a in (x[i, a] - mean[a]) - (0..<p).reduce(0.0) { $0 + projector[a, $1] * (x[i, $1] - mean[$1]) } }
                return sum + t[i, c] * r.reduce(0.0) { $0 + $1 * $1 }
            }
            let beta = outside / (counts[c] * Double(p - d))
            #expect(abs(beta - theta.noiseVariances[c]) < 1e-9 * beta)
        }
    }
}

import AlmagestCore
import Foundation

/// One NMF algorithm's iteration state, driven by `NMFDriver`.
protocol NMFSolver {
    associatedtype Scalar: MatrixScalar
    /// The current n x r basis (for deep NMF the product of the layers).
    var w: Matrix<Scalar> { get }
    /// The current r x m coefficients.
    var h: Matrix<Scalar> { get }
    /// Deep NMF layers, empty otherwise.
    var layers: [Matrix<Scalar>] { get }
    /// One iteration.
    mutating func step()
    /// ‖A − W·H‖²_F of the current factors.
    func squaredError() -> Double
    /// The method's own objective of the current factors.
    func objective() -> Double
}

/// The training loop shared by all methods: iterate, record a point every `tracking.every`
/// iterations (and at 0 and at the end), stop on max iterations, tolerance or a rank plateau.
///
/// Cost: the solver's steps plus O(n m r + (n + m) r²) per tracked point.
struct NMFDriver {
    let config: NMF

    func run<S: MatrixScalar>(_ a: Matrix<S>, w0: Matrix<S>, h0: Matrix<S>) throws -> NMFModel<S> {
        switch config.method {
        case let .multiplicative(mu):
            if mu.loss == .kullbackLeibler {
                var solver = KLMultiplicativeSolver(a: a, w: w0, h: h0)
                return try loop(&solver, a: a)
            }
            var solver = FrobeniusMultiplicativeSolver(a: a, w: w0, h: h0, convention: mu.convention)
            return try loop(&solver, a: a)
        case let .adam(gd):
            var solver = AdamNMFSolver(a: a, w: w0, h: h0, options: gd)
            return try loop(&solver, a: a)
        case .deep:
            return try runDeep(a)
        }
    }

    func runDeep<S: MatrixScalar>(_ a: Matrix<S>) throws -> NMFModel<S> {
        guard case let .deep(deep) = config.method else { preconditionFailure("runDeep needs a deep method") }
        var solver = try DeepNMFSolver(
            a: a, options: deep, rank: config.rank, initialization: config.initialization, seed: config.seed)
        return try loop(&solver, a: a)
    }

    // MARK: - Private

    private func loop<Solver: NMFSolver>(_ solver: inout Solver, a: Matrix<Solver.Scalar>) throws -> NMFModel<Solver.Scalar> {
        let norm2 = FactorKernels.squaredNorm(a)
        let every = config.tracking.every
        let stopping = config.stopping
        let start = DispatchTime.now().uptimeNanoseconds
        var points = [NMFTrackPoint]()
        var reason = NMFStopReason.maxIterations
        var iteration = 0
        if every > 0 { points.append(try point(solver, iteration: 0, norm2: norm2, start: start)) }
        while iteration < stopping.maxIterations {
            FitProgress.report("iteration \(iteration + 1)/\(stopping.maxIterations)")
            solver.step()
            iteration += 1
            guard every > 0, iteration % every == 0 || iteration == stopping.maxIterations else { continue }
            let p = try point(solver, iteration: iteration, norm2: norm2, start: start)
            let previous = points.last
            points.append(p)
            if stopping.tolerance > 0, let previous, previous.relativeError > 0,
               (previous.relativeError - p.relativeError) / previous.relativeError < stopping.tolerance {
                reason = .tolerance
                break
            }
            if let plateau = stopping.plateau, config.tracking.spectrum,
               plateau.isOnPlateau(points.map(\.effectiveRank)) {
                reason = .plateau
                break
            }
        }
        let e2 = solver.squaredError()
        return NMFModel(
            w: solver.w, h: solver.h, layers: solver.layers, history: NMFHistory(points: points, stopReason: reason),
            iterations: iteration, relativeError: norm2 > 0 ? e2 / norm2 : 0)
    }

    private func point<Solver: NMFSolver>(_ solver: Solver, iteration: Int, norm2: Double, start: UInt64) throws -> NMFTrackPoint {
        let e2 = solver.squaredError()
        var summary: SpectrumSummary?
        if config.tracking.spectrum {
            summary = SpectrumSummary(singularValues: try SpectrumTracker.singularValuesOfProduct(solver.w, solver.h))
        }
        return NMFTrackPoint(
            iteration: iteration, relativeError: norm2 > 0 ? e2 / norm2 : 0, absoluteError: e2.squareRoot(),
            objective: solver.objective(), effectiveRank: summary?.effectiveRank ?? .nan,
            nuclearOverOperator: summary?.nuclearOverOperator ?? .nan, sigma1: summary?.sigma1 ?? .nan,
            sigma2: summary?.sigma2 ?? .nan,
            seconds: Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
    }
}

import AlmagestCore
import Foundation

/// The training loop every GEMINI shares: for each epoch, the rows in a seeded order cut into
/// batches (one batch of every row when `batchSize` is 0 or at least n); for each batch, the
/// model's probabilities, the objective's value and gradient on that batch, back-propagation and
/// one Adam or SGD step that *raises* the objective. Records the mean batch score per epoch.
/// With `restarts` R > 1 the whole training runs R times from different initialisations (start r
/// draws from the stream (seed, r); start 0 is the single run's) and the start whose last epoch
/// scores highest is kept: the objective has local maxima that a single start often ends in.
/// Cost: restarts x epochs x (the model's passes + the objective) over the rows.
///
/// ```swift
/// let trained = try GeminiTrainer(settings: s, clusters: 10).train(x) { batch, y in try objective.evaluate(y, ...) }
/// ```
struct GeminiTrainer {
    /// The model and optimisation settings of a GEMINI configuration.
    struct Settings {
        var model: GeminiNetwork.Kind
        var hidden: Int
        var activation: GeminiNetwork.Activation
        var optimizer: GeminiOptimizer
        var learningRate: Double
        var epochs: Int
        var batchSize: Int
        var seed: Int
        var restarts: Int = 1
    }

    let settings: Settings
    let clusters: Int

    /// The trained network and the mean score of every epoch. `objective(rows, y)` returns the
    /// value and gradient for the batch `rows` whose probabilities are `y`.
    func train(
        _ x: Matrix<Double>, objective: (_ rows: [Int], _ y: Matrix<Double>) throws -> (value: Double, gradient: Matrix<Double>)
    ) throws -> (network: GeminiNetwork, scores: [Double]) {
        var best: (network: GeminiNetwork, scores: [Double])?
        for restart in 0..<max(1, settings.restarts) {
            let run = try trainOnce(x, restart: restart, objective: objective)
            if let kept = best, (kept.scores.last ?? -.infinity) >= (run.scores.last ?? -.infinity) { continue }
            best = run
        }
        return best!
    }

    // MARK: - Private

    /// One training from the initialisation of stream (seed, restart).
    private func trainOnce(
        _ x: Matrix<Double>, restart: Int,
        objective: (_ rows: [Int], _ y: Matrix<Double>) throws -> (value: Double, gradient: Matrix<Double>)
    ) throws -> (network: GeminiNetwork, scores: [Double]) {
        var rng = RandomStream(seed: settings.seed, stream: restart)
        var network = GeminiNetwork(
            kind: settings.model, inputs: x.columns, hidden: settings.hidden, activation: settings.activation, clusters: clusters,
            rng: &rng)
        let count = network.parameters.count
        var first = [Double](repeating: 0, count: count), second = [Double](repeating: 0, count: count)
        let n = x.rows
        let batch = settings.batchSize <= 0 || settings.batchSize >= n ? n : settings.batchSize
        var scores = [Double]()
        scores.reserveCapacity(settings.epochs)
        var step = 0
        let all = Array(0..<n)
        for epoch in 0..<settings.epochs {
            FitProgress.report(settings.restarts > 1 ? "start \(restart + 1)/\(settings.restarts), epoch \(epoch + 1)/\(settings.epochs)"
                                                     : "epoch \(epoch + 1)/\(settings.epochs)")
            let order = batch == n ? all : rng.permutation(n)
            var total = 0.0, batches = 0
            var start = 0
            while start < n {
                let rows = Array(order[start..<min(start + batch, n)])
                start += batch
                guard rows.count >= 2 else { continue }
                let xb = batch == n ? x : x.rows(at: rows)
                let pass = try network.forward(xb)
                let (value, gradient) = try objective(rows, pass.probabilities)
                var ascent = try network.backward(pass, outputGradient: gradient)
                for i in ascent.indices { ascent[i] = -ascent[i] }  // the optimisers minimise
                step += 1
                apply(&network.parameters, gradient: ascent, first: &first, second: &second, step: step)
                total += value
                batches += 1
            }
            guard total.isFinite else {
                throw FitError.numerical(routine: "GEMINI training", reason: "the objective became \(total) at epoch \(epoch + 1); lower the learning rate")
            }
            scores.append(total / Double(max(batches, 1)))
        }
        return (network, scores)
    }

    private func apply(_ w: inout [Double], gradient: [Double], first: inout [Double], second: inout [Double], step: Int) {
        let lr = settings.learningRate
        w.withUnsafeMutableBufferPointer { wp in
            gradient.withUnsafeBufferPointer { gp in
                first.withUnsafeMutableBufferPointer { mp in
                    switch settings.optimizer {
                    case .adam:
                        second.withUnsafeMutableBufferPointer { vp in
                            let t = Double(step)
                            AdamUpdate<Double>(
                                learningRate: lr, stepSize: lr / (1 - Foundation.pow(0.9, t)),
                                rootSecondCorrection: (1 - Foundation.pow(0.999, t)).squareRoot()
                            ).apply(to: wp, gradient: gp, firstMoment: mp, secondMoment: vp)
                        }
                    case .sgd:
                        MomentumUpdate<Double>(learningRate: lr).apply(to: wp, gradient: gp, velocity: mp)
                    }
                }
            }
        }
    }
}

/// The optimiser of a GEMINI's model.
public enum GeminiOptimizer: String, Codable, Sendable, CaseIterable { case adam, sgd }

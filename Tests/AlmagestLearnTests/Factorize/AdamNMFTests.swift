import AlmagestCore
import AlmagestLearn
import AlmagestNeural
import Foundation
import Testing

@Suite("Adam NMF against the autograd tape")
struct AdamNMFTests {
    /// The hand-written gradient with `.autograd` clamping follows AlmagestNeural's Tensor + Adam
    /// loop on Σ (A − relu(W)·relu(H))² step for step (up to Float rounding). The start is random
    /// (far from a stationary point: Adam's first steps move every entry by about ±lr, so a gradient
    /// entry near 0 would flip with rounding) with some entries set to 0 so that the mask matters.
    @Test(arguments: [1, 5, 25]) func handWrittenGradientMatchesTensorAdam(steps: Int) throws {
        let a = lowRankData(rows: 20, columns: 15).converted(to: Float.self)
        var (w0, h0) = try NMFInitialization.random.start(for: a, rank: 3, seed: 7)
        w0.apply { $0 < 0.1 ? 0 : $0 }
        #expect(w0.elements.contains(0))
        let model = try NMF(rank: 3, method: .adam(AdamNMF(learningRate: 1e-2, clamping: .autograd)),
                            stopping: NMFStopping(maxIterations: steps), tracking: NMFTracking(every: 0)).fit(a, w0: w0, h0: h0)

        let target = Tensor(a)
        let w = Tensor(w0, requiresGradient: true), h = Tensor(h0, requiresGradient: true)
        let adam = try Adam(parameters: [w, h], learningRate: 1e-2)
        for _ in 0..<steps {
            adam.zeroGradients()
            let residual = try target - w.relu().matmul(h.relu())
            try (try residual * residual).sum().backward()
            adam.step()
            for p in [w, h] { p.update { b in for i in b.indices where b[i] < 0 { b[i] = 0 } } }
        }
        let wDiff = model.w.converted(to: Double.self).maxAbsDifference(w.matrix())
        let hDiff = model.h.converted(to: Double.self).maxAbsDifference(h.matrix())
        #expect(wDiff < 1e-4 && hDiff < 1e-4, "max |ΔW| = \(wDiff), max |ΔH| = \(hDiff)")
        for i in 0..<w0.count where w0.elements[i] == 0 { #expect(model.w.elements[i] == 0) }
    }

    @Test func projectedClampingRevivesZeros() throws {
        let a = lowRankData(rows: 20, columns: 15)
        let (w0, h0) = try NNDSVD.start(for: a, rank: 3)
        let config = { (c: AdamNMF.Clamping) in
            NMF(rank: 3, method: .adam(AdamNMF(learningRate: 1e-2, clamping: c)), stopping: NMFStopping(maxIterations: 200),
                tracking: NMFTracking(every: 0))
        }
        let projected = try config(.projected).fit(a, w0: w0, h0: h0)
        let masked = try config(.autograd).fit(a, w0: w0, h0: h0)
        let zeros = (0..<w0.count).filter { w0.elements[$0] == 0 }
        #expect(!zeros.isEmpty)
        #expect(zeros.contains { projected.w.elements[$0] > 0 })
        #expect(zeros.allSatisfy { masked.w.elements[$0] == 0 })
        #expect(projected.relativeError <= masked.relativeError)
    }
}

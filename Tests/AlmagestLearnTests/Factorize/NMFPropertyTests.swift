import AlmagestCore
import AlmagestLearn
import AlmagestTestSupport
import Foundation
import Testing

/// A small non-negative matrix of rank about 4 plus uniform noise.
func lowRankData(rows: Int = 40, columns: Int = 30, seed: Int = 3) -> Matrix<Double> {
    var rng = RandomStream(seed: seed)
    let w: Matrix<Double> = rng.uniformMatrix(rows: rows, columns: 4)
    let h: Matrix<Double> = rng.uniformMatrix(rows: 4, columns: columns)
    let noise: Matrix<Double> = rng.uniformMatrix(rows: rows, columns: columns, in: 0..<0.05)
    return try! (try! w * h) + noise
}

@Suite("NMF properties")
struct NMFPropertyTests {
    static let methods: [NMFMethod] = [
        .multiplicative(), .multiplicative(loss: .kullbackLeibler), .multiplicative(convention: .scikitLearn),
        .adam(AdamNMF(learningRate: 1e-2)), .adam(AdamNMF(learningRate: 1e-2, clamping: .none)),
        .adam(AdamNMF(learningRate: 1e-2, clamping: .autograd)),
        .deep(DeepNMF(innerRanks: [6], loss: .global(l1: 0.01))),
        .deep(DeepNMF(innerRanks: [8, 6], loss: .layerwise(lambdas: [1, 0.5, 0.5]))),
    ]

    @Test(arguments: methods)
    func factorsStayNonNegativeAndErrorDrops(method: NMFMethod) throws {
        let a = lowRankData()
        let model = try NMF(rank: 4, method: method, initialization: .nndsvda,
                            stopping: NMFStopping(maxIterations: 300), tracking: NMFTracking(every: 50)).fit(a)
        #expect(model.w.elements.allSatisfy { $0 >= 0 } && model.h.elements.allSatisfy { $0 >= 0 })
        #expect(model.w.isFinite && model.h.isFinite)
        let first = model.history.points.first!.relativeError, last = model.relativeError
        #expect(last < first, "\(method.name): \(first) -> \(last)")
        #expect(last < 0.05, "\(method.name): relative error \(last)")
        #expect(isClose(model.history.points.last!.relativeError, last, relative: 1e-9))
    }

    @Test(arguments: [MultiplicativeUpdates.Convention.leeSeung, .scikitLearn])
    func frobeniusLossDecreasesMonotonically(convention: MultiplicativeUpdates.Convention) throws {
        let a = lowRankData(seed: 5)
        let model = try NMF(rank: 5, method: .multiplicative(convention: convention), initialization: .random,
                            stopping: NMFStopping(maxIterations: 100), tracking: NMFTracking(every: 1, spectrum: false),
                            seed: 2).fit(a)
        let errors = model.history.points.map(\.objective)
        for i in 1..<errors.count { #expect(errors[i] <= errors[i - 1] * (1 + 1e-12), "iteration \(i)") }
    }

    @Test func klDivergenceDecreasesMonotonically() throws {
        let model = try NMF(rank: 4, method: .multiplicative(loss: .kullbackLeibler), initialization: .random,
                            stopping: NMFStopping(maxIterations: 60), tracking: NMFTracking(every: 1, spectrum: false),
                            seed: 1).fit(lowRankData())
        let d = model.history.points.map(\.objective)
        for i in 1..<d.count { #expect(d[i] <= d[i - 1] * (1 + 1e-12), "iteration \(i)") }
        #expect(d.last! < d.first! / 10)
    }

    @Test func floatMatchesDouble() throws {
        let a = lowRankData()
        let config = NMF(rank: 4, stopping: NMFStopping(maxIterations: 50), tracking: NMFTracking(every: 0))
        let double = try config.fit(a), single = try config.fit(a.converted(to: Float.self))
        #expect(abs(double.relativeError - single.relativeError) < 1e-4)
    }

    @Test func sameResultWhateverTheThreadSettings() throws {
        let a = lowRankData(rows: 300, columns: 120)
        let config = NMF(rank: 6, method: .multiplicative(convention: .scikitLearn), stopping: NMFStopping(maxIterations: 40))
        let one = try BLAS.withThreads(1) { try config.fit(a) }
        let two = try BLAS.withThreads(2) { try config.fit(a) }
        #expect(one == two)
        let serial = try Parallel.withThreads(1) { try config.fit(a) }
        let parallel = try Parallel.withThreads(2) { try config.fit(a) }
        #expect(serial == parallel && serial == one)
    }

    @Test func rankAboveMinimumIsRefused() {
        let a = lowRankData(rows: 6, columns: 30)
        for initialization in NMFInitialization.allCases {
            #expect(throws: FitError.self) { try NMF(rank: 7, initialization: initialization).fit(a) }
        }
        do {
            _ = try NMF(rank: 7).fit(a)
        } catch {
            #expect("\(error)".contains("rank = 7") && "\(error)".contains("min(rows, columns) = 6"))
        }
    }

    @Test func badInputAndConfigurationAreRefused() {
        var negative = lowRankData()
        negative[2, 3] = -1
        #expect(throws: FitError.self) { try NMF(rank: 2).fit(negative) }
        #expect(throws: FitError.self) { try NMF(rank: 0).fit(lowRankData()) }
        #expect(throws: FitError.self) { try NMF(rank: 2, stopping: NMFStopping(maxIterations: 0)).fit(lowRankData()) }
        #expect(throws: FitError.self) { try NMF(rank: 2, method: .adam(AdamNMF(learningRate: -1))).fit(lowRankData()) }
        #expect(throws: FitError.self) {
            try NMF(rank: 2, method: .deep(DeepNMF(innerRanks: [4], loss: .layerwise(lambdas: [1])))).fit(lowRankData())
        }
        #expect(throws: ShapeError.self) {
            try NMF(rank: 2).fit(lowRankData(), w0: Matrix(rows: 3, columns: 2, repeating: 1), h0: Matrix(rows: 2, columns: 30))
        }
    }

    @Test func stopsOnToleranceAndPlateau() throws {
        let a = lowRankData()
        let tol = try NMF(rank: 4, stopping: NMFStopping(maxIterations: 5000, tolerance: 1e-3),
                          tracking: NMFTracking(every: 10, spectrum: false)).fit(a)
        #expect(tol.stopReason == .tolerance && tol.iterations < 5000 && tol.iterations % 10 == 0)
        let plateau = try NMF(rank: 4, stopping: NMFStopping(maxIterations: 5000, plateau: PlateauDetector(window: 5, tolerance: 0.01)),
                              tracking: NMFTracking(every: 10)).fit(a)
        #expect(plateau.stopReason == .plateau && plateau.iterations < 5000)
        let ranks = plateau.history.points.suffix(5).map(\.effectiveRank)
        #expect(ranks.max()! - ranks.min()! <= 0.01)
    }

    @Test func conformance() throws {
        let a = lowRankData()
        try Conformance.check("NMF (MU, NNDSVDar)", data: a) { x in
            try NMF(rank: 3, initialization: .nndsvdar, stopping: NMFStopping(maxIterations: 30), seed: 4).fit(x)
        }
        try Conformance.check("NMF (Adam, random)", data: a) { x in
            try NMF(rank: 3, method: .adam(AdamNMF()), initialization: .random, stopping: NMFStopping(maxIterations: 30), seed: 4).fit(x)
        }
    }

    @Test func initializations() throws {
        let a = lowRankData()
        for initialization in NMFInitialization.allCases {
            let (w, h) = try initialization.start(for: a, rank: 4, seed: 1)
            #expect(w.rows == 40 && w.columns == 4 && h.rows == 4 && h.columns == 30)
            #expect(w.elements.allSatisfy { $0 >= 0 } && h.elements.allSatisfy { $0 >= 0 })
        }
        let (wa, _) = try NMFInitialization.nndsvda.start(for: a, rank: 4, seed: 1)
        let (w0, _) = try NMFInitialization.nndsvd.start(for: a, rank: 4, seed: 1)
        let mean = a.mean()
        for i in 0..<w0.count where w0.elements[i] == 0 { #expect(wa.elements[i] == mean) }
        let (r1, _) = try NMFInitialization.random.start(for: a, rank: 4, seed: 1)
        let (r2, _) = try NMFInitialization.random.start(for: a, rank: 4, seed: 2)
        #expect(r1 != r2)
    }
}

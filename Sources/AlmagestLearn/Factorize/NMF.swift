import AlmagestCore

/// Non-negative matrix factorisation `A ≈ W·H` (A: n x m, W: n x r, H: r x m, all entries >= 0).
///
/// One configuration value chooses the algorithm (`NMFMethod`: Lee–Seung multiplicative updates
/// for the Frobenius or Kullback–Leibler loss, projected Adam on ‖A − relu(W)·relu(H)‖², or a deep
/// factorisation A ≈ W1···WL·H), the start (`NMFInitialization`, e.g. `.nndsvd`), when to stop
/// (`NMFStopping`) and what to track during training (`NMFTracking`); `fit` returns an immutable
/// `NMFModel` with W, H, the history and the reason the run stopped.
///
/// References: D. Lee and H. S. Seung, "Algorithms for non-negative matrix factorization" (2001);
/// C. Boutsidis and E. Gallopoulos, "SVD based initialization: a head start for non-negative matrix
/// factorization" (2008); D. Kingma and J. Ba, "Adam" (2015); G. Trigeorgis et al., "A deep
/// semi-NMF model for learning hidden representations" (2014).
///
/// Cost: O(n m r) per iteration for every method (GEMMs with WᵀA, A·Hᵀ and the r x r Grams; W·H is
/// never formed for the Frobenius loss, and only in row blocks for Kullback–Leibler), plus
/// O((n + m) r² + r³) per tracked point for the spectrum of W·H. The BLAS calls run on one
/// thread: with two, OpenBLAS split some of these skinny products (and the NNDSVD's SVD)
/// differently and the last bits changed. Multiplicative updates parallelise over fixed chunks of
/// rows instead (`Parallel.threads`), with the same bits whatever the thread count.
///
/// ```swift
/// let model = try NMF(rank: 10, method: .multiplicative(), initialization: .nndsvd,
///                     stopping: NMFStopping(maxIterations: 500)).fit(a)
/// model.w; model.h; model.relativeError; model.history.stopReason
/// let codes = try model.transform(newRows)    // coefficients against H (NMFTransform.swift)
/// ```
public struct NMF: Codable, Sendable, Equatable {
    /// Rank r of the factorisation (for deep NMF: the rank of the last layer, the rows of H).
    public var rank: Int
    public var method: NMFMethod
    public var initialization: NMFInitialization
    public var stopping: NMFStopping
    public var tracking: NMFTracking
    /// Seed of the random starts (`.random`, `.nndsvdar`) and of deep layers' random starts.
    public var seed: Int

    public init(
        rank: Int, method: NMFMethod = .multiplicative(), initialization: NMFInitialization = .nndsvd,
        stopping: NMFStopping = NMFStopping(), tracking: NMFTracking = NMFTracking(), seed: Int = 0
    ) {
        self.rank = rank
        self.method = method
        self.initialization = initialization
        self.stopping = stopping
        self.tracking = tracking
        self.seed = seed
    }

    /// Checks the configuration on its own (the data checks come in `fit`).
    public func validate() throws {
        try require(rank >= 1, "rank", rank, expected: "at least 1")
        try method.validate()
        try stopping.validate()
        try tracking.validate()
    }

    /// Factorises a non-negative matrix, starting from `initialization`.
    public func fit(_ a: Matrix<Double>) throws -> NMFModel<Double> { try fitGeneric(a) }
    /// Single-precision twin of `fit(_:)`.
    public func fit(_ a: Matrix<Float>) throws -> NMFModel<Float> { try fitGeneric(a) }

    /// Factorises `a` from the given start `w0` (n x r) and `h0` (r x m), e.g. to reproduce a
    /// reference run. Not available for deep NMF.
    public func fit(_ a: Matrix<Double>, w0: Matrix<Double>, h0: Matrix<Double>) throws -> NMFModel<Double> {
        try fitGeneric(a, start: (w0, h0))
    }
    /// Single-precision twin of `fit(_:w0:h0:)`.
    public func fit(_ a: Matrix<Float>, w0: Matrix<Float>, h0: Matrix<Float>) throws -> NMFModel<Float> {
        try fitGeneric(a, start: (w0, h0))
    }

    // MARK: - Private

    func fitGeneric<S: MatrixScalar>(_ a: Matrix<S>, start: (Matrix<S>, Matrix<S>)? = nil) throws -> NMFModel<S> {
        try validate()
        try a.validateForFit("NMF input")
        try a.validateNonNegative("NMF input")
        let limit = Swift.min(a.rows, a.columns)
        try require(rank <= limit, "rank", rank,
                    expected: "at most min(rows, columns) = \(limit) for a \(a.rows) x \(a.columns) matrix")
        if case .deep = method {
            guard start == nil else {
                throw FitError.invalidParameter(
                    name: "NMF start", value: "W0, H0", expected: "no explicit start for deep NMF (it starts layer by layer from `initialization`)")
            }
            return try BLAS.withThreads(1) { try NMFDriver(config: self).runDeep(a) }
        }
        let (w0, h0): (Matrix<S>, Matrix<S>)
        if let start {
            guard start.0.rows == a.rows, start.0.columns == rank, start.1.rows == rank, start.1.columns == a.columns
            else {
                throw ShapeError.mismatch(
                    operation: "NMF start", left: start.0.shape, right: start.1.shape,
                    expected: "W0 \(a.rows) x \(rank) and H0 \(rank) x \(a.columns)")
            }
            try start.0.validateForFit("NMF start W0")
            try start.1.validateForFit("NMF start H0")
            try start.0.validateNonNegative("NMF start W0")
            try start.1.validateNonNegative("NMF start H0")
            (w0, h0) = start
        } else {
            (w0, h0) = try BLAS.withThreads(1) { try initialization.start(for: a, rank: rank, seed: seed) }
        }
        return try BLAS.withThreads(1) { try NMFDriver(config: self).run(a, w0: w0, h0: h0) }
    }
}

/// A fitted factorisation `A ≈ W·H`.
public struct NMFModel<Scalar: MatrixScalar>: Codable, Sendable, Equatable {
    /// n x r non-negative basis (for deep NMF the product W1···WL of the layers).
    public let w: Matrix<Scalar>
    /// r x m non-negative coefficients (rows are the "signatures" of the components).
    public let h: Matrix<Scalar>
    /// Deep NMF only: the layers W1 (n x r1), ..., WL (r_{L-1} x r); empty otherwise.
    public let layers: [Matrix<Scalar>]
    /// Tracked points and the reason the run stopped.
    public let history: NMFHistory
    /// Iterations run.
    public let iterations: Int
    /// ‖A − W·H‖²_F / ‖A‖²_F at the end.
    public let relativeError: Double

    /// Rank r.
    public var rank: Int { w.columns }
    /// Why training stopped.
    public var stopReason: NMFStopReason { history.stopReason }

    /// The reconstruction W·H (n x m).
    public func reconstruction() -> Matrix<Scalar> { try! Matrix.product(w, h) }
}

extension NMF: Factorizer {
    public typealias Model = NMFModel<Double>
}

extension NMFModel: FittedFactorizer where Scalar == Double {}

extension Matrix {
    /// Throws `FitError.invalidParameter` naming the first negative entry and its place; `what`
    /// names the input ("NMF input").
    func validateNonNegative(_ what: String) throws {
        let bad: (Int, Scalar)? = withUnsafeBufferPointer { p in
            for i in 0..<p.count where p[i] < 0 { return (i, p[i]) }
            return nil
        }
        if let (index, value) = bad {
            throw FitError.invalidParameter(
                name: "\(what) at row \(index / columns), column \(index % columns)", value: "\(value)",
                expected: "non-negative entries only")
        }
    }
}

/// A fitted factorisation that recorded its training: the tracked points and stop reason, the
/// layers of a deep model, the iterations run and the final relative error. The factorisation
/// experiment writes these (history, figures) for any factorizer whose model offers them.
public protocol TrackedFactorization: FittedFactorizer {
    var history: NMFHistory { get }
    /// Deep models: W1, ..., WL; empty otherwise.
    var layers: [Matrix<Double>] { get }
    var iterations: Int { get }
    /// ‖A − W·H‖²_F / ‖A‖²_F at the end.
    var relativeError: Double { get }
}

extension NMFModel: TrackedFactorization where Scalar == Double {}

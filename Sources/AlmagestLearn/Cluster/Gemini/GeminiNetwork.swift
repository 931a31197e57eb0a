import AlmagestCore
import Foundation

/// The model p(y | x) a GEMINI trains: softmax regression (`linear`: logits = X W + b) or a
/// one-hidden-layer perceptron (`mlp`: H = act(X W₁ + b₁), logits = H W₂ + b₂), initialised as
/// gemclus does (uniform in ±1/√fan-in). `forward` returns the probabilities and what `backward`
/// needs; `backward` takes d objective / d Y and returns d objective / d parameters in the same
/// layout as `parameters` — through the softmax (dZ = Y ∘ (G − rowsum(Y ∘ G))) and every layer,
/// with W₂ itself (gemclus's MLP multiplies by W₂'s gradient instead, a bug). Products are GEMMs.
/// Cost: O(n d h + n h K) per pass for n rows (h = K for the linear model).
///
/// ```swift
/// var net = GeminiNetwork(kind: .mlp, inputs: 64, hidden: 20, activation: .relu, clusters: 10, rng: &rng)
/// let pass = try net.forward(xBatch)
/// let gradient = try net.backward(pass, outputGradient: dValueDY)
/// ```
public struct GeminiNetwork: Codable, Sendable, Equatable {
    /// The two shapes of model.
    public enum Kind: String, Codable, Sendable, CaseIterable { case linear, mlp }
    /// Hidden activations of the MLP.
    public enum Activation: String, Codable, Sendable, CaseIterable { case relu, tanh, sigmoid }

    public let kind: Kind
    public let activation: Activation
    public let inputs: Int
    public let hidden: Int
    public let clusters: Int
    /// W₁ (inputs x hidden, row-major), b₁, W₂ (hidden x clusters), b₂ for the MLP; W (inputs x
    /// clusters), b for the linear model — one flat array.
    public internal(set) var parameters: [Double]

    public init(kind: Kind, inputs: Int, hidden: Int, activation: Activation, clusters: Int, rng: inout RandomStream) {
        self.kind = kind
        self.activation = activation
        self.inputs = inputs
        self.hidden = kind == .mlp ? hidden : 0
        self.clusters = clusters
        let first = 1 / Double(max(inputs, 1)).squareRoot()
        switch kind {
        case .linear:
            parameters = (0..<(inputs * clusters + clusters)).map { _ in rng.nextDouble(in: -first..<first) }
        case .mlp:
            let second = 1 / Double(max(hidden, 1)).squareRoot()
            let layerOne = (0..<(inputs * hidden + hidden)).map { _ in rng.nextDouble(in: -first..<first) }
            let layerTwo = (0..<(hidden * clusters + clusters)).map { _ in rng.nextDouble(in: -second..<second) }
            parameters = layerOne + layerTwo
        }
    }

    /// One forward pass: the probabilities and the hidden layer (before and after activation).
    public struct Pass: Sendable {
        public let x: Matrix<Double>
        public let preActivation: Matrix<Double>?
        public let hiddenValues: Matrix<Double>?
        public let probabilities: Matrix<Double>
    }

    public func forward(_ x: Matrix<Double>) throws -> Pass {
        switch kind {
        case .linear:
            let logits = try affine(x, weightsAt: 0, rows: inputs, columns: clusters)
            return Pass(x: x, preActivation: nil, hiddenValues: nil, probabilities: Self.softmax(logits))
        case .mlp:
            let a = try affine(x, weightsAt: 0, rows: inputs, columns: hidden)
            let h = a.map(activate)
            let logits = try affine(h, weightsAt: inputs * hidden + hidden, rows: hidden, columns: clusters)
            return Pass(x: x, preActivation: a, hiddenValues: h, probabilities: Self.softmax(logits))
        }
    }

    /// d objective / d parameters from d objective / d Y of `pass`.
    public func backward(_ pass: Pass, outputGradient g: Matrix<Double>) throws -> [Double] {
        let y = pass.probabilities
        // Through the softmax: dZ_ij = Y_ij (G_ij − Σ_k Y_ik G_ik).
        var dz = Matrix<Double>(rows: y.rows, columns: y.columns)
        for i in 0..<y.rows {
            var dot = 0.0
            for c in 0..<y.columns { dot += y[i, c] * g[i, c] }
            for c in 0..<y.columns { dz[i, c] = y[i, c] * (g[i, c] - dot) }
        }
        switch kind {
        case .linear:
            return try Self.affineGradient(input: pass.x, output: dz)
        case .mlp:
            let h = pass.hiddenValues!, a = pass.preActivation!
            let second = try Self.affineGradient(input: h, output: dz)
            let w2 = try Matrix(rows: hidden, columns: clusters,
                                elements: Array(parameters[(inputs * hidden + hidden)..<(inputs * hidden + hidden + hidden * clusters)]))
            var dh = try Matrix.product(dz, transposed: false, w2, transposed: true)  // n x hidden
            for i in 0..<dh.rows { for j in 0..<dh.columns { dh[i, j] *= derivative(a[i, j], h[i, j]) } }
            return try Self.affineGradient(input: pass.x, output: dh) + second
        }
    }

    // MARK: - Private

    /// x · W + b with W (rows x columns) and b stored from `weightsAt`.
    private func affine(_ x: Matrix<Double>, weightsAt start: Int, rows: Int, columns: Int) throws -> Matrix<Double> {
        let w = try Matrix(rows: rows, columns: columns, elements: Array(parameters[start..<(start + rows * columns)]))
        var out = try x * w
        let bias = start + rows * columns
        for i in 0..<out.rows { for j in 0..<columns { out[i, j] += parameters[bias + j] } }
        return out
    }

    /// (xᵀ · d, column sums of d): the gradients of W and b of an affine layer.
    private static func affineGradient(input x: Matrix<Double>, output d: Matrix<Double>) throws -> [Double] {
        let w = try Matrix.product(x, transposed: true, d, transposed: false)
        let b = (0..<d.columns).map { j in (0..<d.rows).reduce(0.0) { $0 + d[$1, j] } }
        return w.elements + b
    }

    private func activate(_ v: Double) -> Double {
        switch activation {
        case .relu: return max(v, 0)
        case .tanh: return Foundation.tanh(v)
        case .sigmoid: return 1 / (1 + Foundation.exp(-v))
        }
    }

    /// The activation's derivative at pre-activation `a` whose value is `h`.
    private func derivative(_ a: Double, _ h: Double) -> Double {
        switch activation {
        case .relu: return a > 0 ? 1 : 0
        case .tanh: return 1 - h * h
        case .sigmoid: return h * (1 - h)
        }
    }

    static func softmax(_ logits: Matrix<Double>) -> Matrix<Double> {
        var out = logits
        for i in 0..<out.rows {
            var top = -Double.infinity
            for c in 0..<out.columns { top = max(top, out[i, c]) }
            var sum = 0.0
            for c in 0..<out.columns {
                out[i, c] = Foundation.exp(out[i, c] - top)
                sum += out[i, c]
            }
            for c in 0..<out.columns { out[i, c] /= sum }
        }
        return out
    }
}

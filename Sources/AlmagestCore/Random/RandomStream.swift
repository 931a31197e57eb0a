/// A seeded, reproducible random stream: xoshiro256** (Blackman & Vigna, 2018) whose 256-bit
/// state is filled by SplitMix64 (Steele, Lea & Flood, 2014) from a 64-bit seed and a stream
/// index.
///
/// Independent streams for parallel work come from `RandomStream(seed:stream:)` — chunk `i` of a
/// parallel loop uses stream `i`, so results do not depend on how many threads ran the chunks.
/// Generating one value costs a few nanoseconds; the generator is not cryptographic.
///
/// ```swift
/// var rng = RandomStream(seed: 42)
/// let u = rng.nextDouble()                    // uniform in [0, 1)
/// let z = rng.nextNormal()                    // standard normal
/// let order = rng.permutation(10)             // a shuffled 0..<10
/// var chunkRNG = RandomStream(seed: 42, stream: 3)
/// ```
public struct RandomStream: RandomNumberGenerator, Sendable, Codable, Equatable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64
    /// A spare normal deviate from the last Box-Muller pair.
    private var spareNormal: Double?

    /// A stream from a seed; `stream` selects an independent sub-stream of the same seed.
    public init(seed: UInt64, stream: UInt64 = 0) {
        var sm = SplitMix64(state: seed ^ (stream &* 0xD1B5_4A32_D192_ED03))
        // Stream mixing twice decorrelates seeds that differ in few bits.
        _ = sm.next()
        s0 = sm.next(); s1 = sm.next(); s2 = sm.next(); s3 = sm.next()
        if (s0 | s1 | s2 | s3) == 0 { s0 = 0x9E37_79B9_7F4A_7C15 }
        spareNormal = nil
    }

    /// A stream from a non-negative `Int` seed, as configurations carry it.
    public init(seed: Int, stream: Int = 0) {
        self.init(seed: UInt64(bitPattern: Int64(seed)), stream: UInt64(bitPattern: Int64(stream)))
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [0, 1) with 24 random bits.
    public mutating func nextFloat() -> Float { Float(next() >> 40) * 0x1.0p-24 }

    /// Uniform in `range`.
    public mutating func nextDouble(in range: Range<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * nextDouble()
    }

    /// Uniform integer in 0..<bound (Lemire's nearly divisionless method, unbiased).
    public mutating func nextInt(below bound: Int) -> Int {
        precondition(bound > 0, "nextInt(below:) needs a positive bound, got \(bound)")
        let b = UInt64(bound)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let threshold = (0 &- b) % b
            while m.low < threshold { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// Standard normal deviate (Marsaglia's polar form of Box-Muller).
    public mutating func nextNormal() -> Double {
        if let z = spareNormal {
            spareNormal = nil
            return z
        }
        while true {
            let u = 2 * nextDouble() - 1, v = 2 * nextDouble() - 1
            let s = u * u + v * v
            if s > 0 && s < 1 {
                let f = (-2 * Double.log(s) / s).squareRoot()
                spareNormal = v * f
                return u * f
            }
        }
    }

    /// Normal deviate with the given mean and standard deviation.
    public mutating func nextNormal(mean: Double, standardDeviation: Double) -> Double {
        mean + standardDeviation * nextNormal()
    }

    /// A uniformly random permutation of 0..<n (Fisher-Yates).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        shuffle(&p)
        return p
    }

    /// Shuffles an array in place (Fisher-Yates, from the end).
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for i in stride(from: array.count - 1, to: 0, by: -1) {
            let j = nextInt(below: i + 1)
            if i != j { array.swapAt(i, j) }
        }
    }

    /// `count` distinct indices from 0..<n, in random order (partial Fisher-Yates).
    public mutating func sample(_ count: Int, from n: Int) -> [Int] {
        precondition(count <= n, "cannot sample \(count) distinct items from \(n)")
        var p = Array(0..<n)
        for i in 0..<count { p.swapAt(i, i + nextInt(below: n - i)) }
        return Array(p[0..<count])
    }

    /// An index drawn with probability proportional to `weights` (non-negative, not all zero).
    public mutating func choice(weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        precondition(total > 0, "choice(weights:) needs a positive total weight")
        let target = nextDouble() * total
        var cumulative = 0.0
        for (i, w) in weights.enumerated() {
            cumulative += w
            if target < cumulative { return i }
        }
        return weights.lastIndex(where: { $0 > 0 }) ?? weights.count - 1
    }

    /// A matrix of uniform values in `range`.
    public mutating func uniformMatrix<S: MatrixScalar>(
        rows: Int, columns: Int, in range: Range<Double> = 0..<1, as: S.Type = S.self
    ) -> Matrix<S> {
        Matrix(rows: rows, columns: columns) { buffer in
            for i in buffer.indices { buffer[i] = S(nextDouble(in: range)) }
        }
    }

    /// A matrix of normal values.
    public mutating func normalMatrix<S: MatrixScalar>(
        rows: Int, columns: Int, mean: Double = 0, standardDeviation: Double = 1, as: S.Type = S.self
    ) -> Matrix<S> {
        Matrix(rows: rows, columns: columns) { buffer in
            for i in buffer.indices { buffer[i] = S(nextNormal(mean: mean, standardDeviation: standardDeviation)) }
        }
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }
}

/// SplitMix64: the seeding generator of the xoshiro family.
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

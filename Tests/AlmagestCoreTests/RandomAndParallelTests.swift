import AlmagestCore
import AlmagestTestSupport
import Testing

@Suite struct RandomStreamTests {
    @Test func sameSeedSameStream() {
        var a = RandomStream(seed: 42), b = RandomStream(seed: 42)
        for _ in 0..<100 { #expect(a.next() == b.next()) }
        var c = RandomStream(seed: 43)
        var d = RandomStream(seed: 42, stream: 1)
        var e = RandomStream(seed: 42)
        let x = e.next()
        #expect(c.next() != x && d.next() != x)
    }

    @Test func uniformMoments() {
        var rng = RandomStream(seed: 1)
        let n = 200_000
        var sum = 0.0, sumSq = 0.0
        for _ in 0..<n {
            let u = rng.nextDouble()
            #expect(u >= 0 && u < 1)
            sum += u
            sumSq += u * u
        }
        let mean = sum / Double(n)
        #expect(abs(mean - 0.5) < 0.005)
        #expect(abs(sumSq / Double(n) - mean * mean - 1.0 / 12) < 0.002)
    }

    @Test func normalMoments() {
        var rng = RandomStream(seed: 2)
        let n = 200_000
        let z = (0..<n).map { _ in rng.nextNormal() }
        let mean = z.reduce(0, +) / Double(n)
        let variance = z.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)
        #expect(abs(mean) < 0.01 && abs(variance - 1) < 0.02)
    }

    @Test func integersUnbiasedAndInRange() {
        var rng = RandomStream(seed: 3)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[rng.nextInt(below: 7)] += 1 }
        #expect(counts.allSatisfy { abs($0 - 10_000) < 500 })
    }

    @Test func permutationsAndSamples() {
        var rng = RandomStream(seed: 4)
        let p = rng.permutation(100)
        #expect(p.sorted() == Array(0..<100) && p != Array(0..<100))
        let s = rng.sample(10, from: 50)
        #expect(Set(s).count == 10 && s.allSatisfy { $0 < 50 })
        var hits = [0, 0, 0]
        for _ in 0..<30_000 { hits[rng.choice(weights: [1, 0, 2])] += 1 }
        #expect(hits[1] == 0 && abs(hits[2] - 2 * hits[0]) < 1_000)
    }
}

@Suite(.serialized) struct ParallelTests {
    @Test func chunksCoverEveryIndexOnce() {
        let slots = Parallel.mapChunks(count: 1_003, chunkSize: 100) { range, _ in Array(range) }
        #expect(slots.count == 11)
        #expect(slots.flatMap { $0 } == Array(0..<1_003))
    }

    @Test func bitIdenticalWithOneOrTwoThreads() {
        // Each chunk sums random numbers from its own stream; the reduction runs in chunk order.
        let work: @Sendable () -> Double = {
            Parallel.mapChunks(count: 100_000, chunkSize: 1_000) { range, chunk in
                var rng = RandomStream(seed: 9, stream: chunk)
                return range.reduce(0.0) { acc, _ in acc + rng.nextNormal() * 1e-3 }
            }.reduce(0, +)
        }
        let one = Parallel.withThreads(1, work)
        let two = Parallel.withThreads(2, work)
        #expect(one.bitPattern == two.bitPattern)
    }

    @Test func sharedPointerWritesDisjointParts() {
        var out = [Int](repeating: 0, count: 10_000)
        out.withUnsafeMutableBufferPointer { buffer in
            let p = SharedPointer(buffer.baseAddress!)
            Parallel.withThreads(2) {
                Parallel.forEachChunk(count: 10_000, chunkSize: 97) { range, _ in
                    for i in range { p[i] = i * 2 }
                }
            }
        }
        #expect(out == (0..<10_000).map { $0 * 2 })
    }
}

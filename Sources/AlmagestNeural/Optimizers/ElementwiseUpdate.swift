import AlmagestCore

/// Runs a per-element optimiser update over `count` elements of four same-sized buffers in
/// parallel chunks (`Parallel.threads`): every element's update reads and writes only that
/// element, so the result is bit-identical at any thread count. Tensors under 131,072 elements
/// are updated in one piece (the threads would cost more than they save).
///
/// Cost: O(count), split over the threads.
///
/// ```swift
/// ElementwiseUpdate.run(w, g, m, v) { w, g, m, v in update.apply(to: w, gradient: g, firstMoment: m, secondMoment: v) }
/// ```
enum ElementwiseUpdate {
    static let chunk = 1 << 16

    /// `body` on matching slices of the weights, gradient and up to two state buffers (pass the
    /// weights again for an unused state buffer: the body must ignore it then).
    static func run(
        _ weights: UnsafeMutableBufferPointer<Float>, _ gradient: UnsafeBufferPointer<Float>,
        _ first: UnsafeMutableBufferPointer<Float>, _ second: UnsafeMutableBufferPointer<Float>,
        _ body: @Sendable (UnsafeMutableBufferPointer<Float>, UnsafeBufferPointer<Float>,
                           UnsafeMutableBufferPointer<Float>, UnsafeMutableBufferPointer<Float>) -> Void
    ) {
        let n = weights.count
        guard n >= 2 * chunk, let w0 = weights.baseAddress, let g0 = gradient.baseAddress,
              let a0 = first.baseAddress, let b0 = second.baseAddress else {
            body(weights, gradient, first, second)
            return
        }
        let (w, g, a, b) = (SharedPointer(w0), SharedReadPointer(g0), SharedPointer(a0), SharedPointer(b0))
        Parallel.forEachChunk(count: n, chunkSize: chunk) { range, _ in
            let (start, count) = (range.lowerBound, range.count)
            body(UnsafeMutableBufferPointer(start: w.base + start, count: count), UnsafeBufferPointer(start: g.base + start, count: count),
                 UnsafeMutableBufferPointer(start: a.base + start, count: count), UnsafeMutableBufferPointer(start: b.base + start, count: count))
        }
    }
}

import AlmagestCore

/// Spatial pooling of `[N, C, H, W]` tensors: max pooling (the gradient goes to the position of
/// each window's maximum, the first one on ties), average pooling (zero padding counted in the
/// divisor, PyTorch's default) and adaptive average pooling to a fixed output size (bins from
/// ⌊i·H/h'⌋ to ⌈(i+1)·H/h'⌉, as in PyTorch). Output size for windows: ⌊(H + 2p − k) / s⌋ + 1.
/// Cost: O(N·C·H'·W'·kh·kw) forward and backward. Max pooling runs over fixed chunks of planes in
/// parallel (`Parallel.threads`; planes are disjoint, so the bits do not depend on the thread count)
/// and takes 2x2 windows with stride 2, the common case, eight at a time with SIMD selects.
///
/// ```swift
/// let p = try x.maxPool2d(kernel: (2, 2))                       // stride defaults to the kernel
/// let a = try x.avgPool2d(kernel: (3, 3), stride: (1, 1), padding: (1, 1))
/// let g = try x.adaptiveAvgPool2d(outputSize: (1, 1))           // global average pooling
/// ```
extension Tensor {
    public func maxPool2d(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) throws -> Tensor {
        let w = try PoolWindows(self, kernel: kernel, stride: stride ?? kernel, padding: padding, operation: "maxPool2d")
        let planeIn = w.h * w.w, planeOut = w.outH * w.outW
        guard planeIn <= Int(Int32.max) else {
            throw ShapeError.invalid(shape: shape, reason: "maxPool2d needs planes of at most \(Int32.max) elements")
        }
        let planesPerChunk = Swift.max(1, poolingChunkElements / Swift.max(planeIn, 1))
        // Window maxima as offsets inside their plane (-1: a window with no cell), every slot written.
        var argmax = [Int32](repeating: 0, count: 0)
        let out = [Float](unsafeUninitializedCapacity: w.outCount) { y, initialized in
            argmax = [Int32](unsafeUninitializedCapacity: w.outCount) { a, initializedArgmax in
                data.withUnsafeBufferPointer { x in
                    let xs = SharedReadPointer(x.baseAddress!), ys = SharedPointer(y.baseAddress!)
                    let As = SharedPointer(a.baseAddress!)
                    Parallel.forEachChunk(count: w.planes, chunkSize: planesPerChunk) { planes, _ in
                        for plane in planes {
                            maxPoolPlane(xs.base + plane * planeIn, ys.base + plane * planeOut, As.base + plane * planeOut, w)
                        }
                    }
                }
                initializedArgmax = a.count
            }
            initialized = y.count
        }
        let input = self
        return Tensor.result(shape: w.outShape, data: out, parents: [self]) { node in
            let g = node.gradient!
            input.withGradient { ig, isFresh in
                g.withUnsafeBufferPointer { gp in
                    argmax.withUnsafeBufferPointer { ap in
                        let gs = SharedReadPointer(gp.baseAddress!), As = SharedReadPointer(ap.baseAddress!)
                        let igs = SharedPointer(ig.baseAddress!)
                        Parallel.forEachChunk(count: w.planes, chunkSize: planesPerChunk) { planes, _ in
                            for plane in planes {
                                let dx = igs.base + plane * planeIn, base = plane * planeOut
                                if isFresh { dx.initialize(repeating: 0, count: planeIn) }
                                for o in base..<(base + planeOut) where As[o] >= 0 { dx[Int(As[o])] += gs[o] }
                            }
                        }
                    }
                }
            }
        }
    }

    public func avgPool2d(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) throws -> Tensor {
        let w = try PoolWindows(self, kernel: kernel, stride: stride ?? kernel, padding: padding, operation: "avgPool2d")
        let divisor = Float(kernel.0 * kernel.1)
        var out = [Float](repeating: 0, count: w.outCount)
        w.forEachWindow { base, o, cells in
            var s: Float = 0
            for (y, x) in cells { s += data[base + y * w.w + x] }
            out[o] = s / divisor
        }
        let input = self
        return Tensor.result(shape: w.outShape, data: out, parents: [self]) { node in
            let g = node.gradient!
            input.withGradient { ig in
                w.forEachWindow { base, o, cells in
                    let share = g[o] / divisor
                    for (y, x) in cells { ig[base + y * w.w + x] += share }
                }
            }
        }
    }

    public func adaptiveAvgPool2d(outputSize: (Int, Int)) throws -> Tensor {
        guard rank == 4, outputSize.0 >= 1, outputSize.1 >= 1 else {
            throw ShapeError.mismatch(operation: "adaptiveAvgPool2d", left: shape, right: [outputSize.0, outputSize.1],
                                      expected: "input [N, C, H, W] and a positive output size")
        }
        let (h, wd, oh, ow) = (shape[2], shape[3], outputSize.0, outputSize.1)
        let planes = shape[0] * shape[1]
        func bins(_ i: Int, _ inSize: Int, _ outSize: Int) -> Range<Int> {
            (i * inSize / outSize)..<(((i + 1) * inSize + outSize - 1) / outSize)
        }
        var out = [Float](repeating: 0, count: planes * oh * ow)
        for plane in 0..<planes {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let ys = bins(oy, h, oh), xs = bins(ox, wd, ow)
                    var s: Float = 0
                    for y in ys { for x in xs { s += data[(plane * h + y) * wd + x] } }
                    out[(plane * oh + oy) * ow + ox] = s / Float(Swift.max(ys.count * xs.count, 1))
                }
            }
        }
        let input = self
        return Tensor.result(shape: [shape[0], shape[1], oh, ow], data: out, parents: [self]) { node in
            let g = node.gradient!
            input.withGradient { ig in
                for plane in 0..<planes {
                    for oy in 0..<oh {
                        for ox in 0..<ow {
                            let ys = bins(oy, h, oh), xs = bins(ox, wd, ow)
                            let share = g[(plane * oh + oy) * ow + ox] / Float(Swift.max(ys.count * xs.count, 1))
                            for y in ys { for x in xs { ig[(plane * h + y) * wd + x] += share } }
                        }
                    }
                }
            }
        }
    }
}

// MARK: - Private

/// The windows of a pooling op over every (image, channel) plane.
struct PoolWindows {
    let planes, h, w, kh, kw, sh, sw, ph, pw, outH, outW: Int
    let outShape: [Int]
    var outCount: Int { planes * outH * outW }

    init(_ x: Tensor, kernel: (Int, Int), stride: (Int, Int), padding: (Int, Int), operation: String) throws {
        guard x.rank == 4 else {
            throw ShapeError.mismatch(operation: operation, left: x.shape, right: [kernel.0, kernel.1],
                                      expected: "input [N, C, H, W]")
        }
        try require(kernel.0 >= 1 && kernel.1 >= 1, "\(operation) kernel", kernel, expected: "at least 1")
        try require(stride.0 >= 1 && stride.1 >= 1, "\(operation) stride", stride, expected: "at least 1")
        try require(padding.0 >= 0 && padding.1 >= 0 && 2 * padding.0 <= kernel.0 && 2 * padding.1 <= kernel.1,
                    "\(operation) padding", padding, expected: "between 0 and half the kernel")
        (planes, h, w) = (x.shape[0] * x.shape[1], x.shape[2], x.shape[3])
        (kh, kw, sh, sw, ph, pw) = (kernel.0, kernel.1, stride.0, stride.1, padding.0, padding.1)
        outH = (h + 2 * ph - kh) / sh + 1
        outW = (w + 2 * pw - kw) / sw + 1
        guard h + 2 * ph >= kh, w + 2 * pw >= kw else {
            throw ShapeError.mismatch(operation: operation, left: x.shape, right: [kernel.0, kernel.1],
                                      expected: "an input at least as large as the kernel after padding")
        }
        outShape = [x.shape[0], x.shape[1], outH, outW]
    }

    /// The in-image cells of window (oy, ox).
    func window(_ oy: Int, _ ox: Int) -> [(Int, Int)] {
        let y0 = oy * sh - ph, x0 = ox * sw - pw
        var cells: [(Int, Int)] = []
        cells.reserveCapacity(kh * kw)
        for y in Swift.max(y0, 0)..<Swift.min(y0 + kh, h) {
            for x in Swift.max(x0, 0)..<Swift.min(x0 + kw, w) { cells.append((y, x)) }
        }
        return cells
    }

    /// Calls `body(planeOffset, outputIndex, cells)` for every window.
    func forEachWindow(_ body: (Int, Int, [(Int, Int)]) -> Void) {
        for oy in 0..<outH {
            for ox in 0..<outW {
                let cells = window(oy, ox)
                for plane in 0..<planes { body(plane * h * w, (plane * outH + oy) * outW + ox, cells) }
            }
        }
    }
}

/// Elements per parallel chunk of the pooling loops (whole planes; tiny tensors stay on one thread).
private let poolingChunkElements = 1 << 16

/// Max pooling of one plane: maxima into `y`, their in-plane offsets into `at` (the first maximum
/// on ties; a NaN wins and stays). 2x2 windows with stride 2 and no padding take eight windows at a
/// time with SIMD compares and selects, in the same order as the scalar loop.
private func maxPoolPlane(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ at: UnsafeMutablePointer<Int32>,
                          _ w: PoolWindows) {
    let isTiled2x2 = w.kh == 2 && w.kw == 2 && w.sh == 2 && w.sw == 2 && w.ph == 0 && w.pw == 0
    let lanes = SIMD8<Int32>(0, 2, 4, 6, 8, 10, 12, 14), rowStep = SIMD8<Int32>(repeating: Int32(w.w))
    for oy in 0..<w.outH {
        var ox = 0
        if isTiled2x2 {
            let top = x + 2 * oy * w.w, bottom = top + w.w
            while ox + 8 <= w.outW {
                let t = UnsafeRawPointer(top + 2 * ox).loadUnaligned(as: SIMD16<Float>.self)
                let b = UnsafeRawPointer(bottom + 2 * ox).loadUnaligned(as: SIMD16<Float>.self)
                var best = t.evenHalf, code = SIMD8<Int32>(repeating: 0)
                @inline(__always) func consider(_ v: SIMD8<Float>, _ k: Int32) {
                    let take = (v .> best) .| ((v .!= v) .& (best .== best))
                    best.replace(with: v, where: take)
                    code.replace(with: SIMD8(repeating: k), where: take)
                }
                consider(t.oddHalf, 1)
                consider(b.evenHalf, 2)
                consider(b.oddHalf, 3)
                let offsets = SIMD8<Int32>(repeating: Int32(2 * oy * w.w + 2 * ox)) &+ lanes &+ (code & 1) &+ (code &>> 1) &* rowStep
                UnsafeMutableRawPointer(y + oy * w.outW + ox).storeBytes(of: best, as: SIMD8<Float>.self)
                UnsafeMutableRawPointer(at + oy * w.outW + ox).storeBytes(of: offsets, as: SIMD8<Int32>.self)
                ox += 8
            }
        }
        let y0 = oy * w.sh - w.ph, rows = Swift.max(y0, 0)..<Swift.min(y0 + w.kh, w.h)
        while ox < w.outW {
            let x0 = ox * w.sw - w.pw, columns = Swift.max(x0, 0)..<Swift.min(x0 + w.kw, w.w)
            var best = -Float.infinity, index = -1
            for yy in rows {
                for xx in columns {
                    let i = yy * w.w + xx, v = x[i]
                    if index < 0 || v > best || (v.isNaN && !best.isNaN) { best = v; index = i }
                }
            }
            y[oy * w.outW + ox] = best
            at[oy * w.outW + ox] = Int32(index)
            ox += 1
        }
    }
}

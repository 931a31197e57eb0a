import AlmagestCore

/// Spatial pooling of `[N, C, H, W]` tensors: max pooling (the gradient goes to the position of
/// each window's maximum, the first one on ties), average pooling (zero padding counted in the
/// divisor, PyTorch's default) and adaptive average pooling to a fixed output size (bins from
/// ⌊i·H/h'⌋ to ⌈(i+1)·H/h'⌉, as in PyTorch). Output size for windows: ⌊(H + 2p − k) / s⌋ + 1.
/// Cost: O(N·C·H'·W'·kh·kw) forward and backward.
///
/// ```swift
/// let p = try x.maxPool2d(kernel: (2, 2))                       // stride defaults to the kernel
/// let a = try x.avgPool2d(kernel: (3, 3), stride: (1, 1), padding: (1, 1))
/// let g = try x.adaptiveAvgPool2d(outputSize: (1, 1))           // global average pooling
/// ```
extension Tensor {
    public func maxPool2d(kernel: (Int, Int), stride: (Int, Int)? = nil, padding: (Int, Int) = (0, 0)) throws -> Tensor {
        let w = try PoolWindows(self, kernel: kernel, stride: stride ?? kernel, padding: padding, operation: "maxPool2d")
        var out = [Float](repeating: 0, count: w.outCount)
        var argmax = [Int](repeating: -1, count: w.outCount)
        data.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in
                argmax.withUnsafeMutableBufferPointer { a in
                    for plane in 0..<w.planes {
                        let base = plane * w.h * w.w
                        for oy in 0..<w.outH {
                            let y0 = oy * w.sh - w.ph, ys = Swift.max(y0, 0)..<Swift.min(y0 + w.kh, w.h)
                            for ox in 0..<w.outW {
                                let x0 = ox * w.sw - w.pw, xs = Swift.max(x0, 0)..<Swift.min(x0 + w.kw, w.w)
                                var best = -Float.infinity, at = -1
                                for yy in ys {
                                    for xx in xs {
                                        let i = base + yy * w.w + xx, v = x[i]
                                        if at < 0 || v > best || (v.isNaN && !best.isNaN) { best = v; at = i }
                                    }
                                }
                                let o = (plane * w.outH + oy) * w.outW + ox
                                y[o] = best
                                a[o] = at
                            }
                        }
                    }
                }
            }
        }
        let input = self
        return Tensor.result(shape: w.outShape, data: out, parents: [self]) { node in
            let g = node.gradient!
            input.withGradient { ig in for o in 0..<g.count where argmax[o] >= 0 { ig[argmax[o]] += g[o] } }
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

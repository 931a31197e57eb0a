import AlmagestCore

/// 2-D convolution (cross-correlation, as in every deep-learning library) of `[N, C, H, W]` inputs
/// with `[O, C, kh, kw]` filters, with stride, zero padding and dilation.
///
/// Each image is unrolled by im2col into a `[C·kh·kw, H'·W']` matrix so the convolution becomes
/// one SGEMM, W · col (Chellapilla, Puri & Simard, 2006). Backward: dW += dY · colᵀ and
/// dcol = Wᵀ · dY folded back by col2im; the columns are recomputed instead of stored. Images run
/// in parallel over `Parallel.threads` with per-image weight-gradient slots summed in image order,
/// so results do not depend on the thread count. Output size H' = ⌊(H + 2p − d(k − 1) − 1) / s⌋ + 1.
/// Cost: 2·N·O·C·kh·kw·H'·W' flops forward, twice that backward.
///
/// ```swift
/// let y = try x.conv2d(weight: w, bias: b, stride: (1, 1), padding: (1, 1))   // same size for 3x3
/// ```
extension Tensor {
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: (Int, Int) = (1, 1), padding: (Int, Int) = (0, 0),
                       dilation: (Int, Int) = (1, 1)) throws -> Tensor {
        guard rank == 4, weight.rank == 4, shape[1] == weight.shape[1] else {
            throw ShapeError.mismatch(operation: "conv2d", left: shape, right: weight.shape,
                                      expected: "input [N, C, H, W] and weight [O, C, kh, kw] with equal C")
        }
        if let bias, bias.shape != [weight.shape[0]] {
            throw ShapeError.mismatch(operation: "conv2d bias", left: weight.shape, right: bias.shape,
                                      expected: "bias [\(weight.shape[0])]")
        }
        guard shape[0] > 0, shape[1] > 0, weight.shape[0] > 0 else {
            throw ShapeError.invalid(shape: shape, reason: "conv2d needs at least one image, channel and filter")
        }
        try require(stride.0 >= 1 && stride.1 >= 1, "conv2d stride", stride, expected: "at least 1")
        try require(padding.0 >= 0 && padding.1 >= 0, "conv2d padding", padding, expected: "non-negative")
        try require(dilation.0 >= 1 && dilation.1 >= 1, "conv2d dilation", dilation, expected: "at least 1")
        let g = ConvGeometry(input: shape, kernel: Array(weight.shape[2...]), outChannels: weight.shape[0],
                             stride: stride, padding: padding, dilation: dilation)
        guard g.outH > 0, g.outW > 0 else {
            throw ShapeError.mismatch(operation: "conv2d", left: shape, right: weight.shape,
                                      expected: "an input at least as large as the dilated kernel after padding")
        }
        return convolve(self, weight, bias, g)
    }
}

/// Sizes of one convolution.
struct ConvGeometry {
    let n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, outH, outW: Int
    var rows: Int { c * kh * kw }
    var spatial: Int { outH * outW }

    init(input: [Int], kernel: [Int], outChannels: Int, stride: (Int, Int), padding: (Int, Int), dilation: (Int, Int)) {
        (n, c, h, w) = (input[0], input[1], input[2], input[3])
        (o, kh, kw) = (outChannels, kernel[0], kernel[1])
        (sh, sw, ph, pw, dh, dw) = (stride.0, stride.1, padding.0, padding.1, dilation.0, dilation.1)
        outH = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1
        outW = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1
    }
}

// MARK: - Private

/// Images per parallel chunk of the backward pass (fixed, so sums do not depend on threads).
private let convolutionChunk = 4

private func convolve(_ x: Tensor, _ weight: Tensor, _ bias: Tensor?, _ g: ConvGeometry) -> Tensor {
    BLAS.ensureConfigured()   // single-threaded OpenBLAS unless a caller asked otherwise
    var out = [Float](repeating: 0, count: g.n * g.o * g.spatial)
    let imageIn = g.c * g.h * g.w, imageOut = g.o * g.spatial
    x.data.withUnsafeBufferPointer { px in
        weight.data.withUnsafeBufferPointer { pw in
            out.withUnsafeMutableBufferPointer { py in
                let xs = SharedReadPointer(px.baseAddress!), ws = SharedReadPointer(pw.baseAddress!)
                let ys = SharedPointer(py.baseAddress!)
                let biasValues = bias?.data
                Parallel.forEachChunk(count: g.n, chunkSize: 1) { images, _ in
                    var col = [Float](repeating: 0, count: g.rows * g.spatial)
                    col.withUnsafeMutableBufferPointer { pc in
                        for image in images {
                            im2col(xs.base + image * imageIn, pc.baseAddress!, g)
                            let y = ys.base + image * imageOut
                            if let biasValues {
                                for oc in 0..<g.o { (y + oc * g.spatial).initialize(repeating: biasValues[oc], count: g.spatial) }
                            }
                            Float.gemm(transposeA: false, transposeB: false, m: g.o, n: g.spatial, k: g.rows, alpha: 1,
                                       a: ws.base, lda: g.rows, b: pc.baseAddress!, ldb: g.spatial,
                                       beta: biasValues == nil ? 0 : 1, c: y, ldc: g.spatial)
                        }
                    }
                }
            }
        }
    }
    return Tensor.result(shape: [g.n, g.o, g.outH, g.outW], data: out,
                         parents: [x, weight] + (bias.map { [$0] } ?? [])) { node in
        let gradOut = node.gradient!
        let needX = x.requiresGradient, needW = weight.requiresGradient
        // One weight-gradient slot per fixed chunk of images, summed in chunk order afterwards.
        let chunk = convolutionChunk, chunks = Parallel.chunkCount(count: g.n, chunkSize: chunk)
        var partialW = [Float](repeating: 0, count: needW ? chunks * g.o * g.rows : 1)
        func run(_ gradX: SharedPointer<Float>?) {
            gradOut.withUnsafeBufferPointer { pg in
                x.data.withUnsafeBufferPointer { px in
                    weight.data.withUnsafeBufferPointer { pw in
                        partialW.withUnsafeMutableBufferPointer { pdw in
                            let gs = SharedReadPointer(pg.baseAddress!), xs = SharedReadPointer(px.baseAddress!)
                            let ws = SharedReadPointer(pw.baseAddress!)
                            let dws = needW ? SharedPointer(pdw.baseAddress!) : nil
                            Parallel.forEachChunk(count: g.n, chunkSize: chunk) { images, chunkIndex in
                                var col = [Float](repeating: 0, count: g.rows * g.spatial)
                                col.withUnsafeMutableBufferPointer { pc in
                                    for image in images {
                                        let gy = gs.base + image * imageOut
                                        if let dws {
                                            im2col(xs.base + image * imageIn, pc.baseAddress!, g)
                                            Float.gemm(transposeA: false, transposeB: true, m: g.o, n: g.rows, k: g.spatial,
                                                       alpha: 1, a: gy, lda: g.spatial, b: pc.baseAddress!, ldb: g.spatial,
                                                       beta: image == images.lowerBound ? 0 : 1,
                                                       c: dws.base + chunkIndex * g.o * g.rows, ldc: g.rows)
                                        }
                                        if let gradX {
                                            Float.gemm(transposeA: true, transposeB: false, m: g.rows, n: g.spatial, k: g.o,
                                                       alpha: 1, a: ws.base, lda: g.rows, b: gy, ldb: g.spatial,
                                                       beta: 0, c: pc.baseAddress!, ldc: g.spatial)
                                            col2im(pc.baseAddress!, gradX.base + image * imageIn, g)
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        if needX {
            x.withGradient { gx in run(SharedPointer(gx.baseAddress!)) }
        } else {
            run(nil)
        }
        if needW {
            weight.withGradient { gw in
                partialW.withUnsafeBufferPointer { p in
                    for c in 0..<chunks {
                        let base = c * g.o * g.rows
                        for i in 0..<gw.count { gw[i] += p[base + i] }
                    }
                }
            }
        }
        if let bias, bias.requiresGradient {
            bias.withGradient { gb in
                for image in 0..<g.n {
                    for oc in 0..<g.o {
                        let base = (image * g.o + oc) * g.spatial
                        var s: Float = 0
                        for i in 0..<g.spatial { s += gradOut[base + i] }
                        gb[oc] += s
                    }
                }
            }
        }
    }
}

/// Unrolls one image `[C, H, W]` into `[C·kh·kw, H'·W']` (zeros where the window leaves the image).
private func im2col(_ x: UnsafePointer<Float>, _ col: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    for ch in 0..<g.c {
        for ki in 0..<g.kh {
            for kj in 0..<g.kw {
                let row = col + ((ch * g.kh + ki) * g.kw + kj) * g.spatial
                let dx = kj * g.dw - g.pw
                for oy in 0..<g.outH {
                    let iy = oy * g.sh - g.ph + ki * g.dh
                    let dst = row + oy * g.outW
                    guard iy >= 0 && iy < g.h else {
                        dst.initialize(repeating: 0, count: g.outW)
                        continue
                    }
                    let src = x + (ch * g.h + iy) * g.w
                    if g.sw == 1 {
                        // Valid ox: 0 <= ox + dx < w.
                        let lo = Swift.min(Swift.max(-dx, 0), g.outW), hi = Swift.max(Swift.min(g.w - dx, g.outW), lo)
                        if lo > 0 { dst.initialize(repeating: 0, count: lo) }
                        if hi > lo { (dst + lo).update(from: src + lo + dx, count: hi - lo) }
                        if hi < g.outW { (dst + hi).initialize(repeating: 0, count: g.outW - hi) }
                    } else {
                        for ox in 0..<g.outW {
                            let ix = ox * g.sw + dx
                            dst[ox] = ix >= 0 && ix < g.w ? src[ix] : 0
                        }
                    }
                }
            }
        }
    }
}

/// Adds columns `[C·kh·kw, H'·W']` back into one image gradient `[C, H, W]` (the adjoint of im2col).
private func col2im(_ col: UnsafePointer<Float>, _ x: UnsafeMutablePointer<Float>, _ g: ConvGeometry) {
    for ch in 0..<g.c {
        for ki in 0..<g.kh {
            for kj in 0..<g.kw {
                let row = col + ((ch * g.kh + ki) * g.kw + kj) * g.spatial
                let dx = kj * g.dw - g.pw
                for oy in 0..<g.outH {
                    let iy = oy * g.sh - g.ph + ki * g.dh
                    guard iy >= 0 && iy < g.h else { continue }
                    let src = row + oy * g.outW
                    let dst = x + (ch * g.h + iy) * g.w
                    if g.sw == 1 {
                        let lo = Swift.min(Swift.max(-dx, 0), g.outW), hi = Swift.max(Swift.min(g.w - dx, g.outW), lo)
                        for ox in lo..<hi { dst[ox + dx] += src[ox] }
                    } else {
                        for ox in 0..<g.outW {
                            let ix = ox * g.sw + dx
                            if ix >= 0 && ix < g.w { dst[ix] += src[ox] }
                        }
                    }
                }
            }
        }
    }
}

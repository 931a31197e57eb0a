import AlmagestCore

/// 2-D convolution (cross-correlation, as in every deep-learning library) of `[N, C, H, W]` inputs
/// with `[O, C, kh, kw]` filters, with stride, zero padding and dilation.
///
/// Each image is unrolled by im2col into a `[C·kh·kw, H'·W']` matrix so the convolution becomes
/// one SGEMM, W · col (Chellapilla, Puri & Simard, 2006). Backward: dW += dY · colᵀ and
/// dcol = Wᵀ · dY folded back by col2im; the columns are recomputed instead of stored. Fixed chunks
/// of images run in parallel over `Parallel.threads`, each with its own column buffer and
/// single-threaded SGEMM; weight- and bias-gradient slots per chunk are summed in chunk order, so
/// results do not depend on the thread count. No buffer that is fully overwritten is zero-filled.
/// Output size H' = ⌊(H + 2p − d(k − 1) − 1) / s⌋ + 1.
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

/// Images per parallel chunk (fixed, so the backward sums do not depend on the thread count).
private let convolutionChunk = 4

private func convolve(_ x: Tensor, _ weight: Tensor, _ bias: Tensor?, _ g: ConvGeometry) -> Tensor {
    BLAS.ensureConfigured()   // single-threaded OpenBLAS: our chunks run in parallel instead
    let imageIn = g.c * g.h * g.w, imageOut = g.o * g.spatial
    // Every output element is written once (bias fill or beta-0 GEMM), so no zero fill.
    let out = [Float](unsafeUninitializedCapacity: g.n * imageOut) { py, initialized in
        adviseHugePages(py)
        x.data.withUnsafeBufferPointer { px in
            weight.data.withUnsafeBufferPointer { pw in
                let xs = SharedReadPointer(px.baseAddress!), ws = SharedReadPointer(pw.baseAddress!)
                let ys = SharedPointer(py.baseAddress!)
                let biasValues = bias?.data
                Parallel.forEachChunk(count: g.n, chunkSize: convolutionChunk) { images, _ in
                    withScratch(g.rows * g.spatial) { col in
                        for image in images {
                            im2col(xs.base + image * imageIn, col, g)
                            let y = ys.base + image * imageOut
                            if let biasValues {
                                for oc in 0..<g.o { (y + oc * g.spatial).initialize(repeating: biasValues[oc], count: g.spatial) }
                            }
                            Float.gemm(transposeA: false, transposeB: false, m: g.o, n: g.spatial, k: g.rows, alpha: 1,
                                       a: ws.base, lda: g.rows, b: col, ldb: g.spatial,
                                       beta: biasValues == nil ? 0 : 1, c: y, ldc: g.spatial)
                        }
                    }
                }
            }
        }
        initialized = py.count
    }
    return Tensor.result(shape: [g.n, g.o, g.outH, g.outW], data: out,
                         parents: [x, weight] + (bias.map { [$0] } ?? [])) { node in
        var gradient = node.takeGradient()
        convolveBackward(&gradient, x, weight, bias, g)
    }
}

/// dW += Σ dY · colᵀ, db += Σ dY over positions, dX += col2im(Wᵀ · dY); per-chunk partial sums of
/// dW and db are added in chunk order, so the bits do not depend on the thread count. When dX is
/// new and has dY's size (a "same" convolution), each image's dX is written over its own dY once
/// that has been used, and the buffer becomes x's gradient: no new buffer.
private func convolveBackward(_ gradOut: inout [Float], _ x: Tensor, _ weight: Tensor, _ bias: Tensor?, _ g: ConvGeometry) {
    let imageIn = g.c * g.h * g.w, imageOut = g.o * g.spatial
    let needX = x.requiresGradient, needW = weight.requiresGradient, needB = bias?.requiresGradient ?? false
    let chunks = Parallel.chunkCount(count: g.n, chunkSize: convolutionChunk)
    let wSlot = g.o * g.rows
    var partialW = [Float](repeating: 0, count: needW ? chunks * wSlot : 0)
    var partialB = [Float](repeating: 0, count: needB ? chunks * g.o : 0)
    func run(_ gradY: UnsafePointer<Float>, _ gradX: SharedPointer<Float>?, zeroingX: Bool) {
        x.data.withUnsafeBufferPointer { px in
            weight.data.withUnsafeBufferPointer { pw in
                partialW.withUnsafeMutableBufferPointer { pdw in
                    partialB.withUnsafeMutableBufferPointer { pdb in
                        let gs = SharedReadPointer(gradY), xs = SharedReadPointer(px.baseAddress!)
                        let ws = SharedReadPointer(pw.baseAddress!)
                        let dws = needW ? SharedPointer(pdw.baseAddress!) : nil
                        let dbs = needB ? SharedPointer(pdb.baseAddress!) : nil
                        Parallel.forEachChunk(count: g.n, chunkSize: convolutionChunk) { images, chunkIndex in
                            withScratch(needW || gradX != nil ? g.rows * g.spatial : 0) { col in
                                for image in images {
                                    let gy = gs.base + image * imageOut
                                    if let dbs {
                                        for oc in 0..<g.o { dbs[chunkIndex * g.o + oc] += sum(gy + oc * g.spatial, g.spatial) }
                                    }
                                    if let dws {
                                        im2col(xs.base + image * imageIn, col, g)
                                        Float.gemm(transposeA: false, transposeB: true, m: g.o, n: g.rows, k: g.spatial,
                                                   alpha: 1, a: gy, lda: g.spatial, b: col, ldb: g.spatial,
                                                   beta: image == images.lowerBound ? 0 : 1,
                                                   c: dws.base + chunkIndex * wSlot, ldc: g.rows)
                                    }
                                    if let gradX {
                                        Float.gemm(transposeA: true, transposeB: false, m: g.rows, n: g.spatial, k: g.o,
                                                   alpha: 1, a: ws.base, lda: g.rows, b: gy, ldb: g.spatial,
                                                   beta: 0, c: col, ldc: g.spatial)
                                        let dx = gradX.base + image * imageIn
                                        // dx may be this image's gy itself, which is not read after this point.
                                        if zeroingX { dx.initialize(repeating: 0, count: imageIn) }
                                        col2im(col, dx, g)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    if needX, x.gradient == nil, imageIn == imageOut {
        gradOut.withUnsafeMutableBufferPointer { p in run(UnsafePointer(p.baseAddress!), SharedPointer(p.baseAddress!), zeroingX: true) }
        x.gradient = gradOut
    } else if needX {
        x.withGradient { gx, isFresh in
            gradOut.withUnsafeBufferPointer { gy in run(gy.baseAddress!, SharedPointer(gx.baseAddress!), zeroingX: isFresh) }
        }
    } else {
        gradOut.withUnsafeBufferPointer { gy in run(gy.baseAddress!, nil, zeroingX: false) }
    }
    if needW { weight.withGradient { gw in addSlots(partialW, slot: wSlot, into: gw) } }
    if let bias, needB { bias.withGradient { gb in addSlots(partialB, slot: g.o, into: gb) } }
}

/// Adds the consecutive slots of `partial` into `target`, in slot order.
private func addSlots(_ partial: [Float], slot: Int, into target: UnsafeMutableBufferPointer<Float>) {
    partial.withUnsafeBufferPointer { p in
        for c in 0..<(slot == 0 ? 0 : p.count / slot) {
            let base = c * slot
            for i in 0..<slot { target[i] += p[base + i] }
        }
    }
}

/// Sum of `n` floats, sixteen lanes at a time.
@inline(__always)
private func sum(_ p: UnsafePointer<Float>, _ n: Int) -> Float {
    var lanes = SIMD16<Float>()
    var i = 0
    while i + 16 <= n {
        lanes += UnsafeRawPointer(p + i).loadUnaligned(as: SIMD16<Float>.self)
        i += 16
    }
    var s = lanes.sum()
    while i < n { s += p[i]; i += 1 }
    return s
}

/// Runs `body` with an uninitialised scratch buffer of `count` floats, freed afterwards.
@inline(__always)
private func withScratch(_ count: Int, _ body: (UnsafeMutablePointer<Float>) -> Void) {
    let buffer = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(count, 1))
    defer { buffer.deallocate() }
    body(buffer)
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

import AlmagestCore
import Foundation

/// Tight decoding loops from FITS's big-endian storage into native values: one strided loop per
/// storage type, reading unaligned words and swapping their bytes, with the linear scaling
/// `zero + scale * stored` (BZERO/BSCALE, TZEROn/TSCALn) and an optional integer null (BLANK,
/// TNULLn) that becomes NaN. Columns decode on one thread (the spectra loader is already parallel
/// over files, and loops are never nested); a large image may ask for `Parallel.threads` chunks
/// (the output does not depend on the thread count). Cost O(values).
enum FITSBigEndian {
    /// The storage types FITS numbers come in.
    enum Storage: Sendable {
        case uint8, int16, int32, int64, float32, float64

        init?(bitpix: Int) {
            switch bitpix {
            case 8: self = .uint8
            case 16: self = .int16
            case 32: self = .int32
            case 64: self = .int64
            case -32: self = .float32
            case -64: self = .float64
            default: return nil
            }
        }

        var byteWidth: Int {
            switch self {
            case .uint8: return 1
            case .int16: return 2
            case .int32, .float32: return 4
            case .int64, .float64: return 8
            }
        }

        var isInteger: Bool { self != .float32 && self != .float64 }
    }

    /// Decodes `count` values of `storage`, the first at byte `offset` of `bytes`, the next
    /// `stride` bytes further each, into `out` as `zero + scale * stored` (exactly `stored` when
    /// scale is 1 and zero 0); integer values equal to `null` become NaN; `threads` as in `Parallel`.
    static func decode<Scalar: MatrixScalar>(
        _ bytes: UnsafeRawBufferPointer, offset: Int, stride: Int, count: Int, storage: Storage,
        scale: Double, zero: Double, null: Int64?, threads: Int = 1, into out: UnsafeMutablePointer<Scalar>
    ) {
        guard count > 0, let base = bytes.baseAddress else { return }
        let source = SharedReadPointer(base.assumingMemoryBound(to: UInt8.self))
        let target = SharedPointer(out)
        let chunk = 1 << 16
        let identity = scale == 1 && zero == 0
        Parallel.forEachChunk(count: count, chunkSize: chunk, threads: threads) { range, _ in
            let raw = UnsafeRawPointer(source.base)
            for i in range {
                let p = raw + offset + i * stride
                let value: Double
                switch storage {
                case .uint8:
                    let v = p.load(as: UInt8.self)
                    if let null, Int64(v) == null { target[i] = .nan; continue }
                    value = Double(v)
                case .int16:
                    let v = Int16(bitPattern: UInt16(bigEndian: p.loadUnaligned(as: UInt16.self)))
                    if let null, Int64(v) == null { target[i] = .nan; continue }
                    value = Double(v)
                case .int32:
                    let v = Int32(bitPattern: UInt32(bigEndian: p.loadUnaligned(as: UInt32.self)))
                    if let null, Int64(v) == null { target[i] = .nan; continue }
                    value = Double(v)
                case .int64:
                    let v = Int64(bitPattern: UInt64(bigEndian: p.loadUnaligned(as: UInt64.self)))
                    if let null, v == null { target[i] = .nan; continue }
                    if identity { target[i] = Scalar(v); continue }
                    // BZERO = 2^63 marks unsigned 64-bit values: add in integers to keep the bits.
                    if scale == 1 && zero == 9_223_372_036_854_775_808 {
                        target[i] = Scalar(UInt64(bitPattern: v) ^ (1 << 63)); continue
                    }
                    value = Double(v)
                case .float32:
                    let v = Float(bitPattern: UInt32(bigEndian: p.loadUnaligned(as: UInt32.self)))
                    if identity { target[i] = Scalar(v); continue }
                    value = Double(v)
                case .float64:
                    value = Double(bitPattern: UInt64(bigEndian: p.loadUnaligned(as: UInt64.self)))
                }
                target[i] = identity ? Scalar(value) : Scalar(zero + scale * value)
            }
        }
    }

    /// Decodes exact integers (no scaling other than an integral `zero`), for integer columns and
    /// images read as `Int64`.
    static func decodeIntegers(
        _ bytes: UnsafeRawBufferPointer, offset: Int, stride: Int, count: Int, storage: Storage, zero: Int64,
        into out: UnsafeMutablePointer<Int64>
    ) {
        guard count > 0, let base = bytes.baseAddress else { return }
        for i in 0..<count {
            let p = base + offset + i * stride
            let v: Int64
            switch storage {
            case .uint8: v = Int64(p.load(as: UInt8.self))
            case .int16: v = Int64(Int16(bitPattern: UInt16(bigEndian: p.loadUnaligned(as: UInt16.self))))
            case .int32: v = Int64(Int32(bitPattern: UInt32(bigEndian: p.loadUnaligned(as: UInt32.self))))
            case .int64, .float64: v = Int64(bitPattern: UInt64(bigEndian: p.loadUnaligned(as: UInt64.self)))
            case .float32: v = Int64(Int32(bitPattern: UInt32(bigEndian: p.loadUnaligned(as: UInt32.self))))
            }
            out[i] = v &+ zero
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Plain libm entry points under private names, so that `MatrixScalar.exp` and friends resolve to
// exactly one C function per precision.
@inlinable func _exp(_ x: Double) -> Double { exp(x) }
@inlinable func _log(_ x: Double) -> Double { log(x) }
@inlinable func _pow(_ x: Double, _ y: Double) -> Double { pow(x, y) }
@inlinable func _atan2(_ y: Double, _ x: Double) -> Double { atan2(y, x) }
@inlinable func _expf(_ x: Float) -> Float { expf(x) }
@inlinable func _logf(_ x: Float) -> Float { logf(x) }
@inlinable func _powf(_ x: Float, _ y: Float) -> Float { powf(x, y) }
@inlinable func _atan2f(_ y: Float, _ x: Float) -> Float { atan2f(y, x) }

import AlmagestCore
import Foundation

/// Reads and writes NumPy `.npy` arrays as matrices.
///
/// Reads format versions 1.0, 2.0 and 3.0 with dtypes f4, f8, i1, i2, i4, i8, u1, u2, u4, u8 in
/// either byte order (`|u1`, `|i1` for bytes). Shapes: a 2-D array is a matrix; a 1-D array of n
/// values is an n x 1 matrix (or `readVector`); a scalar is 1 x 1; an array of more dimensions
/// `(n, a, b, ...)` is n x (a·b·...) (e.g. a stack of images). Fortran-ordered 2-D data is
/// transposed into row-major order; Fortran order with more than two dimensions is refused.
/// Writes little-endian f8 or f4 in C order with a version 1.0 header padded to 64 bytes,
/// atomically, never replacing a file unless asked. Reference: NEP 1, `numpy.lib.format`.
/// Cost O(elements).
///
/// ```swift
/// try NPY.write(matrix, to: URL(fileURLWithPath: "W.npy"))
/// let w = try NPY.readMatrix(from: URL(fileURLWithPath: "W.npy"))           // Matrix<Double>
/// let h = try NPY.readMatrix(from: url, as: Float.self)
/// ```
public enum NPY {
    /// The element types the writer can produce.
    public enum FloatType: Sendable, Equatable, CaseIterable {
        case float32, float64

        var dtype: NPYDtype { self == .float32 ? .float32 : .float64 }
    }

    /// Reads `url` as a matrix (see the type's documentation for shapes).
    public static func readMatrix<Scalar: MatrixScalar>(from url: URL, as type: Scalar.Type = Double.self) throws -> Matrix<Scalar> {
        try readMatrix(readFile(url), source: url.path, as: type)
    }

    /// Reads NPY bytes as a matrix; `source` names the input in errors.
    public static func readMatrix<Scalar: MatrixScalar>(
        _ data: Data, source: String = "NPY data", as type: Scalar.Type = Double.self
    ) throws -> Matrix<Scalar> {
        let bytes = [UInt8](data)
        let header = try NPYHeader(parsing: bytes, source: source)
        let (rows, columns) = matrixShape(header.shape)
        if header.isFortranOrder && header.shape.count > 2 {
            throw DataError.unsupported(source: source, feature: "Fortran order with \(header.shape.count) dimensions")
        }
        let values = try decode(bytes, header: header, source: source)
        if header.isFortranOrder && header.shape.count == 2 {
            // Column-major: element (i, j) is at j * rows + i.
            return Matrix(rows: rows, columns: columns) { i, j in Scalar(values[j * rows + i]) }
        }
        return try Matrix(rows: rows, columns: columns, elements: values.map { Scalar($0) })
    }

    /// Reads a 1-D array (or an n x 1 or 1 x n one) as a vector; other shapes are an error.
    public static func readVector(from url: URL) throws -> [Double] {
        try readVector(readFile(url), source: url.path)
    }

    /// Reads NPY bytes holding a 1-D array (or an n x 1 or 1 x n one) as a vector.
    public static func readVector(_ data: Data, source: String = "NPY data") throws -> [Double] {
        let bytes = [UInt8](data)
        let header = try NPYHeader(parsing: bytes, source: source)
        let shape = header.shape
        guard shape.count == 1 || (shape.count == 2 && (shape[0] == 1 || shape[1] == 1)) else {
            throw DataError.malformed(source: source, reason: "expected a 1-D array for a vector, got shape \(shape)")
        }
        return try decode(bytes, header: header, source: source)
    }

    /// The NPY bytes of `matrix` as a 2-D array of `type` (little-endian, C order).
    public static func encode<Scalar: MatrixScalar>(_ matrix: Matrix<Scalar>, as type: FloatType = .float64) -> Data {
        encode(matrix.elements, shape: [matrix.rows, matrix.columns], as: type)
    }

    /// The NPY bytes of `values` as a 1-D array of `type`.
    public static func encode<Scalar: MatrixScalar>(vector values: [Scalar], as type: FloatType = .float64) -> Data {
        encode(values, shape: [values.count], as: type)
    }

    /// Writes `matrix` to `url`; throws `DataError.wouldOverwrite` when the file exists and
    /// `overwrite` is false.
    public static func write<Scalar: MatrixScalar>(
        _ matrix: Matrix<Scalar>, to url: URL, as type: FloatType = .float64, overwrite: Bool = false
    ) throws {
        try AtomicFile.write(encode(matrix, as: type), to: url, overwrite: overwrite)
    }

    /// Writes `values` as a 1-D array.
    public static func write<Scalar: MatrixScalar>(
        vector values: [Scalar], to url: URL, as type: FloatType = .float64, overwrite: Bool = false
    ) throws {
        try AtomicFile.write(encode(vector: values, as: type), to: url, overwrite: overwrite)
    }

    // MARK: - Private

    /// Rows and columns of the matrix an array of `shape` becomes.
    private static func matrixShape(_ shape: [Int]) -> (Int, Int) {
        switch shape.count {
        case 0: return (1, 1)
        case 1: return (shape[0], 1)
        default: return (shape[0], shape.dropFirst().reduce(1, *))
        }
    }

    private static func encode<Scalar: MatrixScalar>(_ values: [Scalar], shape: [Int], as type: FloatType) -> Data {
        var out = NPYHeader(dtype: type.dtype, shape: shape).encoded()
        out.reserveCapacity(out.count + values.count * type.dtype.size)
        switch type {
        case .float64:
            for v in values { withUnsafeBytes(of: Double(v).bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        case .float32:
            for v in values { withUnsafeBytes(of: Float(v).bitPattern.littleEndian) { out.append(contentsOf: $0) } }
        }
        return Data(out)
    }

    /// The elements in storage order, as Doubles; throws when the data size does not match the shape.
    private static func decode(_ bytes: [UInt8], header: NPYHeader, source: String) throws -> [Double] {
        let count = header.elementCount, size = header.dtype.size
        let available = bytes.count - header.dataOffset
        let (needed, overflow) = count.multipliedReportingOverflow(by: size)
        guard !overflow, available == needed else {
            throw DataError.malformed(
                source: source,
                reason: "the shape \(header.shape) of \(header.dtype) needs \(overflow ? "more than Int.max" : String(needed)) bytes of data, the file has \(available)")
        }
        let big = header.dtype.isBigEndian
        return bytes.withUnsafeBytes { all in
            let raw = UnsafeRawBufferPointer(rebasing: all[header.dataOffset...])
            func integers<T: FixedWidthInteger>(_: T.Type) -> [Double] {
                (0..<count).map { k in
                    let v = raw.loadUnaligned(fromByteOffset: k * size, as: T.self)
                    return Double(big ? T(bigEndian: v) : T(littleEndian: v))
                }
            }
            switch (header.dtype.kind, size) {
            case (.float, 4):
                return (0..<count).map { k in
                    let v = raw.loadUnaligned(fromByteOffset: k * 4, as: UInt32.self)
                    return Double(Float(bitPattern: big ? UInt32(bigEndian: v) : UInt32(littleEndian: v)))
                }
            case (.float, _):
                return (0..<count).map { k in
                    let v = raw.loadUnaligned(fromByteOffset: k * 8, as: UInt64.self)
                    return Double(bitPattern: big ? UInt64(bigEndian: v) : UInt64(littleEndian: v))
                }
            case (.signed, 1): return integers(Int8.self)
            case (.signed, 2): return integers(Int16.self)
            case (.signed, 4): return integers(Int32.self)
            case (.signed, _): return integers(Int64.self)
            case (.unsigned, 1): return integers(UInt8.self)
            case (.unsigned, 2): return integers(UInt16.self)
            case (.unsigned, 4): return integers(UInt32.self)
            case (.unsigned, _): return integers(UInt64.self)
            }
        }
    }
}

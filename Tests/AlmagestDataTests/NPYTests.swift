import AlmagestCore
import AlmagestData
import Foundation
import Testing

/// NPY bytes built by hand: magic, version, little-endian header length, dict, padding, payload.
private func npy(_ dict: String, payload: [UInt8], version: UInt8 = 1) -> Data {
    var header = Array(dict.utf8)
    let prefix = version == 1 ? 10 : 12
    while (prefix + header.count + 1) % 64 != 0 { header.append(0x20) }
    header.append(0x0A)
    var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0]
    let n = header.count
    out += version == 1 ? [UInt8(n & 0xff), UInt8(n >> 8)] : [UInt8(n & 0xff), UInt8(n >> 8 & 0xff), 0, 0]
    return Data(out + header + payload)
}

private func bytes<T: FixedWidthInteger>(_ values: [T], big: Bool) -> [UInt8] {
    values.flatMap { v in withUnsafeBytes(of: big ? v.bigEndian : v.littleEndian) { Array($0) } }
}

private func payload(descr: String, _ values: [Double]) -> [UInt8] {
    let big = descr.first == ">"
    switch descr.dropFirst() {
    case "f4": return bytes(values.map { Float($0).bitPattern }, big: big)
    case "f8": return bytes(values.map { $0.bitPattern }, big: big)
    case "i1": return bytes(values.map { Int8($0) }, big: big)
    case "u1": return bytes(values.map { UInt8($0) }, big: big)
    case "i2": return bytes(values.map { Int16($0) }, big: big)
    case "u2": return bytes(values.map { UInt16($0) }, big: big)
    case "i4": return bytes(values.map { Int32($0) }, big: big)
    case "u4": return bytes(values.map { UInt32($0) }, big: big)
    case "i8": return bytes(values.map { Int64($0) }, big: big)
    default: return bytes(values.map { UInt64($0) }, big: big)
    }
}

@Suite struct NPYTests {
    private static let dtypes = [
        "<f4", ">f4", "<f8", ">f8", "|i1", "|u1", "<i2", ">i2", "<u2", ">u2", "<i4", ">i4", "<u4", ">u4",
        "<i8", ">i8", "<u8", ">u8",
    ]

    @Test(arguments: dtypes)
    func readsEveryDtypeInBothByteOrders(descr: String) throws {
        let signed = descr.dropFirst().first != "u"
        let values: [Double] =
            descr.contains("f") ? [1.5, -0.25, 1024, 3.0e-3] : signed ? [-7, 0, 100, -128 + 1] : [0, 1, 200, 255]
        let data = npy("{'descr': '\(descr)', 'fortran_order': False, 'shape': (2, 2), }", payload: payload(descr: descr, values))
        let m = try NPY.readMatrix(data)
        #expect(m.rows == 2 && m.columns == 2)
        let expected = values.map { descr.contains("f4") ? Double(Float($0)) : $0 }
        #expect(m.elements == expected)
    }

    @Test(arguments: NPY.FloatType.allCases)
    func writerRoundTripsWithAlignedHeader(type: NPY.FloatType) throws {
        let x = try Matrix<Double>([[0.1, -2, .infinity], [1e-30, 5, .greatestFiniteMagnitude]])
        let data = NPY.encode(x, as: type)
        let header = try NPYHeader(parsing: [UInt8](data), source: "t")
        #expect(header.dataOffset % 64 == 0)
        #expect(header.shape == [2, 3] && !header.isFortranOrder)
        #expect(header.dtype.descr == (type == .float64 ? "<f8" : "<f4"))
        let back = try NPY.readMatrix(data)
        #expect(back.elements == x.elements.map { type == .float64 ? $0 : Double(Float($0)) })
        let asFloat = try NPY.readMatrix(data, as: Float.self)
        #expect(asFloat.elements == x.elements.map { Float($0) })
    }

    @Test(arguments: [UInt8(2), 3])
    func readsVersionTwoAndThreeHeaders(version: UInt8) throws {
        let data = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", payload: payload(descr: "<f8", [1, 2, 3]), version: version)
        #expect(try NPY.readVector(data) == [1, 2, 3])
        let m = try NPY.readMatrix(data)
        #expect(m.rows == 3 && m.columns == 1)
    }

    @Test func fortranOrderIsTransposedIntoRowMajor() throws {
        // The 2 x 3 matrix [[1, 2, 3], [4, 5, 6]] stored column by column.
        let data = npy("{'descr': '<i4', 'fortran_order': True, 'shape': (2, 3), }", payload: payload(descr: "<i4", [1, 4, 2, 5, 3, 6]))
        #expect(try NPY.readMatrix(data).rowArrays == [[1, 2, 3], [4, 5, 6]])
        let cube = npy("{'descr': '<i4', 'fortran_order': True, 'shape': (1, 2, 1), }", payload: payload(descr: "<i4", [1, 2]))
        #expect(throws: DataError.self) { try NPY.readMatrix(cube) }
    }

    @Test func higherDimensionsFlattenTrailingAxesAndScalarsAreOneByOne() throws {
        let stack = npy("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2, 2), }", payload: [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(try NPY.readMatrix(stack).rowArrays == [[1, 2, 3, 4], [5, 6, 7, 8]])
        let scalar = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", payload: payload(descr: "<f8", [9]))
        #expect(try NPY.readMatrix(scalar).elements == [9])
    }

    @Test(arguments: [
        ("bad magic", Data("\u{93}NUMPZ\u{1}\u{0}".utf8)),
        ("truncated header", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", payload: []).prefix(40)),
        ("unparseable dict", npy("{'descr': '<f8', 'fortran_order': Maybe, 'shape': (1,), }", payload: payload(descr: "<f8", [1]))),
        ("unclosed dict", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (1,", payload: payload(descr: "<f8", [1]))),
        ("shape vs data", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", payload: payload(descr: "<f8", [1, 2, 3]))),
        ("complex dtype", npy("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }", payload: [UInt8](repeating: 0, count: 16))),
        ("structured dtype", npy("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }", payload: payload(descr: "<f8", [1]))),
        ("negative shape", npy("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }", payload: payload(descr: "<f8", [1]))),
        ("empty", Data()),
    ])
    func malformedFilesThrowDataErrors(name: String, data: Data) throws {
        let error = #expect(throws: DataError.self) { try NPY.readMatrix(data, source: "bad.npy") }
        #expect(error?.description.hasPrefix("bad.npy") == true)
    }

    @Test func shapeMismatchMessageNamesBothSizes() throws {
        let data = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 2), }", payload: payload(descr: "<f8", [1, 2, 3]))
        #expect(throws: DataError.malformed(source: "x.npy", reason: "the shape [2, 2] of <f8 needs 32 bytes of data, the file has 24")) {
            try NPY.readMatrix(data, source: "x.npy")
        }
    }

    @Test func fileWriteRefusesToOverwrite() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-\(UUID().uuidString).npy")
        defer { try? FileManager.default.removeItem(at: url) }
        let a = try Matrix<Float>([[1, 2]]), b = try Matrix<Float>([[3, 4]])
        try NPY.write(a, to: url, as: .float32)
        #expect(throws: DataError.wouldOverwrite(path: url.path)) { try NPY.write(b, to: url) }
        #expect(try NPY.readMatrix(from: url, as: Float.self) == a)
        try NPY.write(b, to: url, overwrite: true)
        #expect(try NPY.readMatrix(from: url, as: Float.self) == b)
        try NPY.write(vector: [1.0, 2.0], to: url, overwrite: true)
        #expect(try NPY.readVector(from: url) == [1, 2])
    }
}

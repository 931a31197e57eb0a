import AlmagestCore
import Foundation

/// Weights in the safetensors format (Hugging Face, 2022), the file PyTorch users exchange:
/// an 8-byte little-endian header length N, N bytes of JSON mapping each tensor name to
/// `{"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}` (offsets into the data that
/// follows, optional `"__metadata__"` of strings), then the raw little-endian values.
///
/// Loading into a layer checks that the file holds exactly the layer's names (parameters and
/// buffers) with the same shapes and throws a `SafetensorsError` naming the first difference.
/// Files are written atomically. Cost: O(bytes).
///
/// ```swift
/// try Safetensors.save(net, to: url, metadata: ["epochs": "30"])
/// try Safetensors.load(into: freshNet, from: url)
/// let tensors = try Safetensors.decode(Data(contentsOf: url))   // [(name, Tensor)]
/// ```
public enum Safetensors {
    /// The file bytes for named F32 tensors.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String] = [:]) throws -> Data {
        var header: [String: Any] = [:]
        if !metadata.isEmpty { header["__metadata__"] = metadata }
        var offset = 0
        for (name, t) in tensors {
            guard header[name] == nil, name != "__metadata__" else { throw SafetensorsError.duplicateName(name) }
            header[name] = ["dtype": "F32", "shape": t.shape, "data_offsets": [offset, offset + 4 * t.count]] as [String: Any]
            offset += 4 * t.count
        }
        var json = try JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        // Pad the header with spaces so that the data start is 8-byte aligned.
        while json.count % 8 != 0 { json.append(0x20) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(8 + json.count + offset)
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: json)
        for (_, t) in tensors {
            for v in t.data { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        }
        return Data(bytes)
    }

    /// The named tensors of a file, in the order of their data offsets.
    public static func decode(_ data: Data) throws -> [(name: String, tensor: Tensor)] {
        try decodeWithMetadata(data).tensors
    }

    /// The named tensors of a file except those `skipping` names (their dtype is not checked:
    /// PyTorch's integer `num_batches_tracked` counters, for example).
    public static func decode(_ data: Data, skipping: (String) -> Bool) throws -> [(name: String, tensor: Tensor)] {
        try decodeWithMetadata(data, skipping: skipping).tensors
    }

    /// The named tensors and the `__metadata__` strings of a file.
    public static func decodeWithMetadata(_ data: Data, skipping: (String) -> Bool = { _ in false })
        throws -> (tensors: [(name: String, tensor: Tensor)], metadata: [String: String]) {
        let bytes = [UInt8](data)
        guard bytes.count >= 8 else { throw SafetensorsError.truncated(expected: 8, got: bytes.count) }
        let headerLength = bytes[0..<8].enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard headerLength <= UInt64(bytes.count - 8) else {
            throw SafetensorsError.truncated(expected: headerLength > UInt64(Int.max - 8) ? Int.max : 8 + Int(headerLength), got: bytes.count)
        }
        let dataStart = 8 + Int(headerLength)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes[8..<dataStart]))
        } catch {
            throw SafetensorsError.malformedHeader("the header is not valid JSON")
        }
        guard let header = object as? [String: Any] else { throw SafetensorsError.malformedHeader("the header is not a JSON object") }
        var metadata: [String: String] = [:]
        var entries: [(name: String, shape: [Int], begin: Int, end: Int)] = []
        let dataLength = bytes.count - dataStart
        for (name, value) in header {
            if name == "__metadata__" {
                guard let m = value as? [String: String] else { throw SafetensorsError.malformedHeader("__metadata__ must map strings to strings") }
                metadata = m
                continue
            }
            if skipping(name) { continue }
            guard let entry = value as? [String: Any], let dtype = entry["dtype"] as? String,
                  let shapeValues = entry["shape"] as? [NSNumber], let offsets = entry["data_offsets"] as? [NSNumber],
                  offsets.count == 2 else {
                throw SafetensorsError.malformedHeader("entry \"\(name)\" needs dtype, shape and two data_offsets")
            }
            guard dtype == "F32" else { throw SafetensorsError.unsupportedDType(name: name, dtype: dtype) }
            let shape = shapeValues.map(\.intValue)
            let begin = offsets[0].intValue, end = offsets[1].intValue
            guard begin >= 0, end >= begin, end <= dataLength else {
                throw SafetensorsError.offsetsOutOfRange(name: name, begin: begin, end: end, dataLength: dataLength)
            }
            guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) * 4 == end - begin else {
                throw SafetensorsError.sizeMismatch(name: name, shape: shape, bytes: end - begin)
            }
            entries.append((name, shape, begin, end))
        }
        entries.sort { ($0.begin, $0.name) < ($1.begin, $1.name) }
        let tensors = entries.map { e -> (name: String, tensor: Tensor) in
            var values = [Float](repeating: 0, count: (e.end - e.begin) / 4)
            for i in 0..<values.count {
                let p = dataStart + e.begin + 4 * i
                let bits = UInt32(bytes[p]) | UInt32(bytes[p + 1]) << 8 | UInt32(bytes[p + 2]) << 16 | UInt32(bytes[p + 3]) << 24
                values[i] = Float(bitPattern: bits)
            }
            return (e.name, Tensor(uncheckedShape: e.shape, values: values))
        }
        return (tensors, metadata)
    }

    /// Writes a layer's parameters and buffers (by dotted name) to `url`, atomically.
    public static func save(_ layer: any Layer, to url: URL, metadata: [String: String] = [:]) throws {
        try encode(layer.namedState(), metadata: metadata).write(to: url, options: .atomic)
    }

    /// Reads `url` into a layer's parameters and buffers, after checking names and shapes.
    public static func load(into layer: any Layer, from url: URL) throws {
        try load(into: layer, data: Data(contentsOf: url))
    }

    /// Loads file bytes into a layer's parameters and buffers, after checking names and shapes.
    public static func load(into layer: any Layer, data: Data) throws {
        let file = Dictionary(try decode(data).map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        let state = layer.namedState()
        for (name, t) in state {
            guard let stored = file[name] else { throw SafetensorsError.missingTensor(name) }
            guard stored.shape == t.shape else {
                throw SafetensorsError.shapeMismatch(name: name, expected: t.shape, got: stored.shape)
            }
        }
        let known = Set(state.map(\.name))
        if let extra = file.keys.sorted().first(where: { !known.contains($0) }) { throw SafetensorsError.unexpectedTensor(extra) }
        for (name, t) in state { try t.assign(file[name]!.data) }
    }
}

/// A safetensors file that could not be read or does not fit the model.
public enum SafetensorsError: Error, Equatable, CustomStringConvertible {
    case truncated(expected: Int, got: Int)
    case malformedHeader(String)
    case unsupportedDType(name: String, dtype: String)
    case offsetsOutOfRange(name: String, begin: Int, end: Int, dataLength: Int)
    case sizeMismatch(name: String, shape: [Int], bytes: Int)
    case duplicateName(String)
    case missingTensor(String)
    case unexpectedTensor(String)
    case shapeMismatch(name: String, expected: [Int], got: [Int])

    public var description: String {
        switch self {
        case let .truncated(expected, got):
            return "safetensors file is truncated: needs at least \(expected) bytes, got \(got)"
        case let .malformedHeader(reason):
            return "safetensors header is malformed: \(reason)"
        case let .unsupportedDType(name, dtype):
            return "safetensors tensor \"\(name)\" has dtype \(dtype); expected F32"
        case let .offsetsOutOfRange(name, begin, end, length):
            return "safetensors tensor \"\(name)\" has data_offsets [\(begin), \(end)] outside the \(length) data bytes"
        case let .sizeMismatch(name, shape, bytes):
            return "safetensors tensor \"\(name)\" of shape \(shape) needs \(shape.reduce(1, *) * 4) bytes, but its offsets span \(bytes)"
        case let .duplicateName(name):
            return "tensor name \"\(name)\" appears twice; expected unique names"
        case let .missingTensor(name):
            return "the safetensors file has no tensor \"\(name)\", which the model expects"
        case let .unexpectedTensor(name):
            return "the safetensors file has a tensor \"\(name)\" that the model does not have"
        case let .shapeMismatch(name, expected, got):
            return "tensor \"\(name)\" has shape \(got) in the file; the model expects \(expected)"
        }
    }
}

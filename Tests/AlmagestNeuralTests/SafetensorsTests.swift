import AlmagestCore
@testable import AlmagestNeural
import Foundation
import Testing

struct SafetensorsTests {
    func network(seed: Int) -> Sequential {
        Sequential([Linear(inputs: 3, outputs: 4, seed: seed), ReLU(), BatchNorm1d(features: 4),
                    Linear(inputs: 4, outputs: 2, seed: seed + 1)])
    }

    /// A file whose header is `json` and whose data section has `dataBytes` bytes.
    func file(json: String, dataBytes: Int) -> Data {
        var d = Data()
        withUnsafeBytes(of: UInt64(json.utf8.count).littleEndian) { d.append(contentsOf: $0) }
        d.append(Data(json.utf8))
        d.append(Data(repeating: 0, count: dataBytes))
        return d
    }

    @Test func roundTripThroughAFile() throws {
        let source = network(seed: 1)
        _ = try source(random([5, 3]))        // moves the batch-norm running statistics
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("almagest-\(UUID()).safetensors")
        defer { try? FileManager.default.removeItem(at: url) }
        try Safetensors.save(source, to: url, metadata: ["format": "pt"])
        let target = network(seed: 9)
        #expect(target.namedState().map(\.tensor.data) != source.namedState().map(\.tensor.data))
        try Safetensors.load(into: target, from: url)
        #expect(target.namedState().map(\.tensor.data) == source.namedState().map(\.tensor.data))
        let (tensors, metadata) = try Safetensors.decodeWithMetadata(Data(contentsOf: url))
        #expect(metadata == ["format": "pt"])
        #expect(tensors.map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias", "3.weight", "3.bias", "2.running_mean", "2.running_var"])
        #expect(tensors[0].tensor.shape == [4, 3])
    }

    @Test func knownBytes() throws {
        // One tensor "a" = [1.0, -2.0]: header length, JSON, then 00 00 80 3F and 00 00 00 C0.
        let data = try Safetensors.encode([(name: "a", tensor: try Tensor(shape: [2], values: [1, -2]))])
        let bytes = [UInt8](data)
        let length = Int(bytes[0]) | Int(bytes[1]) << 8
        #expect(length % 8 == 0 && bytes.count == 8 + length + 8)
        let json = String(decoding: bytes[8..<(8 + length)], as: UTF8.self)
        #expect(json.contains("\"data_offsets\":[0,8]") && json.contains("\"dtype\":\"F32\"") && json.contains("\"shape\":[2]"))
        #expect(Array(bytes[(8 + length)...]) == [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0])
    }

    @Test func mismatchedModelsAreRefusedByName() throws {
        let data = try Safetensors.encode(network(seed: 1).namedState())
        let wider = Sequential([Linear(inputs: 3, outputs: 5, seed: 0)])
        #expect(throws: SafetensorsError.shapeMismatch(name: "0.weight", expected: [5, 3], got: [4, 3])) {
            try Safetensors.load(into: wider, data: data)
        }
        let deeper = Sequential([network(seed: 1)])
        #expect(throws: SafetensorsError.missingTensor("0.0.weight")) { try Safetensors.load(into: deeper, data: data) }
        let smaller = Sequential([Linear(inputs: 3, outputs: 4, seed: 0)])
        #expect(throws: SafetensorsError.unexpectedTensor("2.bias")) { try Safetensors.load(into: smaller, data: data) }
    }

    @Test func malformedFiles() throws {
        #expect(throws: SafetensorsError.truncated(expected: 8, got: 3)) { try Safetensors.decode(Data([1, 2, 3])) }
        var huge = Data()
        withUnsafeBytes(of: UInt64(1000).littleEndian) { huge.append(contentsOf: $0) }
        huge.append(Data("{}".utf8))
        #expect(throws: SafetensorsError.truncated(expected: 1008, got: 10)) { try Safetensors.decode(huge) }
        #expect(throws: SafetensorsError.malformedHeader("the header is not valid JSON")) {
            try Safetensors.decode(file(json: "{\"a\": [", dataBytes: 0))
        }
        #expect(throws: SafetensorsError.malformedHeader("the header is not a JSON object")) {
            try Safetensors.decode(file(json: "[1, 2]", dataBytes: 0))
        }
        #expect(throws: SafetensorsError.offsetsOutOfRange(name: "a", begin: 0, end: 16, dataLength: 8)) {
            try Safetensors.decode(file(json: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, dataBytes: 8))
        }
        #expect(throws: SafetensorsError.sizeMismatch(name: "a", shape: [3], bytes: 8)) {
            try Safetensors.decode(file(json: #"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, dataBytes: 8))
        }
        #expect(throws: SafetensorsError.unsupportedDType(name: "a", dtype: "F16")) {
            try Safetensors.decode(file(json: #"{"a":{"dtype":"F16","shape":[4],"data_offsets":[0,8]}}"#, dataBytes: 8))
        }
        #expect(throws: SafetensorsError.malformedHeader("entry \"a\" needs dtype, shape and two data_offsets")) {
            try Safetensors.decode(file(json: #"{"a":{"dtype":"F32","shape":[2]}}"#, dataBytes: 8))
        }
    }
}

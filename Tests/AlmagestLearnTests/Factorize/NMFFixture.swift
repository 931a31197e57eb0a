import AlmagestCore
import AlmagestData
import AlmagestTestSupport
import Foundation

/// The `nmf_mu.json` fixture and its data (MNIST test images 0..<250 scaled to [0, 1]), loaded once.
struct NMFFixture: @unchecked Sendable {
    let json: [String: Any]
    let x: Matrix<Double>

    static let shared: NMFFixture = {
        let json = try! Reference.json("nmf_mu.json")
        let x = try! IDX.readImages(
            from: Reference.url("datasets/mnist/t10k-images-idx3-ubyte.gz"), rows: 0..<250, scaledToUnit: true)
        return NMFFixture(json: json, x: x)
    }()

    func section(_ key: String) -> [String: Any] { json.object(key)! }

    static func matrix(_ rows: [[Double]]) -> Matrix<Double> { try! Matrix(rows) }
}

/// max |a − b| over all entries.
func maxAbsDiff(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Double { a.maxAbsDifference(b) }

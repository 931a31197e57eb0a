import AlmagestCore
import AlmagestData
import AlmagestTestSupport
import Foundation

/// The `nmf_transform_kl.json` fixture (this target's own resource, written by
/// `Tests/Reference/make_nmf_transform_reference.py`) and its data, loaded once: MNIST test
/// images 200..<300 scaled to [0, 1] for `transform`, digits 0..<60 for the KL updates.
struct NMFTransformFixture: @unchecked Sendable {
    let json: [String: Any]
    let transformRows: Matrix<Double>
    let klRows: Matrix<Double>

    static let loaded: Result<NMFTransformFixture, any Error> = Result { try load() }

    static func shared() throws -> NMFTransformFixture { try loaded.get() }

    var transform: [String: Any] { json.object("transform")! }
    var kl: [String: Any] { json.object("kl")! }

    static func matrix(_ section: [String: Any], _ key: String) throws -> Matrix<Double> {
        guard let rows = section.rows(key) else { throw Reference.ReferenceError.malformed(key) }
        return try Matrix(rows)
    }

    private static func load() throws -> NMFTransformFixture {
        guard let url = Bundle.module.url(forResource: "nmf_transform_kl", withExtension: "json", subdirectory: "Resources"),
              let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        else { throw Reference.ReferenceError.malformed("nmf_transform_kl.json") }
        let data = json.object("transform")!.object("data")!
        let range = data.ints("transform_rows")!
        let x = try IDX.readImages(
            from: Reference.url(data["file"] as! String), rows: range[0]..<range[1], scaledToUnit: true)
        let klRange = json.object("kl")!.object("data")!.ints("rows")!
        let digits = try FeatureTestDigits.digits().pixels
        return NMFTransformFixture(json: json, transformRows: x, klRows: digits.rows(at: klRange[0]..<klRange[1]))
    }
}

/// Largest |a − b| / max(|a|, |b|) over entries where either is above `floor` in magnitude, and
/// largest |a − b| elsewhere.
func maxRelativeDifference(_ a: Matrix<Double>, _ b: Matrix<Double>, floor: Double = 1e-12) -> (relative: Double, absolute: Double) {
    var relative = 0.0, absolute = 0.0
    for (x, y) in zip(a.elements, b.elements) {
        let scale = max(abs(x), abs(y))
        if scale > floor { relative = max(relative, abs(x - y) / scale) } else { absolute = max(absolute, abs(x - y)) }
    }
    return (relative, absolute)
}

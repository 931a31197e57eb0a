import AlmagestTestSupport
import Foundation

/// `fits_reference.json` and `fits_types.fits` (this target's resources, written by
/// Tests/Reference/make_fits_reference.py with astropy).
struct FITSFixture: Decodable {
    struct Image: Decodable {
        let name: String
        let bitpix: Int
        let axes: [Int]
        let values: [Double?]?
        let exact: [String]?
    }

    struct Column: Decodable {
        let values: [Double?]?
        let exact: [String]?
        let strings: [String]?
        let logicals: [Bool]?
        let bits: [Bool]?
        let null: Int?
    }

    struct Types: Decodable {
        let header: [String: HeaderValue]
        let images: [Image]
        let table: [String: Column]
        let ascii: ASCII
    }

    struct ASCII: Decodable {
        let NAME: [String]
        let COUNT: [Double]
        let FLUX: [Double]
        let RATIO: [Double]
        let PRECISE: [Double]
    }

    enum HeaderValue: Decodable, Equatable {
        case string(String), number(Double), logical(Bool)

        init(from decoder: Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let b = try? c.decode(Bool.self) { self = .logical(b) }
            else if let d = try? c.decode(Double.self) { self = .number(d) }
            else { self = .string(try c.decode(String.self)) }
        }
    }

    struct Spectrum: Decodable {
        let file: String
        let hdus: [String]
        let rows: Int
        let picks: [Int]
        let sample: [String: [Double]]
        let sums: [String: Double]
        let zero_ivar: Int
        let Z: Double
        let CLASS: String
        let SUBCLASS: String
        let PLUG_RA: Double
        let OBJID: [Int]
        let SPECPRIMARY: Int
        let NSPECOBS: Int
        let SPECIAL_TARGET1: String
        let header: [String: HeaderValue]
    }

    let types: Types
    let sdss: [Spectrum]

    static func load() throws -> FITSFixture {
        try JSONDecoder().decode(FITSFixture.self, from: Data(contentsOf: resource("fits_reference", "json")))
    }

    static func resource(_ name: String, _ ext: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: ext, subdirectory: "Resources") else {
            throw Reference.ReferenceError.malformed("\(name).\(ext)")
        }
        return url
    }

    /// The shared SDSS spectra folder.
    static var sdssFolder: URL { Reference.url("datasets/sdss-spectra") }
}

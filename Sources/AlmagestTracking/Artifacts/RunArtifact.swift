import AlmagestCore
import AlmagestData
import Foundation

/// A typed file of a run: one type says the file's name, how it is written and how it is read
/// back, so the experiment that writes it and the dashboard page that reads it share one
/// definition (and one chart, where it has one) instead of two descriptions by strings.
///
/// JSON artifacts (`Codable` types) get their encoding for free; CSV artifacts write their own
/// table and read it back through `init(table:)`. `companions` are views written beside the main
/// file (a CSV or SVG of the same data) that nothing reads back.
///
/// ```swift
/// try run.write(ConfusionArtifact(classes: ["g", "h"], counts: [[10, 2], [3, 9]]))
/// let confusion = try ConfusionArtifact.read(from: directory)
/// ```
public protocol RunArtifact: Sendable {
    /// The file name in the run directory.
    static var fileName: String { get }
    /// The file's bytes.
    func encoded() throws -> Data
    /// Reads the file's bytes; `source` names the file in errors.
    static func decoded(from data: Data, source: String) throws -> Self
    /// Files written beside the main one (name, bytes); none by default.
    func companions() throws -> [(name: String, contents: Data)]
}

extension RunArtifact {
    public func companions() throws -> [(name: String, contents: Data)] { [] }

    /// Reads the artifact from a run directory; throws `DataError` when it is missing or does not read.
    public static func read(from directory: URL) throws -> Self {
        let url = directory.appendingPathComponent(fileName)
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw DataError.io(path: url.path, reason: error.localizedDescription)
        }
        return try decoded(from: data, source: url.path)
    }
}

extension RunArtifact where Self: Codable {
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(self)
    }

    public static func decoded(from data: Data, source: String) throws -> Self {
        do {
            return try JSONDecoder().decode(Self.self, from: data)
        } catch {
            throw DataError.malformed(source: source, reason: "expected the JSON of \(Self.self): \(error)")
        }
    }
}

/// A CSV artifact: a header row of column names and numeric rows.
public protocol TableArtifact: RunArtifact {
    /// Reads the artifact from its columns (names and values, one row per line).
    init(table names: [String], values: Matrix<Double>, source: String) throws
}

extension TableArtifact {
    public static func decoded(from data: Data, source: String) throws -> Self {
        let table = try CSVReader.read(data, source: source, options: CSVOptions(header: .present))
        return try Self(table: table.featureNames, values: table.features, source: source)
    }

    /// A column by name; throws `DataError.noSuchColumn` naming the columns there are.
    static func column(_ name: String, of names: [String], _ values: Matrix<Double>, source: String) throws -> [Double] {
        guard let c = names.firstIndex(of: name) else {
            throw DataError.noSuchColumn(source: source, column: name, available: names.joined(separator: ", "))
        }
        return (0..<values.rows).map { values[$0, c] }
    }
}

extension ActiveRun {
    /// Writes an artifact (and its companions) into the run directory; never replaces a file.
    @discardableResult
    public func write<A: RunArtifact>(_ artifact: A) throws -> URL {
        let url = try writeArtifact(A.fileName, contents: artifact.encoded())
        for companion in try artifact.companions() { try writeArtifact(companion.name, contents: companion.contents) }
        return url
    }
}

/// A CSV text: a header line, then one line per row (numbers in Swift's shortest exact form).
struct CSVText {
    private(set) var text: String

    init(header: [String]) { text = header.map { CSVWriter.field($0) }.joined(separator: ",") + "\n" }

    mutating func append(_ cells: [String]) { text += cells.joined(separator: ",") + "\n" }

    var data: Data { Data(text.utf8) }
}
